//! What the Elastic, Splunk and Sentinel readers share: turning one query's
//! [`Extraction`] into a rule's logsource and indicators, and reading YAML
//! metadata through the project's own parser.
//!
//! Tests that only select the log source (`event.category`, `host.os.type`,
//! `ActionType`, `EventID 4688`, ...) decide the logsource and are left out of
//! the predicates: they say where a rule looks, not what it looks for.

use super::predicate::{Extraction, Operator, Polarity, Predicate};
use super::rule::{CorpusRule, LogSourceKey};
use crate::syntax::text::LineIndex;
use crate::syntax::yaml::{self, Node};

/// Fields whose tests pick the log source rather than describe the activity.
const SELECTOR_FIELDS: [&str; 5] = [
    "event.category",
    "event.type",
    "event.dataset",
    "host.os.type",
    "data_stream.dataset",
];

/// Defender's event subtype: a selector only where the table already names
/// the activity (`DeviceProcessEvents`); in `DeviceEvents` it is the test.
const ACTION_TYPE: &str = "ActionType";

/// Windows Security's process-creation event: `EventCode`/`EventID` 4688.
const PROCESS_CREATION_EVENT: &str = "4688";

/// Data-source names (EQL categories, Splunk data models, KQL tables and ASIM
/// parsers, ES|QL index patterns), lower-cased prefixes, and the Sigma category.
const SOURCE_CATEGORIES: [(&str, &str); 27] = [
    ("process", "process_creation"),
    ("endpoint.processes", "process_creation"),
    ("deviceprocessevents", "process_creation"),
    ("improcess", "process_creation"),
    ("logs-endpoint.events.process", "process_creation"),
    ("file", "file_event"),
    ("endpoint.filesystem", "file_event"),
    ("devicefileevents", "file_event"),
    ("imfileevent", "file_event"),
    ("logs-endpoint.events.file", "file_event"),
    ("registry", "registry_event"),
    ("endpoint.registry", "registry_event"),
    ("deviceregistryevents", "registry_event"),
    ("imregistry", "registry_event"),
    ("logs-endpoint.events.registry", "registry_event"),
    ("network_resolution", "dns_query"),
    ("dns", "dns_query"),
    ("imdns", "dns_query"),
    ("network", "network_connection"),
    ("network_traffic", "network_connection"),
    ("devicenetworkevents", "network_connection"),
    ("imnetworksession", "network_connection"),
    ("logs-endpoint.events.network", "network_connection"),
    ("library", "image_load"),
    ("deviceimageloadevents", "image_load"),
    ("logs-endpoint.events.library", "image_load"),
    ("driver", "driver_load"),
];

/// The Sigma category of one data-source name. Exact names first (EQL
/// `network` is not `network_resolution`), then the longest prefix.
fn source_category(source: &str) -> Option<&'static str> {
    let source = source.trim().to_ascii_lowercase();
    SOURCE_CATEGORIES
        .iter()
        .find(|(name, _)| *name == source)
        .or_else(|| {
            SOURCE_CATEGORIES
                .iter()
                .filter(|(name, _)| source.starts_with(name))
                .max_by_key(|(name, _)| name.len())
        })
        .map(|&(_, category)| category)
}

fn is_selector(predicate: &Predicate, sources_decide: bool) -> bool {
    if predicate.field == ACTION_TYPE {
        return sources_decide;
    }
    let process_creation_event = matches!(predicate.field.as_str(), "EventCode" | "EventID")
        && predicate.op == Operator::Eq
        && predicate.values.iter().all(|v| v == PROCESS_CREATION_EVENT);
    process_creation_event || SELECTOR_FIELDS.contains(&predicate.field.as_str())
}

/// The logsource a query reads, from its data sources and its positive
/// selector tests; `folder_product` (`windows`, from the rule's folder) is
/// the fallback when no `host.os.type` test names the platform.
fn logsource(
    sources: &[String],
    selectors: &[Predicate],
    folder_product: Option<&str>,
) -> LogSourceKey {
    let positive = || {
        selectors
            .iter()
            .filter(|p| p.polarity == Polarity::Positive)
    };
    let values_of = |field: &'static str| {
        positive()
            .filter(move |p| p.field == field)
            .flat_map(|p| p.values.iter())
    };
    // The only event-id selectors are 4688 ones (see `is_selector`).
    let process_creation_event =
        positive().any(|p| matches!(p.field.as_str(), "EventCode" | "EventID"));
    let category = if process_creation_event {
        Some("process_creation")
    } else {
        sources
            .iter()
            .chain(values_of("event.category"))
            .find_map(|s| source_category(s))
    };
    let mut product = values_of("host.os.type")
        .map(|v| v.to_ascii_lowercase())
        .find(|v| matches!(v.as_str(), "windows" | "linux" | "macos"))
        .or_else(|| folder_product.map(str::to_string))
        .unwrap_or_default();
    let mut service = String::new();
    let security_event = sources
        .iter()
        .any(|s| s.eq_ignore_ascii_case("SecurityEvent"));
    if security_event {
        product = "windows".into();
        if category.is_none() {
            service = "security".into();
        }
    }
    LogSourceKey {
        category: category.unwrap_or_default().to_string(),
        product,
        service,
    }
}

/// Fills a rule's logsource, predicates and skipped constructs from its
/// query's extraction.
pub fn apply_extraction(
    rule: &mut CorpusRule,
    extraction: Extraction,
    folder_product: Option<&str>,
) {
    let sources_decide = extraction
        .sources
        .iter()
        .any(|s| source_category(s).is_some());
    let (selectors, predicates): (Vec<Predicate>, Vec<Predicate>) = extraction
        .predicates
        .into_iter()
        .partition(|p| is_selector(p, sources_decide));
    rule.logsource = logsource(&extraction.sources, &selectors, folder_product);
    rule.predicates = predicates;
    rule.skipped.extend(extraction.skipped);
    rule.has_query = true;
}

/// `windows`, `linux` or `macos` when a path segment names the platform.
pub fn folder_product(path: &str) -> Option<&'static str> {
    path.split('/').find_map(|segment| {
        ["windows", "linux", "macos"]
            .into_iter()
            .find(|p| *p == segment)
    })
}

/// The root node of a one-document YAML file, through the project's parser.
pub fn yaml_root(text: &str) -> Option<Node> {
    let lines = LineIndex::new(text);
    yaml::parse(text, &lines)
        .documents
        .into_iter()
        .next()
        .and_then(|doc| doc.root)
}

/// The trimmed scalar text under `key`, or "" when missing or not a scalar.
pub fn scalar(node: &Node, key: &str) -> String {
    node.get(key)
        .and_then(Node::as_str)
        .map_or(String::new(), |s| s.trim().to_string())
}

/// The scalar items of a list under `key` (a lone scalar is a one-item list).
pub fn scalar_list(node: &Node, key: &str) -> Vec<String> {
    match node.get(key) {
        Some(value) => match value.as_sequence() {
            Some(items) => items
                .iter()
                .filter_map(Node::as_str)
                .map(|s| s.trim().to_string())
                .collect(),
            None => value
                .as_str()
                .map(|s| s.trim().to_string())
                .into_iter()
                .collect(),
        },
        None => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn test(field: &str, value: &str, polarity: Polarity) -> Predicate {
        Predicate {
            field: field.into(),
            op: Operator::Eq,
            values: vec![value.into()],
            polarity,
        }
    }

    #[test]
    fn sources_and_selectors_decide_the_logsource() {
        let category = |s: &str| source_category(s);
        assert_eq!(category("process"), Some("process_creation"));
        assert_eq!(category("Endpoint.Processes"), Some("process_creation"));
        assert_eq!(category("network"), Some("network_connection"));
        assert_eq!(category("Network_Resolution.DNS"), Some("dns_query"));
        assert_eq!(
            category("logs-endpoint.events.process-*"),
            Some("process_creation")
        );
        assert_eq!(category("SigninLogs"), None);

        let os = [test("host.os.type", "linux", Polarity::Positive)];
        let key = logsource(&["process".into()], &os, Some("windows"));
        assert_eq!(key.key(), "process_creation/linux/");
        let event = [test("EventID", "4688", Polarity::Positive)];
        assert_eq!(
            logsource(&["SecurityEvent".into()], &event, None).key(),
            "process_creation/windows/"
        );
        assert_eq!(
            logsource(&["SecurityEvent".into()], &[], None).key(),
            "/windows/security"
        );
    }

    #[test]
    fn selectors_leave_the_predicates() {
        let mut rule = CorpusRule::new(super::super::rule::Vendor::Elastic, "x");
        let extraction = Extraction {
            predicates: vec![
                test("event.category", "process", Polarity::Positive),
                test("event.type", "end", Polarity::Exclusion),
                test("process.name", "netsh.exe", Polarity::Positive),
            ],
            sources: Vec::new(),
            skipped: vec!["eql:sequence".into()],
        };
        apply_extraction(&mut rule, extraction, None);
        assert_eq!(rule.logsource.key(), "process_creation//");
        assert_eq!(rule.predicates.len(), 1);
        assert_eq!(rule.predicates[0].field, "process.name");
        assert!(rule.has_query);
        assert_eq!(rule.skipped, ["eql:sequence"]);
    }
}
