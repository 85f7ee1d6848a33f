//! The server with the embedded corpus index: completion ranked by corpus
//! use, hover with indicator reach, and a clear error for a bad `--index`.

mod support;

use std::process::Command;

use serde_json::Value;
use support::lsp::Session;

const RULE: &str = "\
title: t
logsource:
    category: process_creation
    product: windows
detection:
    selection:
        Image|endswith: '\\powershell.exe'
        
    condition: selection
";

/// Labels in the order a client shows them (by `sortText`, then label).
fn ranked_labels(completion: &Value) -> Vec<String> {
    let mut items: Vec<(String, String)> = completion
        .as_array()
        .expect("a completion list")
        .iter()
        .map(|item| {
            let label = item["label"].as_str().unwrap().to_string();
            let sort = item["sortText"].as_str().unwrap_or(&label).to_string();
            (sort, label)
        })
        .collect();
    items.sort();
    items.into_iter().map(|(_, label)| label).collect()
}

#[test]
fn completion_and_hover_use_the_embedded_index() {
    let mut session = Session::start();
    session.initialize(&["utf-8"]);
    session.open(RULE);
    session.diagnostics(1);

    let completion = session.result("textDocument/completion", session.at(7, 8));
    let labels = ranked_labels(&completion);
    // `Image` is already a key of this map: offering it would write a duplicate.
    assert_eq!(
        labels.first().map(String::as_str),
        Some("CommandLine"),
        "{labels:?}"
    );
    assert!(!labels.iter().any(|l| l == "Image"), "{labels:?}");
    let command_line = completion
        .as_array()
        .unwrap()
        .iter()
        .find(|item| item["label"] == "CommandLine")
        .unwrap();
    assert!(
        command_line["detail"]
            .as_str()
            .unwrap()
            .contains("corpus rules"),
        "{command_line}"
    );

    let hover = session.result("textDocument/hover", session.at(6, 28));
    let markdown = hover["contents"]["value"].as_str().unwrap();
    assert!(markdown.contains("Reach: "), "{markdown}");
    assert!(markdown.contains("by "), "authors are credited: {markdown}");
    session.shutdown();
}

#[test]
fn a_bad_index_file_stops_the_server_with_a_clear_error() {
    let bad = std::env::temp_dir().join(format!("sigmalens-bad-index-{}", std::process::id()));
    std::fs::write(&bad, b"not an index").unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_sigmalens"))
        .args(["server", "--stdio", "--index"])
        .arg(&bad)
        .output()
        .unwrap();
    std::fs::remove_file(&bad).unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("not a sigmalens corpus index"), "{stderr}");
}

#[test]
fn corpus_findings_follow_when_the_tables_are_ready() {
    let mut session = Session::start();
    session.initialize(&["utf-8"]);
    session.open(include_str!("fixtures/checks/SL801/fires.yml"));
    let codes = |diagnostics: &Value| -> Vec<String> {
        diagnostics
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["code"].as_str().unwrap_or_default().to_string())
            .collect()
    };
    // The first publish may come before the corpus tables exist (structural
    // findings only); the corpus findings then follow for the same version.
    let first = codes(&session.diagnostics(1));
    let last = if first.iter().any(|c| c == "SL801") {
        first
    } else {
        assert!(first.iter().all(|c| !c.starts_with("SL8")), "{first:?}");
        codes(&session.diagnostics(1))
    };
    assert!(last.iter().any(|c| c == "SL801"), "{last:?}");
    session.shutdown();
}
