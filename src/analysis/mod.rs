//! Editor features as pure functions over a parsed [`RuleFile`] and a byte
//! offset: no I/O and no LSP types, so each one is unit-tested with a `$0`
//! cursor fixture. The language server (`crate::lsp`) only converts
//! positions and shapes the results.

pub mod completion;
pub mod context;
pub mod corpus;
pub mod hover;
pub mod navigation;
mod snippet;

use crate::rule::{Rule, RuleFile};

/// The rule (YAML document) holding `offset`; the nearest one before it when
/// the offset falls between documents.
pub fn rule_at(file: &RuleFile, offset: u32) -> Option<&Rule> {
    file.rules
        .iter()
        .rev()
        .find(|rule| {
            file.yaml
                .documents
                .get(rule.document)
                .is_some_and(|doc| doc.range.start <= offset)
        })
        .or(file.rules.first())
}

#[cfg(test)]
pub(crate) mod fixture {
    //! `$0` marks the cursor in a test rule (texlab style).

    use crate::rule::RuleFile;
    use crate::syntax::TextRange;

    pub const CURSOR: &str = "$0";

    /// Parses `text` without its `$0` marker; returns the file and the cursor offset.
    pub fn parse(text: &str) -> (RuleFile, u32) {
        let offset = text.find(CURSOR).expect("fixture has a $0 cursor");
        let clean = text.replacen(CURSOR, "", 1);
        (RuleFile::parse(clean), offset as u32)
    }

    /// `line:col text` for each range (zero-based, byte columns): easy to read in expectations.
    pub fn show_ranges(file: &RuleFile, ranges: impl IntoIterator<Item = TextRange>) -> String {
        ranges
            .into_iter()
            .map(|range| {
                let line = file.lines.line_of(range.start);
                let col = range.start - file.lines.line_start(line);
                format!("{line}:{col} {:?}\n", range.slice(&file.text))
            })
            .collect()
    }
}
