//! Microsoft Sentinel analytics rules (YAML) -> [`CorpusRule`]s, with
//! predicates from the KQL extractor.

use std::collections::HashSet;
use std::io;
use std::path::Path;

use super::files::{collect_files, read_files};
use super::query::kql;
use super::rule::{CorpusRule, Vendor};
use super::sigma::technique_id;
use super::vendor::{apply_extraction, scalar, scalar_list, yaml_root};

/// Reads every analytics rule under `corpus_root/sentinel`, sorted by path.
/// A rule published both in `Detections/` and in a solution is kept once,
/// at its first path.
pub fn read_corpus(corpus_root: &Path) -> io::Result<Vec<CorpusRule>> {
    let vendor_root = corpus_root.join(Vendor::Sentinel.as_str());
    let mut files = Vec::new();
    if vendor_root.is_dir() {
        collect_files(&vendor_root, &["yml", "yaml"], &mut files)?;
    }
    files.sort();
    let mut rules = read_files(corpus_root, &files, |path, text| {
        read_file(path, text).into_iter().collect()
    })?;
    let mut seen = HashSet::new();
    rules.retain(|rule| seen.insert(rule.id.to_ascii_lowercase()));
    Ok(rules)
}

/// The rule of one file (`path` relative to the corpus root); `None` for
/// files that are not rules, such as the "moved to ..." stubs without a query.
pub fn read_file(path: &str, text: &str) -> Option<CorpusRule> {
    let root = yaml_root(text)?;
    let id = scalar(&root, "id");
    let query = scalar(&root, "query");
    if id.is_empty() || query.is_empty() {
        return None;
    }
    let mut rule = CorpusRule {
        id,
        title: scalar(&root, "name"),
        level: scalar(&root, "severity").to_ascii_lowercase(),
        status: scalar(&root, "kind").to_ascii_lowercase(),
        techniques: scalar_list(&root, "relevantTechniques")
            .iter()
            .filter_map(|t| technique_id(t))
            .collect(),
        ..CorpusRule::new(Vendor::Sentinel, path)
    };
    apply_extraction(&mut rule, kql::extract(&query), None);
    Some(rule)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::predicate::Polarity;

    const RULE: &str = r#"
id: k1-netsh
name: Netsh Port Proxy
severity: Medium
kind: Scheduled
relevantTechniques:
  - T1090
query: |
  SecurityEvent
  | where EventID == 4688
  | where NewProcessName endswith "\\netsh.exe"
  | where ParentProcessName !endswith "\\explorer.exe"
"#;

    #[test]
    fn reads_metadata_query_and_logsource() {
        let rule = read_file("sentinel/Detections/SecurityEvent/x.yaml", RULE).unwrap();
        assert_eq!(rule.id, "k1-netsh");
        assert_eq!(rule.level, "medium");
        assert_eq!(rule.techniques, ["T1090"]);
        assert_eq!(rule.logsource.key(), "process_creation/windows/");
        assert_eq!(
            rule.field_polarities(),
            [
                ("NewProcessName", Polarity::Positive),
                ("ParentProcessName", Polarity::Exclusion)
            ]
        );
    }

    #[test]
    fn moved_stubs_are_not_rules() {
        let stub = "id: k2\nname: moved\ndescription: This rule was moved to Solutions\n";
        assert!(read_file("sentinel/Detections/x.yaml", stub).is_none());
    }
}
