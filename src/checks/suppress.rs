//! Inline suppressions: `# sigmalens: disable=SL101,SL102` at the end of a
//! line silences those codes on that line; `# sigmalens: disable-next-line=…`
//! on its own line silences the next one. `all` silences every code.

use std::collections::HashMap;

use super::Diagnostic;
use crate::syntax::LineIndex;

/// The suppression comments of one file, read once: files can carry
/// thousands of findings.
pub(super) struct Suppressions {
    /// Zero-based line -> codes silenced on it.
    by_line: HashMap<u32, Vec<String>>,
}

impl Suppressions {
    pub(super) fn new(text: &str) -> Suppressions {
        let mut by_line: HashMap<u32, Vec<String>> = HashMap::new();
        if !text.contains("sigmalens:") {
            return Suppressions { by_line };
        }
        for (number, line) in text.lines().enumerate() {
            let number = number as u32;
            for (directive, target) in [("disable", number), ("disable-next-line", number + 1)] {
                if let Some(codes) = codes_after(line, directive) {
                    let codes = codes
                        .split(|c: char| c == ',' || c.is_whitespace())
                        .filter(|c| !c.is_empty())
                        .map(str::to_ascii_uppercase);
                    by_line.entry(target).or_default().extend(codes);
                }
            }
        }
        Suppressions { by_line }
    }

    pub(super) fn silences(&self, lines: &LineIndex, diagnostic: &Diagnostic) -> bool {
        if self.by_line.is_empty() {
            return false;
        }
        let line = lines.line_of(diagnostic.range.start);
        self.by_line
            .get(&line)
            .is_some_and(|codes| codes.iter().any(|c| c == diagnostic.code || c == "ALL"))
    }
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

    fn silenced(text: &str, needle: &str, code: &'static str) -> bool {
        let start = text.find(needle).unwrap() as u32;
        let diagnostic = Diagnostic {
            code,
            severity: Severity::Warning,
            message: String::new(),
            range: TextRange::new(start, start + 1),
            related: vec![],
            fix: None,
        };
        let lines = LineIndex::new(text);
        Suppressions::new(text).silences(&lines, &diagnostic)
    }

    #[test]
    fn same_line_and_next_line() {
        let text = "title: x # sigmalens: disable=SL201\n# sigmalens: disable-next-line=SL300, SL301\nstatus: y\nlevel: z\n";
        assert!(silenced(text, "title", "SL201"));
        assert!(!silenced(text, "title", "SL202"));
        assert!(silenced(text, "status", "SL301"));
        assert!(!silenced(text, "level", "SL301"));
    }

    #[test]
    fn disable_next_line_does_not_apply_to_its_own_line() {
        let text = "a: 1 # sigmalens: disable-next-line=all\nb: 2\n";
        assert!(!silenced(text, "a:", "SL1"));
        assert!(silenced(text, "b:", "SL1"));
    }
}
