//! Splunk Security Content detections (YAML) -> [`CorpusRule`]s, with
//! predicates from the SPL extractor after macro expansion.

use std::io;
use std::path::Path;

use super::files::{collect_files, read_files};
use super::query::spl::{self, Macros};
use super::rule::{CorpusRule, Vendor};
use super::sigma::{normalize_date, technique_id};
use super::vendor::{apply_extraction, scalar, scalar_list, yaml_root};

const DETECTIONS_FOLDER: &str = "detections";
const MACROS_FOLDER: &str = "macros";
/// Retired detections: left out like Sigma's `deprecated/`.
const DEPRECATED: &str = "deprecated";

/// Reads every active detection under `corpus_root/splunk`, sorted by path.
pub fn read_corpus(corpus_root: &Path) -> io::Result<Vec<CorpusRule>> {
    let vendor_root = corpus_root.join(Vendor::Splunk.as_str());
    let macros = read_macros(&vendor_root.join(MACROS_FOLDER))?;
    let mut files = Vec::new();
    let detections = vendor_root.join(DETECTIONS_FOLDER);
    if detections.is_dir() {
        collect_files(&detections, &["yml", "yaml"], &mut files)?;
    }
    files.retain(|f| !f.components().any(|c| c.as_os_str() == DEPRECATED));
    files.sort();
    read_files(corpus_root, &files, |path, text| {
        read_file(path, text, &macros).into_iter().collect()
    })
}

/// Every macro definition under `dir` (none when it is missing).
pub fn read_macros(dir: &Path) -> io::Result<Macros> {
    let mut files = Vec::new();
    if dir.is_dir() {
        collect_files(dir, &["yml", "yaml"], &mut files)?;
    }
    files.sort();
    let definitions = read_files(dir, &files, |_, text| {
        macro_definition(text).into_iter().collect()
    })?;
    let mut macros = Macros::new();
    for (name, args, definition) in definitions {
        macros.insert(&name, args, &definition);
    }
    Ok(macros)
}

/// `(name, arguments, definition)` of one macro file.
fn macro_definition(text: &str) -> Option<(String, Vec<String>, String)> {
    let root = yaml_root(text)?;
    let name = scalar(&root, "name");
    (!name.is_empty()).then(|| {
        (
            name,
            scalar_list(&root, "arguments"),
            scalar(&root, "definition"),
        )
    })
}

/// The detection of one file (`path` relative to the corpus root); `None`
/// when the file is not a detection or is deprecated.
pub fn read_file(path: &str, text: &str, macros: &Macros) -> Option<CorpusRule> {
    let root = yaml_root(text)?;
    let id = scalar(&root, "id");
    let status = scalar(&root, "status").to_ascii_lowercase();
    if id.is_empty() || status == DEPRECATED {
        return None;
    }
    let techniques = root
        .get("tags")
        .map(|tags| scalar_list(tags, "mitre_attack_id"))
        .unwrap_or_default();
    let mut rule = CorpusRule {
        id,
        title: scalar(&root, "name"),
        author: scalar(&root, "author"),
        date: normalize_date(&scalar(&root, "date")),
        status,
        techniques: techniques.iter().filter_map(|t| technique_id(t)).collect(),
        ..CorpusRule::new(Vendor::Splunk, path)
    };
    let search = scalar(&root, "search");
    if !search.is_empty() {
        let mut extraction = spl::extract(&search, macros);
        // Source macros (`` `wineventlog_system` ``) name the log even where
        // their definition is only an `eventtype`.
        extraction.sources.extend(macro_names(&search));
        apply_extraction(&mut rule, extraction, None);
    }
    Some(rule)
}

/// The names of the macros a search calls, arguments left out, in order.
fn macro_names(search: &str) -> impl Iterator<Item = String> + '_ {
    search
        .split('`')
        .skip(1)
        .step_by(2)
        .map(|call| {
            call.split('(')
                .next()
                .unwrap_or_default()
                .trim()
                .to_string()
        })
        .filter(|name| !name.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::predicate::Polarity;

    const DETECTION: &str = r#"
name: Netsh Port Proxy
id: s1-netsh
date: '2023-05-06'
author: Jane Doe, Splunk
status: production
search: '| tstats count from datamodel=Endpoint.Processes where Processes.process_name=netsh.exe
  NOT Processes.parent_process_name=explorer.exe by Processes.dest | `drop_dm_object_name(Processes)`
  | `netsh_port_proxy_filter`'
tags:
  mitre_attack_id:
  - T1090
  - T1562.004
"#;

    #[test]
    fn reads_metadata_search_and_logsource() {
        let rule = read_file(
            "splunk/detections/endpoint/x.yml",
            DETECTION,
            &Macros::new(),
        )
        .unwrap();
        assert_eq!(rule.id, "s1-netsh");
        assert_eq!(rule.date, "2023-05-06");
        assert_eq!(rule.techniques, ["T1090", "T1562.004"]);
        assert_eq!(rule.logsource.key(), "process_creation//");
        assert_eq!(
            rule.field_polarities(),
            [
                ("Processes.process_name", Polarity::Positive),
                ("Processes.parent_process_name", Polarity::Exclusion)
            ]
        );
    }

    #[test]
    fn macros_expand_and_deprecated_detections_are_left_out() {
        let (name, args, definition) =
            macro_definition("name: proc(1)\narguments:\n- x\ndefinition: process_name=$x$\n")
                .unwrap();
        let mut macros = Macros::new();
        macros.insert(&name, args, &definition);
        let text = "id: m\nsearch: '`proc(cmd.exe)`'\n";
        let rule = read_file("splunk/detections/x.yml", text, &macros).unwrap();
        assert_eq!(rule.predicates[0].field, "process_name");
        assert_eq!(rule.predicates[0].values, ["cmd.exe"]);
        assert!(read_file("x.yml", "id: d\nstatus: deprecated\n", &macros).is_none());
    }

    #[test]
    fn source_macros_and_event_codes_name_the_logsource() {
        let mut macros = Macros::new();
        macros.insert(
            "sysmon",
            Vec::new(),
            "source=XmlWinEventLog:Microsoft-Windows-Sysmon/Operational",
        );
        macros.insert(
            "wineventlog_system",
            Vec::new(),
            "eventtype=wineventlog_system",
        );
        let text = "id: p\nsearch: '`sysmon` EventCode=17 PipeName=\"\\\\x\" | `pipe_filter`'\n";
        let rule = read_file("splunk/detections/x.yml", text, &macros).unwrap();
        assert_eq!(rule.logsource.key(), "pipe_created/windows/");
        assert_eq!(rule.field_polarities(), [("PipeName", Polarity::Positive)]);
        let text = "id: s\nsearch: '`wineventlog_system` EventCode=7045 | stats count'\n";
        let rule = read_file("splunk/detections/x.yml", text, &macros).unwrap();
        assert_eq!(rule.logsource.key(), "/windows/system");
        assert_eq!(rule.field_polarities(), [("EventCode", Polarity::Positive)]);
    }
}
