//! Elastic detection rules (TOML) -> [`CorpusRule`]s, with predicates from
//! the kuery, EQL or ES|QL extractor.

use std::io;
use std::path::Path;

use toml::{Table, Value};

use super::files::{collect_files, read_files};
use super::query::{eql, esql, kuery};
use super::rule::{CorpusRule, Vendor};
use super::sigma::{normalize_date, technique_id};
use super::vendor::{apply_extraction, folder_product};

/// The folders that hold rules; `rules/_deprecated/` is left out.
pub const RULE_FOLDERS: [&str; 2] = ["rules", "rules_building_block"];
const DEPRECATED_FOLDER: &str = "_deprecated";

/// Reads every active Elastic rule under `corpus_root/elastic`, sorted by path.
pub fn read_corpus(corpus_root: &Path) -> io::Result<Vec<CorpusRule>> {
    let vendor_root = corpus_root.join(Vendor::Elastic.as_str());
    let mut files = Vec::new();
    for folder in RULE_FOLDERS {
        let dir = vendor_root.join(folder);
        if dir.is_dir() {
            collect_files(&dir, &["toml"], &mut files)?;
        }
    }
    files.retain(|f| !f.components().any(|c| c.as_os_str() == DEPRECATED_FOLDER));
    files.sort();
    read_files(corpus_root, &files, |path, text| {
        read_file(path, text).into_iter().collect()
    })
}

/// The rule of one file (`path` relative to the corpus root); `None` when the
/// file is not a rule.
pub fn read_file(path: &str, text: &str) -> Option<CorpusRule> {
    let table: Table = text.parse().ok()?;
    let rule = table.get("rule")?.as_table()?;
    let metadata = table.get("metadata").and_then(Value::as_table);
    let text_of = |table: Option<&Table>, key: &str| {
        table
            .and_then(|t| t.get(key))
            .and_then(Value::as_str)
            .map_or(String::new(), |s| s.trim().to_string())
    };
    let authors: Vec<&str> = rule
        .get("author")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    let mut corpus_rule = CorpusRule {
        id: text_of(Some(rule), "rule_id"),
        title: text_of(Some(rule), "name"),
        author: authors.join(", "),
        date: normalize_date(&text_of(metadata, "creation_date")),
        level: text_of(Some(rule), "severity").to_ascii_lowercase(),
        status: text_of(metadata, "maturity").to_ascii_lowercase(),
        techniques: techniques(rule),
        ..CorpusRule::new(Vendor::Elastic, path)
    };
    let query = text_of(Some(rule), "query");
    let extract: Option<fn(&str) -> _> = match text_of(Some(rule), "language").as_str() {
        "kuery" => Some(kuery::extract),
        "eql" => Some(eql::extract),
        "esql" => Some(esql::extract),
        _ => None,
    };
    match extract {
        Some(extract) if !query.is_empty() => {
            let mut extraction = extract(&query);
            // The `index` patterns name the logs the query reads (`logs-okta*`).
            extraction.sources.extend(
                rule.get("index")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str)
                    .map(str::to_string),
            );
            apply_extraction(&mut corpus_rule, extraction, folder_product(path));
        }
        // Machine-learning jobs have no query; lucene is not extracted.
        _ if !query.is_empty() => corpus_rule.skipped.push("elastic:language".into()),
        _ => {}
    }
    Some(corpus_rule)
}

/// The tables of an array of tables (`[[x]]`); none when missing.
fn tables(value: Option<&Value>) -> impl Iterator<Item = &Table> {
    value
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_table)
}

/// `[[rule.threat]]` technique and sub-technique ids, in file order.
fn techniques(rule: &Table) -> Vec<String> {
    let id = |t: &Table| t.get("id").and_then(Value::as_str).and_then(technique_id);
    let mut ids = Vec::new();
    for threat in tables(rule.get("threat")) {
        for technique in tables(threat.get("technique")) {
            ids.extend(id(technique));
            ids.extend(tables(technique.get("subtechnique")).filter_map(id));
        }
    }
    ids
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::predicate::Polarity;

    const RULE: &str = r#"
[metadata]
creation_date = "2021/03/04"
maturity = "production"
updated_date = "2024/01/02"

[rule]
author = ["Elastic", "Jane Doe"]
rule_id = "e1-netsh"
name = "Netsh Port Proxy"
severity = "medium"
risk_score = 47
language = "eql"
type = "eql"
query = '''
process where host.os.type == "windows" and event.type == "start" and
  process.name : "netsh.exe" and not process.parent.name : "explorer.exe"
'''

[[rule.threat]]
framework = "MITRE ATT&CK"
[[rule.threat.technique]]
id = "T1562"
[[rule.threat.technique.subtechnique]]
id = "T1562.004"
[[rule.threat.technique]]
id = "T1090"
"#;

    #[test]
    fn reads_metadata_query_and_logsource() {
        let rule = read_file("elastic/rules/windows/x.toml", RULE).unwrap();
        assert_eq!(rule.id, "e1-netsh");
        assert_eq!(rule.author, "Elastic, Jane Doe");
        assert_eq!(rule.date, "2021-03-04");
        assert_eq!(rule.level, "medium");
        assert_eq!(rule.techniques, ["T1562", "T1562.004", "T1090"]);
        assert_eq!(rule.logsource.key(), "process_creation/windows/");
        assert_eq!(
            rule.field_polarities(),
            [
                ("process.name", Polarity::Positive),
                ("process.parent.name", Polarity::Exclusion)
            ]
        );
        assert!(rule.has_query);
    }

    #[test]
    fn rules_without_a_known_language_have_no_predicates() {
        let ml = "[rule]\nrule_id = \"m\"\ntype = \"machine_learning\"\n";
        let rule = read_file("elastic/rules/ml/m.toml", ml).unwrap();
        assert!(!rule.has_query && rule.predicates.is_empty());
        assert!(read_file("x.toml", "not toml [").is_none());
    }

    #[test]
    fn index_patterns_name_the_product_log() {
        let kuery = r#"
[rule]
rule_id = "k"
language = "kuery"
type = "query"
index = ["filebeat-*", "logs-okta*"]
query = 'okta.event_type:user.mfa.factor.deactivate and event.outcome:success'
"#;
        let rule = read_file("elastic/rules/integrations/okta/k.toml", kuery).unwrap();
        assert_eq!(rule.logsource.key(), "/okta/okta");
        assert_eq!(rule.predicates.len(), 2);
    }
}
