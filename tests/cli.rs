//! The `sigmalens` binary as users run it: output formats, exit codes, --fix.

use std::path::{Path, PathBuf};
use std::process::Command;

fn sigmalens(args: &[&str], cwd: &Path) -> (i32, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_sigmalens"))
        .args(args)
        .current_dir(cwd)
        .env_remove("NO_COLOR")
        .output()
        .expect("binary runs");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
    )
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn human_output_on_the_examples() {
    let (code, stdout, _) = sigmalens(&["lint", "examples"], &root());
    assert_eq!(code, 1, "errors in the examples fail the run");
    insta::assert_snapshot!("examples_human", stdout);
}

#[test]
fn json_output() {
    let (code, stdout, _) = sigmalens(&["lint", "examples", "--format", "json"], &root());
    assert_eq!(code, 1);
    let findings: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    for finding in findings.as_array().unwrap() {
        for key in [
            "path",
            "code",
            "severity",
            "message",
            "line",
            "column",
            "end_line",
            "end_column",
            "fix",
        ] {
            assert!(finding.get(key).is_some(), "{key} missing in {finding}");
        }
    }
    insta::assert_snapshot!("examples_json", stdout);
}

#[test]
fn sarif_output() {
    let (_, stdout, _) = sigmalens(&["lint", "examples", "--format", "sarif"], &root());
    let log: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(log["version"], "2.1.0");
    let run = &log["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    for result in run["results"].as_array().unwrap() {
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(
            rules[index]["id"], result["ruleId"],
            "ruleIndex points at the rule"
        );
        let region = &result["locations"][0]["physicalLocation"]["region"];
        assert!(region["startLine"].as_u64().unwrap() >= 1);
        assert!(
            region["endColumn"].as_u64().unwrap() > region["startColumn"].as_u64().unwrap()
                || region["endLine"] != region["startLine"]
        );
    }
    let results = serde_json::to_string_pretty(&run["results"]).unwrap();
    insta::assert_snapshot!("examples_sarif_results", results);
}

#[test]
fn github_output() {
    let (_, stdout, _) = sigmalens(&["lint", "examples", "--format", "github"], &root());
    assert!(stdout.lines().all(|l| l.starts_with("::error ")
        || l.starts_with("::warning ")
        || l.starts_with("::notice ")));
    insta::assert_snapshot!("examples_github", stdout);
}

#[test]
fn statistics() {
    let (_, stdout, _) = sigmalens(&["lint", "examples", "--statistics"], &root());
    insta::assert_snapshot!("examples_statistics", stdout);
}

#[test]
fn exit_codes() {
    let clean = root().join("examples/netsh_portproxy.yml");
    let clean = clean.to_str().unwrap();
    assert_eq!(sigmalens(&["lint", clean], &root()).0, 0);
    assert_eq!(
        sigmalens(&["lint", "examples", "--fail-on", "never"], &root()).0,
        0
    );
    assert_eq!(sigmalens(&["lint", "no/such/path.yml"], &root()).0, 2);
    assert_eq!(
        sigmalens(&["lint", "--format", "xml", "examples"], &root()).0,
        2
    );
    assert_eq!(
        sigmalens(&["lint", "examples", "--config", "no/such.toml"], &root()).0,
        2
    );
}

#[test]
fn config_file_is_found_and_obeyed() {
    let dir = tempdir("config");
    std::fs::copy(root().join("examples/typos.yml"), dir.join("typos.yml")).unwrap();
    let (code, _, _) = sigmalens(&["lint", "."], &dir);
    assert_eq!(code, 1);
    std::fs::write(
        dir.join(".sigmalens.toml"),
        "ignore = [\"SL5\", \"SL6\", \"SL4\", \"SL2\", \"SL3\", \"SL1\"]\n",
    )
    .unwrap();
    let (code, stdout, _) = sigmalens(&["lint", "."], &dir);
    assert_eq!(code, 0, "{stdout}");
    std::fs::write(dir.join(".sigmalens.toml"), "ignore = [\"SL5\"\n").unwrap();
    let (code, _, stderr) = sigmalens(&["lint", "."], &dir);
    assert_eq!(code, 2);
    assert!(stderr.contains(".sigmalens.toml"), "{stderr}");
}

#[test]
fn fix_rewrites_files_in_place() {
    let dir = tempdir("fix");
    let path = dir.join("typos.yml");
    std::fs::copy(root().join("examples/typos.yml"), &path).unwrap();
    let (_, _, stderr) = sigmalens(&["lint", "--fix", "typos.yml"], &dir);
    assert!(stderr.starts_with("Applied"), "{stderr}");
    let fixed = std::fs::read_to_string(&path).unwrap();
    assert!(fixed.contains("condition: selection and not filter"));
    assert!(fixed.contains("CommandLine|contains: 'urlcache'"));
    let (_, stdout, _) = sigmalens(&["lint", "typos.yml", "--format", "json"], &dir);
    let findings: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert!(
        findings
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| {
                let code = f["code"].as_str().unwrap();
                sigmalens::checks::registry::by_code(code).is_some_and(|c| c.fixable)
            })
            .all(|f| f["fix"].is_null()),
        "every safe fix was applied"
    );
}

#[test]
fn non_rules_are_skipped_in_folders_but_reported_when_named() {
    let dir = tempdir("nonrules");
    std::fs::write(dir.join("ci.yml"), "on: push\njobs: {}\n").unwrap();
    let (code, stdout, _) = sigmalens(&["lint", "."], &dir);
    assert_eq!(
        (code, stdout.trim()),
        (0, "All clear: no findings in 0 files.")
    );
    let (_, stdout, _) = sigmalens(&["lint", "ci.yml"], &dir);
    assert!(stdout.contains("SL099"), "{stdout}");
}

#[test]
fn rule_docs() {
    let (code, stdout, _) = sigmalens(&["rule", "SL501"], &root());
    assert_eq!(code, 0);
    assert!(stdout.contains("## What it does"));
    let (code, stdout, _) = sigmalens(&["rule", "--all"], &root());
    assert_eq!(code, 0);
    assert!(stdout.lines().count() >= 5);
    assert_eq!(sigmalens(&["rule", "SL999"], &root()).0, 2);
}

#[test]
fn bad_input_never_crashes() {
    let dir = tempdir("bad");
    std::fs::write(dir.join("latin1.yml"), b"title: caf\xe9\nlogsource: {}\n").unwrap();
    std::fs::write(dir.join("binary.yml"), b"\x00\x01\x02").unwrap();
    std::fs::write(dir.join("empty.yml"), b"").unwrap();
    std::fs::write(dir.join("tabs.yml"), "title: t\ndetection:\n\tsel: x\n").unwrap();
    std::fs::write(dir.join("deep.yml"), "[".repeat(100_000)).unwrap();
    let bomb = "a: &a [\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\ng: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\nlogsource: {product: windows}\ndetection: {sel: {x: *g}, condition: sel}\n";
    std::fs::write(dir.join("bomb.yml"), bomb).unwrap();
    let mut big = String::from(
        "title: big\nlogsource:\n    product: windows\ndetection:\n    selection:\n        CommandLine|contains:\n",
    );
    while big.len() < 10 * 1024 * 1024 {
        big.push_str("            - 'some long value that repeats in a very large rule'\n");
    }
    big.push_str("    condition: selection\n");
    std::fs::write(dir.join("big.yml"), big).unwrap();
    let names = [
        "latin1.yml",
        "binary.yml",
        "empty.yml",
        "tabs.yml",
        "deep.yml",
        "bomb.yml",
        "big.yml",
    ];
    let mut args = vec!["lint", "--format", "json", "--fail-on", "never"];
    args.extend(names);
    let (code, stdout, stderr) = sigmalens(&args, &dir);
    assert_eq!(code, 0, "{stderr}");
    let findings: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let paths: Vec<&str> = findings
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    for name in [
        "latin1.yml",
        "binary.yml",
        "empty.yml",
        "tabs.yml",
        "deep.yml",
    ] {
        assert!(paths.contains(&name), "{name} has a finding: {paths:?}");
    }
}

fn tempdir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("sigmalens-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}
