//! Open documents: text, version, parsed snapshot and the findings on it.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use tower_lsp_server::ls_types::{TextDocumentContentChangeEvent, Uri};

use crate::analysis::corpus::CorpusSource;
use crate::checks::Diagnostic;
use crate::rule::RuleFile;
use crate::syntax::{LineCol, LineIndex, PositionEncoding};

/// One state of a document; a change makes a new one, so a handler holding
/// a snapshot never sees it change underneath.
pub struct Snapshot {
    pub uri: Uri,
    pub file: Arc<RuleFile>,
    /// Lint findings on `file`: empty for YAML that is not a Sigma rule.
    pub diagnostics: Arc<Vec<Diagnostic>>,
    pub encoding: PositionEncoding,
    pub corpus: Arc<dyn CorpusSource>,
}

#[derive(Clone)]
pub struct Document {
    pub version: i32,
    pub file: Arc<RuleFile>,
    pub path: Option<PathBuf>,
    pub diagnostics: Arc<Vec<Diagnostic>>,
}

#[derive(Default)]
pub struct DocumentStore {
    documents: HashMap<Uri, Document>,
}

impl DocumentStore {
    pub fn get(&self, uri: &Uri) -> Option<&Document> {
        self.documents.get(uri)
    }

    pub fn insert(&mut self, uri: Uri, document: Document) {
        self.documents.insert(uri, document);
    }

    pub fn remove(&mut self, uri: &Uri) {
        self.documents.remove(uri);
    }

    pub fn set_diagnostics(&mut self, uri: &Uri, version: i32, diagnostics: Vec<Diagnostic>) {
        if let Some(document) = self.documents.get_mut(uri) {
            // Findings of an older version must not replace the current ones.
            if document.version == version {
                document.diagnostics = Arc::new(diagnostics);
            }
        }
    }

    pub fn uris(&self) -> Vec<Uri> {
        self.documents.keys().cloned().collect()
    }
}

/// Applies LSP content changes in order. A change without a range replaces
/// the whole text; range ends are clamped like [`LineIndex::offset`], and a
/// range whose end comes before its start is empty at its start. The
/// end-to-end tests model exactly these rules.
pub fn apply_changes(
    text: &str,
    changes: &[TextDocumentContentChangeEvent],
    encoding: PositionEncoding,
) -> String {
    let mut text = text.to_string();
    for change in changes {
        match change.range {
            None => text.clone_from(&change.text),
            Some(range) => {
                let lines = LineIndex::new(&text);
                let at = |p: tower_lsp_server::ls_types::Position| {
                    let pos = LineCol {
                        line: p.line,
                        col: p.character,
                    };
                    lines.offset(&text, pos, encoding) as usize
                };
                let start = at(range.start);
                let end = at(range.end).max(start);
                text.replace_range(start..end, &change.text);
            }
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use tower_lsp_server::ls_types::{Position, Range};

    fn change(start: (u32, u32), end: (u32, u32), text: &str) -> TextDocumentContentChangeEvent {
        TextDocumentContentChangeEvent {
            range: Some(Range::new(
                Position::new(start.0, start.1),
                Position::new(end.0, end.1),
            )),
            range_length: None,
            text: text.into(),
        }
    }

    #[test]
    fn applies_changes_in_every_encoding() {
        let text = "title: 😀x\nid: 1\n";
        // `x` is at UTF-16 column 9, UTF-8 column 11, UTF-32 column 8.
        for (encoding, col) in [
            (PositionEncoding::Utf16, 9),
            (PositionEncoding::Utf8, 11),
            (PositionEncoding::Utf32, 8),
        ] {
            let changed = apply_changes(text, &[change((0, col), (0, col + 1), "é")], encoding);
            assert_eq!(changed, "title: 😀é\nid: 1\n", "{encoding:?}");
        }
    }

    #[test]
    fn invalid_ranges_clamp() {
        let text = "ab\ncd\n";
        let utf16 = PositionEncoding::Utf16;
        assert_eq!(
            apply_changes(text, &[change((0, 9), (0, 99), "!")], utf16),
            "ab!\ncd\n"
        );
        assert_eq!(
            apply_changes(text, &[change((9, 0), (99, 9), "!")], utf16),
            "ab\ncd\n!"
        );
        assert_eq!(
            apply_changes(text, &[change((1, 1), (0, 0), "!")], utf16),
            "ab\nc!d\n"
        );
        // Inside a surrogate pair: the start of the character.
        assert_eq!(
            apply_changes("😀", &[change((0, 1), (0, 1), "!")], utf16),
            "!😀"
        );
    }
}
