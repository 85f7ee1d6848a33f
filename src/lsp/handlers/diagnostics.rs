//! Lint findings for a document, exactly as `sigmalens lint` reports them.

use std::path::Path;

use crate::checks::{self, Diagnostic};
use crate::config::Settings;
use crate::index::Index;
use crate::rule::RuleFile;

/// Every finding for a Sigma rule; nothing for other YAML, so the server
/// never claims files that are not rules.
pub fn lint(
    file: &RuleFile,
    path: Option<&Path>,
    settings: &Settings,
    index: Option<&Index>,
) -> Vec<Diagnostic> {
    if !file.is_sigma() {
        return Vec::new();
    }
    checks::lint_file(file, path, settings, index)
}
