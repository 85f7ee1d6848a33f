//! SARIF 2.1.0 for GitHub code scanning.

use serde_json::{Value, json};

use super::FileReport;
use crate::checks::{Severity, registry};

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info | Severity::Hint => "note",
    }
}

pub fn render(reports: &[FileReport]) -> String {
    let rules: Vec<Value> = registry::CHECKS
        .iter()
        .map(|check| {
            json!({
                "id": check.code,
                "name": check.name,
                "shortDescription": { "text": check.summary() },
                "fullDescription": { "text": check.summary() },
                "help": { "text": check.doc, "markdown": check.doc },
                "defaultConfiguration": { "level": level(check.severity) },
            })
        })
        .collect();
    let mut results = Vec::new();
    for report in reports {
        let uri = report.display_path();
        for diagnostic in &report.diagnostics {
            let (start, end) = report.locate(diagnostic.range);
            let region = |s: super::Location, e: super::Location| {
                json!({
                    "startLine": s.line,
                    "startColumn": s.column,
                    "endLine": e.line,
                    "endColumn": e.column.max(if e.line == s.line { s.column + 1 } else { 1 }),
                })
            };
            let location = |s, e| {
                json!({
                    "physicalLocation": {
                        "artifactLocation": { "uri": uri, "uriBaseId": "%SRCROOT%" },
                        "region": region(s, e),
                    }
                })
            };
            let related: Vec<Value> = diagnostic
                .related
                .iter()
                .enumerate()
                .map(|(id, info)| {
                    let (s, e) = report.locate(info.range);
                    let mut value = location(s, e);
                    value["id"] = json!(id);
                    value["message"] = json!({ "text": info.message });
                    value
                })
                .collect();
            let mut result = json!({
                "ruleId": diagnostic.code,
                "ruleIndex": registry::CHECKS.iter().position(|c| c.code == diagnostic.code),
                "level": level(diagnostic.severity),
                "message": { "text": diagnostic.message },
                "locations": [location(start, end)],
            });
            if !related.is_empty() {
                result["relatedLocations"] = json!(related);
            }
            results.push(result);
        }
    }
    let log = json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "sigmalens",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    });
    let mut out = serde_json::to_string_pretty(&log).expect("SARIF serializes");
    out.push('\n');
    out
}
