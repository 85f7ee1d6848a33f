//! One JSON array of findings; the fields are documented in the README.

use serde::Serialize;

use super::FileReport;

#[derive(Serialize)]
struct JsonFinding<'a> {
    path: String,
    code: &'a str,
    name: &'a str,
    severity: &'a str,
    message: &'a str,
    line: u32,
    column: u32,
    end_line: u32,
    end_column: u32,
    fix: Option<JsonFix<'a>>,
}

#[derive(Serialize)]
struct JsonFix<'a> {
    title: &'a str,
    edits: Vec<JsonEdit<'a>>,
}

#[derive(Serialize)]
struct JsonEdit<'a> {
    line: u32,
    column: u32,
    end_line: u32,
    end_column: u32,
    replacement: &'a str,
}

pub fn render(reports: &[FileReport]) -> String {
    let mut findings = Vec::new();
    for report in reports {
        for diagnostic in &report.diagnostics {
            let (start, end) = report.locate(diagnostic.range);
            findings.push(JsonFinding {
                path: report.display_path(),
                code: diagnostic.code,
                name: crate::checks::registry::by_code(diagnostic.code).map_or("", |c| c.name),
                severity: diagnostic.severity.as_str(),
                message: &diagnostic.message,
                line: start.line,
                column: start.column,
                end_line: end.line,
                end_column: end.column,
                fix: diagnostic.fix.as_ref().map(|fix| JsonFix {
                    title: &fix.title,
                    edits: fix
                        .edits
                        .iter()
                        .map(|edit| {
                            let (start, end) = report.locate(edit.range);
                            JsonEdit {
                                line: start.line,
                                column: start.column,
                                end_line: end.line,
                                end_column: end.column,
                                replacement: &edit.replacement,
                            }
                        })
                        .collect(),
                }),
            });
        }
    }
    let mut out = serde_json::to_string_pretty(&findings).expect("findings serialize");
    out.push('\n');
    out
}
