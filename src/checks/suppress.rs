//! Inline suppressions: `# sigmalens: disable=SL101,SL102` at the end of a
//! line silences those codes on that line; `# sigmalens: disable-next-line=…`
//! on its own line silences the next one. `all` silences every code.

use super::Diagnostic;
use crate::syntax::LineIndex;

pub(super) fn is_suppressed(text: &str, lines: &LineIndex, diagnostic: &Diagnostic) -> bool {
    if !text.contains("sigmalens:") {
        return false;
    }
    let line = lines.line_of(diagnostic.range.start);
    let line_text = |n: u32| {
        let start = lines.line_start(n) as usize;
        &text[start..lines.line_end(text, n) as usize]
    };
    let matches = |directive: &str, n: u32| {
        codes_after(line_text(n), directive).is_some_and(|codes| {
            codes
                .split(|c: char| c == ',' || c.is_whitespace())
                .any(|c| c.eq_ignore_ascii_case(diagnostic.code) || c == "all")
        })
    };
    matches("disable", line) || (line > 0 && matches("disable-next-line", line - 1))
}

fn codes_after<'a>(line: &'a str, directive: &str) -> Option<&'a str> {
    let comment = &line[line.find('#')?..];
    let rest = comment.split_once("sigmalens:")?.1.trim_start();
    rest.strip_prefix(directive)?.trim_start().strip_prefix('=')
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::Severity;
    use crate::syntax::TextRange;

    fn diagnostic_on(text: &str, needle: &str, code: &'static str) -> Diagnostic {
        let start = text.find(needle).unwrap() as u32;
        Diagnostic {
            code,
            severity: Severity::Warning,
            message: String::new(),
            range: TextRange::new(start, start + 1),
            related: vec![],
            fix: None,
        }
    }

    #[test]
    fn same_line_and_next_line() {
        let text = "title: x # sigmalens: disable=SL201\n# sigmalens: disable-next-line=SL300, SL301\nstatus: y\nlevel: z\n";
        let lines = LineIndex::new(text);
        assert!(is_suppressed(
            text,
            &lines,
            &diagnostic_on(text, "title", "SL201")
        ));
        assert!(!is_suppressed(
            text,
            &lines,
            &diagnostic_on(text, "title", "SL202")
        ));
        assert!(is_suppressed(
            text,
            &lines,
            &diagnostic_on(text, "status", "SL301")
        ));
        assert!(!is_suppressed(
            text,
            &lines,
            &diagnostic_on(text, "level", "SL301")
        ));
    }

    #[test]
    fn disable_next_line_does_not_apply_to_its_own_line() {
        let text = "a: 1 # sigmalens: disable-next-line=all\nb: 2\n";
        let lines = LineIndex::new(text);
        assert!(!is_suppressed(
            text,
            &lines,
            &diagnostic_on(text, "a:", "SL1")
        ));
        assert!(is_suppressed(
            text,
            &lines,
            &diagnostic_on(text, "b:", "SL1")
        ));
    }
}
