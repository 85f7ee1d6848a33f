//! Lints every active SigmaHQ rule: they pass SigmaHQ's own CI, so an
//! error-severity finding on them is a false positive. Needs the raw corpus
//! in `../shared/corpus`; skips with a message without it.

use std::collections::BTreeMap;
use std::path::PathBuf;

use sigmalens::checks::Severity;
use sigmalens::config::Settings;
use sigmalens::lint;

const ACTIVE_FOLDERS: [&str; 3] = ["rules", "rules-emerging-threats", "rules-threat-hunting"];

#[test]
fn active_sigmahq_rules_have_no_errors() {
    let sigma = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/sigma");
    if !sigma.is_dir() {
        println!("skipped: ../shared/corpus/sigma not found");
        return;
    }
    let folders: Vec<PathBuf> = ACTIVE_FOLDERS.iter().map(|f| sigma.join(f)).collect();
    let inputs = lint::discover(&folders).unwrap();
    assert_eq!(inputs.len(), 3754, "active SigmaHQ rule count changed");
    let linted = lint::lint_inputs(inputs, &Settings::default());
    let mut counts: BTreeMap<(&str, Severity), usize> = BTreeMap::new();
    let mut errors = Vec::new();
    for file in &linted {
        assert!(
            file.is_rule,
            "{} is not recognised as a rule",
            file.input.path.display()
        );
        for diagnostic in &file.diagnostics {
            *counts
                .entry((diagnostic.code, diagnostic.severity))
                .or_default() += 1;
            if diagnostic.severity == Severity::Error {
                errors.push(format!(
                    "{}: {} {}",
                    file.input.path.display(),
                    diagnostic.code,
                    diagnostic.message
                ));
            }
        }
    }
    println!(
        "findings per code on {} active SigmaHQ rules:",
        linted.len()
    );
    for ((code, severity), count) in &counts {
        println!("{code} {:<8} {count}", severity.as_str());
    }
    assert!(
        errors.is_empty(),
        "{} errors, first ones:\n{}",
        errors.len(),
        errors[..errors.len().min(20)].join("\n")
    );
}
