//! Fixture tests for every check: `tests/fixtures/checks/<CODE>/` holds
//! `fires*.yml` files (each must raise the check) and `ok*.yml` files (none
//! may). The findings of the firing files, rendered as code frames, and the
//! text after `--fix` are snapshot-tested.

use std::path::{Path, PathBuf};

use sigmalens::checks::registry::CHECKS;
use sigmalens::config::{ProfileName, Settings};
use sigmalens::lint::{self, Input};
use sigmalens::output::{FileReport, human};
use sigmalens::rule::RuleFile;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/checks")
}

fn settings_for(code: &str) -> Settings {
    Settings {
        select: vec![code.to_string()],
        profile: ProfileName::Sigmahq,
        ..Settings::default()
    }
}

fn files_in(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yml" || e == "yaml"))
        .collect();
    files.sort();
    files
}

#[test]
fn every_check_has_firing_and_passing_fixtures() {
    let mut failures = Vec::new();
    for check in CHECKS {
        let dir = fixtures().join(check.code);
        if !dir.is_dir() {
            failures.push(format!(
                "{}: no fixture folder {}",
                check.code,
                dir.display()
            ));
            continue;
        }
        let files = files_in(&dir);
        let name = |p: &PathBuf| p.file_name().unwrap().to_string_lossy().to_string();
        if !files.iter().any(|p| name(p).starts_with("fires"))
            || !files.iter().any(|p| name(p).starts_with("ok"))
        {
            failures.push(format!("{}: needs fires*.yml and ok*.yml", check.code));
            continue;
        }
        let settings = settings_for(check.code);
        let inputs = files
            .iter()
            .map(|path| Input {
                path: path.clone(),
                explicit: true,
            })
            .collect();
        let linted = lint::lint_inputs(inputs, &settings);
        let mut reports = Vec::new();
        let mut fixed = String::new();
        for result in &linted {
            let file_name = name(&result.input.path);
            let own: Vec<_> = result
                .diagnostics
                .iter()
                .filter(|d| d.code == check.code)
                .cloned()
                .collect();
            if file_name.starts_with("fires") && own.is_empty() {
                failures.push(format!("{}: {file_name} raised nothing", check.code));
            }
            if file_name.starts_with("ok") && !own.is_empty() {
                failures.push(format!(
                    "{}: {file_name} raised {:?}",
                    check.code, own[0].message
                ));
            }
            if file_name.starts_with("fires") {
                if check.fixable && own.iter().any(|d| d.fix.is_some()) {
                    fixed.push_str(&check_fix(
                        check.code,
                        &result.input.path,
                        &settings,
                        &mut failures,
                    ));
                }
                reports.push(FileReport {
                    path: PathBuf::from(check.code).join(&file_name),
                    file: result.file.as_ref(),
                    diagnostics: own,
                });
            }
        }
        let mut snapshot = human::render(&reports, &human::Style { color: false });
        if !fixed.is_empty() {
            snapshot.push_str("\n--- after --fix ---\n");
            snapshot.push_str(&fixed);
        }
        insta::assert_snapshot!(check.code, snapshot);
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

/// A fix must leave a file that parses, drop the finding it fixes and add
/// no error of its own.
fn check_fix(code: &str, path: &Path, settings: &Settings, failures: &mut Vec<String>) -> String {
    let text = std::fs::read_to_string(path).unwrap();
    let (fixed, count) = lint::fix_text(&text, path, settings);
    let before = RuleFile::parse(text.as_str());
    let after = RuleFile::parse(fixed.as_str());
    let all = Settings::default();
    let errors = |file: &RuleFile| {
        sigmalens::checks::lint_file(file, Some(path), &all, None)
            .into_iter()
            .filter(|d| d.severity == sigmalens::checks::Severity::Error && d.code != code)
            .count()
    };
    if count == 0 || fixed == text {
        failures.push(format!("{code}: fix changed nothing in {}", path.display()));
    }
    if after.yaml.errors.len() > before.yaml.errors.len() || errors(&after) > errors(&before) {
        failures.push(format!("{code}: fix broke {}", path.display()));
    }
    format!("# {}\n{fixed}", path.file_name().unwrap().to_string_lossy())
}
