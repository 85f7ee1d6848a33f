//! An LSP client session over the server's stdio, shared by the end-to-end tests.

// Each test binary uses its own part of the session API.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

pub const URI: &str = "file:///tmp/sigmalens-e2e/rule.yml";
pub const TIMEOUT: Duration = Duration::from_secs(30);

pub struct Session {
    pub child: Child,
    pub stdin: ChildStdin,
    pub messages: Receiver<Value>,
    pub next_id: i64,
    pub uri: String,
    /// What the client answers to `workspace/configuration`.
    pub configuration: Value,
    /// Notifications read while waiting for a response.
    pub notifications: Vec<Value>,
}

impl Session {
    pub fn start() -> Session {
        let mut child = Command::new(env!("CARGO_BIN_EXE_sigmalens"))
            .args(["server", "--stdio"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("server starts");
        let stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (sender, messages) = channel();
        // A reader thread, so a silent server fails the test by timeout, not a hang.
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            while let Some(message) = read_message(&mut reader) {
                if sender.send(message).is_err() {
                    break;
                }
            }
        });
        Session {
            child,
            stdin,
            messages,
            next_id: 0,
            uri: URI.to_string(),
            configuration: Value::Null,
            notifications: Vec::new(),
        }
    }

    pub fn send(&mut self, message: Value) {
        let body = message.to_string();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
        self.stdin.flush().unwrap();
    }

    pub fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({ "jsonrpc": "2.0", "method": method, "params": params }));
    }

    /// The next message from the server; requests from the server are answered here.
    pub fn receive(&mut self) -> Value {
        loop {
            let message = self
                .messages
                .recv_timeout(TIMEOUT)
                .expect("the server answers in time");
            if message.get("id").is_none() || message.get("method").is_none() {
                return message;
            }
            let result = match message["method"].as_str() {
                Some("workspace/configuration") => json!([self.configuration]),
                _ => Value::Null,
            };
            self.send(json!({ "jsonrpc": "2.0", "id": message["id"], "result": result }));
        }
    }

    /// Sends a request and returns its whole response (`result` or `error`).
    pub fn request(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        self.send(json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }));
        loop {
            let message = self.receive();
            if message["id"] == json!(id) && message.get("method").is_none() {
                return message;
            }
            self.notifications.push(message);
        }
    }

    pub fn result(&mut self, method: &str, params: Value) -> Value {
        let response = self.request(method, params);
        assert!(response.get("error").is_none(), "{method}: {response}");
        response["result"].clone()
    }

    /// The next `publishDiagnostics` for `version` of the test document.
    pub fn diagnostics(&mut self, version: i64) -> Value {
        let uri = self.uri.clone();
        let matches = |m: &Value| {
            m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["uri"] == uri.as_str()
                && m["params"]["version"] == json!(version)
        };
        if let Some(i) = self.notifications.iter().position(matches) {
            return self.notifications.remove(i)["params"]["diagnostics"].clone();
        }
        loop {
            let message = self.receive();
            if matches(&message) {
                return message["params"]["diagnostics"].clone();
            }
        }
    }

    pub fn initialize(&mut self, encodings: &[&str]) -> Value {
        self.initialize_with(
            json!({ "general": { "positionEncodings": encodings } }),
            Value::Null,
        )
    }

    pub fn initialize_with(&mut self, capabilities: Value, options: Value) -> Value {
        let result = self.result(
            "initialize",
            json!({
                "processId": null,
                "rootUri": null,
                "capabilities": capabilities,
                "initializationOptions": options,
            }),
        );
        self.notify("initialized", json!({}));
        result
    }

    pub fn open(&mut self, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({ "textDocument": { "uri": self.uri, "languageId": "yaml", "version": 1, "text": text } }),
        );
    }

    pub fn change(&mut self, version: i64, changes: Value) {
        self.notify(
            "textDocument/didChange",
            json!({ "textDocument": { "uri": self.uri, "version": version }, "contentChanges": changes }),
        );
    }

    pub fn document_text(&mut self) -> String {
        let uri = self.uri.clone();
        let result = self.result("sigmalens/documentText", json!({ "uri": uri }));
        result["text"]
            .as_str()
            .expect("document is open")
            .to_string()
    }

    pub fn at(&self, line: u32, character: u32) -> Value {
        json!({ "textDocument": { "uri": self.uri }, "position": { "line": line, "character": character } })
    }

    pub fn shutdown(mut self) {
        assert_eq!(self.result("shutdown", Value::Null), Value::Null);
        self.notify("exit", Value::Null);
        let deadline = Instant::now() + TIMEOUT;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                assert!(status.success(), "{status}");
                return;
            }
            assert!(Instant::now() < deadline, "server did not exit");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

pub fn read_message(reader: &mut impl BufRead) -> Option<Value> {
    let mut length = None;
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header).ok()? == 0 {
            return None;
        }
        let header = header.trim_end();
        if header.is_empty() {
            break;
        }
        if let Some(value) = header.strip_prefix("Content-Length: ") {
            length = value.parse().ok();
        }
    }
    let mut body = vec![0; length?];
    reader.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
}

pub fn range(start: (u32, u32), end: (u32, u32)) -> Value {
    json!({ "start": { "line": start.0, "character": start.1 }, "end": { "line": end.0, "character": end.1 } })
}
