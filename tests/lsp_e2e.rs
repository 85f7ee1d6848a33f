//! Drives `sigmalens server` over stdio, as an editor does, and checks the
//! JSON it answers.
//!
//! Documents' text is read back with the `sigmalens/documentText` request
//! (see `sigmalens::lsp::DOCUMENT_TEXT_METHOD`), which the randomized edit
//! test uses to check that the server's copy stays equal to the client's.

mod support;

use std::time::{Duration, Instant};

use serde_json::{Value, json};
use support::lsp::{Session, URI, range};

/// `code line:col-line:col` per diagnostic.
fn summary(diagnostics: &Value) -> Vec<String> {
    diagnostics
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            let r = &d["range"];
            format!(
                "{} {}:{}-{}:{}",
                d["code"].as_str().unwrap(),
                r["start"]["line"],
                r["start"]["character"],
                r["end"]["line"],
                r["end"]["character"]
            )
        })
        .collect()
}

const RULE: &str = "\
title: Netsh port forwarding
logsource:
    product: windows
detection:
    selection:
        CommandLine|contain: 'portproxy'
    filter_main:
        User: SYSTEM
    condition: selection and not filter_main
level: high
id: 5c3f7a52-8a0e-4f43-9a1b-2f6f3f1c9d10
description: Netsh adding a portproxy rule to tunnel traffic
author: sigmalens tests
date: 2026-11-23
";

#[test]
fn utf16_session() {
    let mut session = Session::start();
    let init = session.initialize(&[]);
    assert_eq!(init["capabilities"]["positionEncoding"], "utf-16");
    assert_eq!(init["capabilities"]["textDocumentSync"]["change"], 2);
    session.open(RULE);

    let diagnostics = session.diagnostics(1);
    assert_eq!(summary(&diagnostics), ["SL601 5:20-5:27"]);
    assert_eq!(diagnostics[0]["source"], "sigmalens");
    assert_eq!(diagnostics[0]["severity"], 1);

    // Non-ASCII title, then a column past the emoji: UTF-16 counts it as 2.
    session.change(
        2,
        json!([{ "range": range((0, 7), (0, 28)), "text": "Détection 😀" }]),
    );
    session.change(
        3,
        json!([{ "range": range((0, 19), (0, 19)), "text": "!" }]),
    );
    let expected = RULE.replace("Netsh port forwarding", "Détection 😀!");
    assert_eq!(session.document_text(), expected);
    assert_eq!(summary(&session.diagnostics(3)), ["SL601 5:20-5:27"]);

    // A duplicate key: the first one is related information.
    session.change(
        4,
        json!([{ "range": range((9, 0), (9, 0)), "text": "level: low\n" }]),
    );
    let diagnostics = session.diagnostics(4);
    let duplicate = diagnostics
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "SL102")
        .expect("duplicate key reported");
    assert_eq!(
        duplicate["relatedInformation"][0]["location"]["range"]["start"]["line"],
        9
    );
    session.change(5, json!([{ "range": range((9, 0), (10, 0)), "text": "" }]));
    session.diagnostics(5);

    let actions = session.result(
        "textDocument/codeAction",
        json!({
            "textDocument": { "uri": URI },
            "range": range((5, 20), (5, 20)),
            "context": { "diagnostics": [] },
        }),
    );
    assert_eq!(actions[0]["kind"], "quickfix");
    let edit = &actions[0]["edit"]["changes"][URI][0];
    assert_eq!(edit["newText"], "contains");
    assert_eq!(edit["range"], range((5, 20), (5, 27)));

    let completion = session.result("textDocument/completion", session.at(5, 20));
    let labels: Vec<&str> = completion
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["label"].as_str().unwrap())
        .collect();
    assert!(labels.contains(&"contains") && labels.contains(&"endswith"));
    assert!(!labels.contains(&"i"), "regex flags need `re`");

    let hover = session.result("textDocument/hover", session.at(8, 17));
    assert!(
        hover["contents"]["value"]
            .as_str()
            .unwrap()
            .contains("CommandLine|contain: 'portproxy'"),
        "{hover}"
    );

    let definition = session.result("textDocument/definition", session.at(8, 33));
    assert_eq!(definition[0]["range"], range((6, 4), (6, 15)));

    let rename = session.result(
        "textDocument/rename",
        json!({
            "textDocument": { "uri": URI },
            "position": { "line": 6, "character": 6 },
            "newName": "filter_system",
        }),
    );
    let edits = &rename["changes"][URI];
    assert_eq!(edits.as_array().unwrap().len(), 2);
    assert_eq!(edits[1]["range"], range((8, 33), (8, 44)));
    let invalid = session.request(
        "textDocument/rename",
        json!({
            "textDocument": { "uri": URI },
            "position": { "line": 6, "character": 6 },
            "newName": "and",
        }),
    );
    assert!(
        invalid["error"]["message"]
            .as_str()
            .unwrap()
            .contains("reserved")
    );

    let symbols = session.result(
        "textDocument/documentSymbol",
        json!({ "textDocument": { "uri": URI } }),
    );
    let names: Vec<&str> = symbols
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "title",
            "logsource",
            "detection",
            "level",
            "id",
            "description",
            "author",
            "date"
        ]
    );
    assert_eq!(symbols[2]["children"][1]["name"], "filter_main");

    let references = session.result(
        "textDocument/references",
        json!({
            "textDocument": { "uri": URI },
            "position": { "line": 6, "character": 6 },
            "context": { "includeDeclaration": true },
        }),
    );
    assert_eq!(references.as_array().unwrap().len(), 2);
    let prepared = session.result("textDocument/prepareRename", session.at(8, 35));
    assert_eq!(prepared, range((8, 33), (8, 44)));
    let folds = session.result(
        "textDocument/foldingRange",
        json!({ "textDocument": { "uri": URI } }),
    );
    let detection_fold = json!({ "startLine": 3, "endLine": 8, "kind": "region" });
    assert!(
        folds.as_array().unwrap().contains(&detection_fold),
        "{folds}"
    );

    session.shutdown();
}

#[test]
fn utf8_session() {
    let mut session = Session::start();
    let init = session.initialize(&["utf-16", "utf-8"]);
    assert_eq!(init["capabilities"]["positionEncoding"], "utf-8");
    session.open(&RULE.replace("Netsh", "😀 Netsh"));
    session.diagnostics(1);
    // In UTF-8 the emoji is four columns wide: `Netsh` starts at column 12.
    session.change(
        2,
        json!([{ "range": range((0, 12), (0, 17)), "text": "netsh" }]),
    );
    assert!(session.document_text().starts_with("title: 😀 netsh port"));
    session.diagnostics(2);

    // Hover ranges come back in UTF-8 columns too.
    session.change(
        3,
        json!([{ "range": range((2, 13), (2, 13)), "text": "\ntags:\n    - attack.t1090 # é" }]),
    );
    session.diagnostics(3);
    let hover = session.result("textDocument/hover", session.at(4, 12));
    assert!(
        hover["contents"]["value"]
            .as_str()
            .unwrap()
            .contains("Proxy")
    );
    assert_eq!(hover["range"], range((4, 6), (4, 18)));
    session.shutdown();
}

#[test]
fn settings_come_from_the_config_file_then_the_client() {
    // Initialization options: SL601 off.
    let mut session = Session::start();
    session.initialize_with(json!({}), json!({ "ignore": ["SL601"] }));
    session.open(RULE);
    assert_eq!(session.diagnostics(1), json!([]));
    session.shutdown();

    // Pulled with workspace/configuration: SL601 as a hint.
    let mut session = Session::start();
    session.configuration = json!({ "severity": { "SL601": "hint" } });
    session.initialize_with(
        json!({ "workspace": { "configuration": true } }),
        Value::Null,
    );
    session.open(RULE);
    assert_eq!(session.diagnostics(1)[0]["severity"], 4);
    session.shutdown();

    // A `.sigmalens.toml` beside the rule wins over the client's settings.
    let folder = std::env::temp_dir().join(format!("sigmalens-e2e-{}", std::process::id()));
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(
        folder.join(".sigmalens.toml"),
        "[severity]\nSL601 = \"info\"\n",
    )
    .unwrap();
    let mut session = Session::start();
    session.uri = format!("file://{}/rule.yml", folder.display());
    session.initialize_with(json!({}), json!({ "ignore": ["SL601"] }));
    session.open(RULE);
    assert_eq!(session.diagnostics(1)[0]["severity"], 3);
    session.shutdown();
    std::fs::remove_dir_all(&folder).unwrap();
}

#[test]
fn other_yaml_gets_no_diagnostics() {
    let mut session = Session::start();
    session.initialize(&[]);
    session.open("name: ci\non:\n  push: {}\njobs: [\n");
    assert_eq!(session.diagnostics(1), json!([]));
    session.shutdown();
}

/// xorshift64*: deterministic and dependency-free.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// The server's clamping rules, written independently: a line past the end
/// means the end of the text; a column past the line's end (before its line
/// break) means the line's end; a column inside a surrogate pair means the
/// start of the character.
fn utf16_offset(text: &str, line: u32, col: u32) -> usize {
    let mut starts = vec![0];
    starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
    let Some(&start) = starts.get(line as usize) else {
        return text.len();
    };
    let rest = &text[start..];
    let mut content = rest.split('\n').next().unwrap();
    if rest.len() > content.len() {
        content = content.strip_suffix('\r').unwrap_or(content);
    }
    let mut units = 0;
    for (i, ch) in content.char_indices() {
        if units + ch.len_utf16() as u32 > col {
            return start + i;
        }
        units += ch.len_utf16() as u32;
    }
    start + content.len()
}

#[test]
fn random_edits_keep_the_server_text_equal_to_the_client_text() {
    let pieces = [
        "",
        "a",
        "é",
        "😀",
        "\n",
        "\r\n",
        "detection:\n",
        "    sel:\n        x: 1\n",
        "|contains",
        "condition: sel",
        "title: Détection 😀\n",
        "  ",
        "-",
    ];
    let mut rng = Rng(0x5eed_1234_abcd_0001);
    let mut session = Session::start();
    session.initialize(&[]);
    let mut text = RULE.to_string();
    session.open(&text);
    for version in 2..=300 {
        let lines = text.matches('\n').count() as u64 + 1;
        // Mostly valid positions, sometimes far past a line or the text.
        let position = |rng: &mut Rng| {
            let line = if rng.below(10) == 0 {
                lines + rng.below(5)
            } else {
                rng.below(lines)
            };
            let col = if rng.below(10) == 0 {
                200 + rng.below(50)
            } else {
                rng.below(40)
            };
            (line as u32, col as u32)
        };
        let (a, b) = (position(&mut rng), position(&mut rng));
        let insert = pieces[rng.below(pieces.len() as u64) as usize];
        let change = if rng.below(50) == 0 {
            text = insert.to_string();
            json!([{ "text": insert }])
        } else {
            let start = utf16_offset(&text, a.0, a.1);
            let end = utf16_offset(&text, b.0, b.1).max(start);
            text.replace_range(start..end, insert);
            json!([{ "range": range(a, b), "text": insert }])
        };
        session.change(version, change);
        if version % 25 == 0 {
            assert_eq!(session.document_text(), text, "after version {version}");
            // Requests at random positions must answer, whatever the text.
            let (line, col) = position(&mut rng);
            for method in [
                "textDocument/completion",
                "textDocument/hover",
                "textDocument/definition",
            ] {
                let response = session.request(method, session.at(line, col));
                assert!(response.get("error").is_none(), "{method}: {response}");
            }
        }
    }
    assert_eq!(session.document_text(), text);
    // A stale version is ignored.
    session.change(5, json!([{ "text": "stale" }]));
    assert_eq!(session.document_text(), text);
    session.shutdown();
}

/// A rule grown to 1 MB by `repeat(i)` lines after `head`.
fn large_rule(head: &str, repeat: impl Fn(usize) -> String, tail: &str) -> String {
    let mut body = String::from(head);
    let mut i = 0;
    while body.len() < 1024 * 1024 {
        body.push_str(&repeat(i));
        i += 1;
    }
    body.push_str(tail);
    body
}

#[test]
fn large_documents_stay_responsive() {
    let head = "title: Large\nlogsource:\n    product: windows\ndetection:\n";
    let shapes = [
        (
            "many selections",
            large_rule(
                head,
                |i| format!("    selection_{i}:\n        CommandLine|contains: 'value {i} é'\n"),
                "    condition: 1 of selection_*\n",
            ),
        ),
        (
            "long value list",
            large_rule(
                &format!("{head}    selection:\n        CommandLine|contains:\n"),
                |i| format!("            - 'value {i} é'\n"),
                "    condition: selection\n",
            ),
        ),
    ];
    for (shape, text) in shapes {
        let mut session = Session::start();
        session.initialize(&[]);
        let started = Instant::now();
        session.open(&text);
        session.diagnostics(1);
        let opened = started.elapsed();
        let started = Instant::now();
        session.change(2, json!([{ "range": range((5, 8), (5, 8)), "text": "x" }]));
        session.diagnostics(2);
        let changed = started.elapsed();
        let started = Instant::now();
        session.result("textDocument/completion", session.at(5, 20));
        let completed = started.elapsed();
        eprintln!(
            "1 MB, {shape}: open+lint {opened:?}, edit+lint {changed:?}, completion {completed:?}"
        );
        // Generous: debug builds on a shared machine.
        assert!(changed < Duration::from_secs(10), "{shape}: {changed:?}");
        session.shutdown();
    }
}
