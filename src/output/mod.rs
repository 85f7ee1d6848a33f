//! Output formats for lint findings: human (code frames), JSON, SARIF 2.1.0
//! and GitHub workflow commands.

pub mod github;
pub mod human;
pub mod json;
pub mod sarif;

use std::path::PathBuf;

use crate::checks::Diagnostic;
use crate::rule::RuleFile;
use crate::syntax::{LineIndex, PositionEncoding, TextRange};

/// A one-based line and one-based column counted in characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Location {
    pub line: u32,
    pub column: u32,
}

/// Where a range sits, in the one-based character positions users read.
pub fn locate(text: &str, lines: &LineIndex, range: TextRange) -> (Location, Location) {
    let at = |offset| {
        let pos = lines.position(text, offset, PositionEncoding::Utf32);
        Location {
            line: pos.line + 1,
            column: pos.col + 1,
        }
    };
    (at(range.start), at(range.end))
}

/// One file's findings, with the text they point into.
pub struct FileReport<'a> {
    pub path: PathBuf,
    /// The parsed file; `None` when it could not be read as text.
    pub file: Option<&'a RuleFile>,
    pub diagnostics: Vec<Diagnostic>,
}

impl FileReport<'_> {
    pub fn locate(&self, range: TextRange) -> (Location, Location) {
        match self.file {
            Some(file) => locate(&file.text, &file.lines, range),
            None => {
                let start = Location { line: 1, column: 1 };
                (start, start)
            }
        }
    }

    /// The path as shown to users: forward slashes, no leading `./`.
    pub fn display_path(&self) -> String {
        let path = self.path.to_string_lossy().replace('\\', "/");
        path.strip_prefix("./").unwrap_or(&path).to_string()
    }
}
