//! `path:line:col: CODE message` with a code frame under it, like rustc and ruff.

use std::collections::BTreeMap;
use std::fmt::Write;

use super::{FileReport, Location};
use crate::checks::Severity;

pub struct Style {
    pub color: bool,
}

impl Style {
    fn paint(&self, code: &str, text: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }

    fn severity(&self, severity: Severity) -> String {
        let color = match severity {
            Severity::Error => "1;31",
            Severity::Warning => "1;33",
            Severity::Info => "1;36",
            Severity::Hint => "1;34",
        };
        self.paint(color, severity.as_str())
    }
}

/// Renders every finding with its code frame, then a summary line.
pub fn render(reports: &[FileReport], style: &Style) -> String {
    let mut out = String::new();
    let mut total = 0;
    let mut fixable = 0;
    for report in reports {
        for diagnostic in &report.diagnostics {
            total += 1;
            fixable += usize::from(diagnostic.safe_fix().is_some());
            let (start, end) = report.locate(diagnostic.range);
            let _ = writeln!(
                out,
                "{}:{}:{}: {} {} {}",
                style.paint("1", &report.display_path()),
                start.line,
                start.column,
                style.paint("1;31", diagnostic.code),
                style.severity(diagnostic.severity),
                diagnostic.message
            );
            if let Some(file) = report.file {
                frame(&mut out, &file.text, start, end, style, None);
                for related in &diagnostic.related {
                    let (rs, re) = report.locate(related.range);
                    frame(&mut out, &file.text, rs, re, style, Some(&related.message));
                }
            }
            if let Some(fix) = &diagnostic.fix {
                let label = if diagnostic.safe_fix().is_some() {
                    "= fix:"
                } else {
                    "= suggestion:"
                };
                let _ = writeln!(out, "  {} {}", style.paint("1;32", label), fix.title);
            }
            out.push('\n');
        }
    }
    out.push_str(&summary(total, fixable, reports.len()));
    out
}

fn frame(
    out: &mut String,
    text: &str,
    start: Location,
    end: Location,
    style: &Style,
    label: Option<&str>,
) {
    let Some(line) = text.lines().nth(start.line as usize - 1) else {
        return;
    };
    let line = line.trim_end_matches('\r');
    let number = start.line.to_string();
    let gutter = " ".repeat(number.len());
    let bar = style.paint("1;34", "|");
    let _ = writeln!(out, "{gutter} {bar}");
    let _ = writeln!(
        out,
        "{} {bar} {}",
        style.paint("1;34", &number),
        line.replace('\t', " ")
    );
    let width = line.chars().count() as u32;
    let first = start.column.min(width + 1);
    let last = if end.line == start.line {
        end.column
    } else {
        width + 1
    };
    let carets = last.saturating_sub(first).max(1) as usize;
    let mut marker = format!("{}{}", " ".repeat(first as usize - 1), "^".repeat(carets));
    if let Some(label) = label {
        marker = format!("{marker} {label}");
    }
    let _ = writeln!(out, "{gutter} {bar} {}", style.paint("1;31", &marker));
}

fn summary(total: usize, fixable: usize, files: usize) -> String {
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    if total == 0 {
        return format!("All clear: no findings in {}.\n", plural(files, "file"));
    }
    let mut line = format!(
        "Found {} in {}",
        plural(total, "finding"),
        plural(files, "file")
    );
    if fixable > 0 {
        let _ = write!(line, " ({fixable} fixable with `sigmalens lint --fix`)");
    }
    line.push_str(".\n");
    line
}

/// `--statistics`: one line per code, most frequent first.
pub fn statistics(reports: &[FileReport]) -> String {
    let mut counts: BTreeMap<&str, (usize, Severity, bool)> = BTreeMap::new();
    for diagnostic in reports.iter().flat_map(|r| &r.diagnostics) {
        let entry = counts
            .entry(diagnostic.code)
            .or_insert((0, diagnostic.severity, false));
        entry.0 += 1;
        entry.2 |= diagnostic.safe_fix().is_some();
    }
    let mut rows: Vec<_> = counts.into_iter().collect();
    rows.sort_by(|a, b| b.1.0.cmp(&a.1.0).then(a.0.cmp(b.0)));
    let mut out = String::new();
    for (code, (count, severity, fixable)) in rows {
        let name = crate::checks::registry::by_code(code).map_or("", |c| c.name);
        let fix = if fixable { " [*]" } else { "" };
        let _ = writeln!(
            out,
            "{count:>6}  {code}  {:<8} {name}{fix}",
            severity.as_str()
        );
    }
    out
}
