//! Byte ranges <-> LSP positions in the negotiated encoding, and our
//! findings as LSP diagnostics.

use tower_lsp_server::ls_types::{
    self as lsp, DiagnosticRelatedInformation, DiagnosticSeverity, Location, NumberOrString,
    PositionEncodingKind, Range, TextEdit, Uri,
};

use crate::checks::{Diagnostic, Edit, Severity};
use crate::rule::RuleFile;
use crate::syntax::{LineCol, PositionEncoding, TextRange};

/// UTF-8 when the client offers it (no conversion at all), then UTF-32,
/// else the protocol's default UTF-16.
pub fn negotiate(offered: Option<&[PositionEncodingKind]>) -> PositionEncoding {
    let offered = offered.unwrap_or_default();
    if offered.contains(&PositionEncodingKind::UTF8) {
        PositionEncoding::Utf8
    } else if offered.contains(&PositionEncodingKind::UTF32) {
        PositionEncoding::Utf32
    } else {
        PositionEncoding::Utf16
    }
}

pub fn encoding_kind(encoding: PositionEncoding) -> PositionEncodingKind {
    match encoding {
        PositionEncoding::Utf8 => PositionEncodingKind::UTF8,
        PositionEncoding::Utf16 => PositionEncodingKind::UTF16,
        PositionEncoding::Utf32 => PositionEncodingKind::UTF32,
    }
}

/// A position's byte offset; positions past a line or the text clamp.
pub fn offset(file: &RuleFile, position: lsp::Position, encoding: PositionEncoding) -> u32 {
    let at = LineCol {
        line: position.line,
        col: position.character,
    };
    file.lines.offset(&file.text, at, encoding)
}

pub fn position(file: &RuleFile, offset: u32, encoding: PositionEncoding) -> lsp::Position {
    let at = file.lines.position(&file.text, offset, encoding);
    lsp::Position::new(at.line, at.col)
}

pub fn range(file: &RuleFile, range: TextRange, encoding: PositionEncoding) -> Range {
    Range::new(
        position(file, range.start, encoding),
        position(file, range.end, encoding),
    )
}

pub fn text_edits(file: &RuleFile, edits: &[Edit], encoding: PositionEncoding) -> Vec<TextEdit> {
    edits
        .iter()
        .map(|edit| TextEdit::new(range(file, edit.range, encoding), edit.replacement.clone()))
        .collect()
}

fn severity(severity: Severity) -> DiagnosticSeverity {
    match severity {
        Severity::Error => DiagnosticSeverity::ERROR,
        Severity::Warning => DiagnosticSeverity::WARNING,
        Severity::Info => DiagnosticSeverity::INFORMATION,
        Severity::Hint => DiagnosticSeverity::HINT,
    }
}

/// Checks have no documentation site to link to (`codeDescription`); the
/// code itself is what `sigmalens rule CODE` explains.
pub fn diagnostic(
    uri: &Uri,
    file: &RuleFile,
    finding: &Diagnostic,
    encoding: PositionEncoding,
) -> lsp::Diagnostic {
    let related: Vec<DiagnosticRelatedInformation> = finding
        .related
        .iter()
        .map(|related| DiagnosticRelatedInformation {
            location: Location::new(uri.clone(), range(file, related.range, encoding)),
            message: related.message.clone(),
        })
        .collect();
    lsp::Diagnostic {
        range: range(file, finding.range, encoding),
        severity: Some(severity(finding.severity)),
        code: Some(NumberOrString::String(finding.code.to_string())),
        source: Some("sigmalens".into()),
        message: finding.message.clone(),
        related_information: (!related.is_empty()).then_some(related),
        ..Default::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negotiation_prefers_utf8_then_utf32_then_utf16() {
        let offer = |kinds: &[PositionEncodingKind]| negotiate(Some(kinds));
        use PositionEncodingKind as Kind;
        assert_eq!(offer(&[Kind::UTF16, Kind::UTF8]), PositionEncoding::Utf8);
        assert_eq!(offer(&[Kind::UTF32, Kind::UTF16]), PositionEncoding::Utf32);
        assert_eq!(offer(&[]), PositionEncoding::Utf16);
        assert_eq!(negotiate(None), PositionEncoding::Utf16);
    }
}
