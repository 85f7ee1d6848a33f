//! Inputs the fuzzer once crashed on (`tests/fixtures/fuzz/`): each must
//! parse, lint and take its fixes without a panic, like the fuzz target.

use std::path::Path;

use sigmalens::checks::{self, rules::invalid_input};
use sigmalens::config::Settings;
use sigmalens::rule::RuleFile;

#[test]
fn former_crashes_stay_fixed() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fuzz");
    let mut seen = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let bytes = std::fs::read(entry.unwrap().path()).unwrap();
        let text = invalid_input::decode(bytes).unwrap_or_else(|bad| bad.0);
        let file = RuleFile::parse(text);
        let diagnostics = checks::lint_file(&file, None, &Settings::default(), None);
        for diagnostic in &diagnostics {
            assert!(
                diagnostic.range.end as usize <= file.text.len(),
                "{diagnostic:?}"
            );
        }
        let _ = sigmalens::lint::apply_fixes(&file.text, &diagnostics);
        seen += 1;
    }
    assert!(seen > 0);
}
