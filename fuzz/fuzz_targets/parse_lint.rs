//! Parse and lint arbitrary bytes: must never panic or hang. Seed the corpus
//! from the check fixtures: `cp ../tests/fixtures/checks/*/*.yml corpus/parse_lint/`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sigmalens::checks::{self, rules::invalid_input};
use sigmalens::config::Settings;
use sigmalens::rule::RuleFile;

fuzz_target!(|data: &[u8]| {
    let text = invalid_input::decode(data.to_vec()).unwrap_or_else(|bad| bad.0);
    let file = RuleFile::parse(text);
    let index = sigmalens::index::Index::embedded().ok();
    let diagnostics = checks::lint_file(&file, None, &Settings::default(), index);
    // Fixes must apply cleanly to whatever the checks proposed.
    let _ = sigmalens::lint::apply_fixes(&file.text, &diagnostics);
});
