//! What the Elastic, Splunk and Sentinel readers share: turning one query's
//! [`Extraction`] into a rule's logsource and indicators, and reading YAML
//! metadata through the project's own parser.
//!
//! Tests that only select the log source (`event.category`, `host.os.type`,
//! `ActionType`, `EventID 4688`, ...) decide the logsource and are left out of
//! the predicates: they say where a rule looks, not what it looks for.

use super::logsource_map::{
    event_category, is_process_start_action, source_category, source_service,
};
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

/// Elastic dataset fields: `aws.cloudtrail` names the index `logs-aws.cloudtrail-*`.
const DATASET_FIELDS: [&str; 2] = ["event.dataset", "data_stream.dataset"];

/// Defender's event subtype: a selector only where the table already names
/// the activity (`DeviceProcessEvents`); in `DeviceEvents` it is the test.
const ACTION_TYPE: &str = "ActionType";

const EVENT_ID_FIELDS: [&str; 2] = ["EventCode", "EventID"];

/// Elastic's event action: a selector when it only says a process started
/// (`exec`, `start`, ...); elsewhere (`CreateAccessKey`) it is the activity.
const EVENT_ACTION: &str = "event.action";

fn is_process_start(predicate: &Predicate) -> bool {
    predicate.field == EVENT_ACTION
        && predicate.op == Operator::Eq
        && !predicate.values.is_empty()
        && predicate.values.iter().all(|v| is_process_start_action(v))
}

/// The log an event id test is read against when no data source names one:
/// Windows Security, the only log with 4688.
const DEFAULT_EVENT_LOG: &str = "security";

/// Where a query reads from, as far as its data sources tell.
struct Sources {
    names: Vec<String>,
    /// `(product, service)` all mapped product logs agree on (a part they
    /// disagree on is empty).
    log: Option<(&'static str, &'static str)>,
    /// A data source names the activity (`process`, `DeviceProcessEvents`).
    name_category: bool,
}

impl Sources {
    /// The extraction's data sources plus the indexes its dataset tests name.
    fn of(extraction: &Extraction) -> Sources {
        let datasets = extraction
            .predicates
            .iter()
            .filter(|p| {
                p.polarity == Polarity::Positive && DATASET_FIELDS.contains(&p.field.as_str())
            })
            .flat_map(|p| p.values.iter().map(|v| format!("logs-{v}")));
        let names: Vec<String> = extraction.sources.iter().cloned().chain(datasets).collect();
        let log = names.iter().filter_map(|s| source_service(s)).reduce(
            |(product, service), (other_product, other_service)| {
                (
                    if product == other_product {
                        product
                    } else {
                        ""
                    },
                    if service == other_service {
                        service
                    } else {
                        ""
                    },
                )
            },
        );
        let name_category = names.iter().any(|s| source_category(s).is_some());
        Sources {
            names,
            log,
            name_category,
        }
    }

    fn service(&self) -> &'static str {
        match self.log {
            Some((_, service)) if !service.is_empty() => service,
            _ => DEFAULT_EVENT_LOG,
        }
    }

    /// The category an event id test names in this log, if it names one.
    fn event_category(&self, predicate: &Predicate) -> Option<&'static str> {
        let is_event_id = EVENT_ID_FIELDS.contains(&predicate.field.as_str())
            && predicate.op == Operator::Eq
            && !predicate.values.is_empty();
        let mut categories = predicate
            .values
            .iter()
            .map(|id| event_category(self.service(), id));
        let first = categories.next().flatten()?;
        (is_event_id && categories.all(|c| c == Some(first))).then_some(first)
    }

    fn is_selector(&self, predicate: &Predicate) -> bool {
        if predicate.field == ACTION_TYPE {
            return self.name_category;
        }
        self.event_category(predicate).is_some()
            || is_process_start(predicate)
            || SELECTOR_FIELDS.contains(&predicate.field.as_str())
    }

    /// The logsource of the query, from the data sources and the positive
    /// selector tests; `folder_product` (`windows`, from the rule's folder)
    /// is the fallback when neither names the platform. With a category the
    /// service is left out, as Sigma does (`process_creation/windows/`).
    fn logsource(&self, selectors: &[Predicate], folder_product: Option<&str>) -> LogSourceKey {
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
        let category = positive()
            .find_map(|p| self.event_category(p))
            .or_else(|| {
                self.names
                    .iter()
                    .chain(values_of("event.category"))
                    .find_map(|s| source_category(s))
            })
            .or_else(|| {
                positive()
                    .any(is_process_start)
                    .then_some("process_creation")
            });
        let (log_product, log_service) = self.log.unwrap_or_default();
        let product = Some(log_product)
            .filter(|p| !p.is_empty())
            .map(str::to_string)
            .or_else(|| {
                values_of("host.os.type")
                    .map(|v| v.to_ascii_lowercase())
                    .find(|v| matches!(v.as_str(), "windows" | "linux" | "macos"))
            })
            .or_else(|| folder_product.map(str::to_string))
            .unwrap_or_default();
        LogSourceKey {
            category: category.unwrap_or_default().to_string(),
            product,
            service: if category.is_some() { "" } else { log_service }.to_string(),
        }
    }
}

/// Fills a rule's logsource, predicates and skipped constructs from its
/// query's extraction.
pub fn apply_extraction(
    rule: &mut CorpusRule,
    extraction: Extraction,
    folder_product: Option<&str>,
) {
    let sources = Sources::of(&extraction);
    let (selectors, predicates): (Vec<Predicate>, Vec<Predicate>) = extraction
        .predicates
        .into_iter()
        .partition(|p| sources.is_selector(p));
    rule.logsource = sources.logsource(&selectors, folder_product);
    rule.predicates = predicates;
    // A query that tests nothing but the event id looks for every such
    // event (a hunting search): the id stays its indicator.
    if !rule
        .predicates
        .iter()
        .any(|p| p.polarity == Polarity::Positive)
    {
        rule.predicates.extend(
            selectors
                .into_iter()
                .filter(|p| sources.event_category(p).is_some()),
        );
    }
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
            step_source: None,
        }
    }

    /// The logsource and remaining predicate fields of a query reading
    /// `sources` with `predicates`.
    fn read(
        sources: &[&str],
        predicates: Vec<Predicate>,
        folder: Option<&str>,
    ) -> (String, Vec<String>) {
        let mut rule = CorpusRule::new(super::super::rule::Vendor::Splunk, "x");
        let extraction = Extraction {
            predicates,
            sources: sources.iter().map(|s| s.to_string()).collect(),
            skipped: Vec::new(),
        };
        apply_extraction(&mut rule, extraction, folder);
        let fields = rule.predicates.into_iter().map(|p| p.field).collect();
        (rule.logsource.key(), fields)
    }

    #[test]
    fn sources_and_selectors_decide_the_logsource() {
        let os = test("host.os.type", "linux", Polarity::Positive);
        assert_eq!(
            read(&["process"], vec![os], Some("windows")).0,
            "process_creation/linux/"
        );
        let event = || test("EventID", "4688", Polarity::Positive);
        let image = || test("NewProcessName", "*\\x.exe", Polarity::Positive);
        assert_eq!(
            read(&["SecurityEvent"], vec![event(), image()], None),
            (
                "process_creation/windows/".into(),
                vec!["NewProcessName".into()]
            )
        );
        assert_eq!(
            read(&["SecurityEvent"], vec![], None).0,
            "/windows/security"
        );
        // 4688 needs no source to name the log; other ids do.
        assert_eq!(read(&[], vec![event()], None).0, "process_creation//");
        let logon = test("EventCode", "4624", Polarity::Positive);
        assert_eq!(
            read(&["wineventlog_security"], vec![logon], None),
            ("/windows/security".into(), vec!["EventCode".into()])
        );
    }

    #[test]
    fn a_log_makes_its_event_ids_selectors() {
        let sysmon = "XmlWinEventLog:Microsoft-Windows-Sysmon/Operational";
        let dns = test("EventCode", "22", Polarity::Positive);
        let query = test("QueryName", "x.example", Polarity::Positive);
        assert_eq!(
            read(&[sysmon], vec![dns.clone(), query], None),
            ("dns_query/windows/".into(), vec!["QueryName".into()])
        );
        // Without the log, `EventCode=22` is an indicator like any other.
        assert_eq!(
            read(&[], vec![dns], None),
            ("//".into(), vec!["EventCode".into()])
        );
        let script = test("EventCode", "4104", Polarity::Positive);
        let text = test("ScriptBlockText", "*iex*", Polarity::Positive);
        assert_eq!(
            read(&["powershell"], vec![script.clone(), text], None),
            ("ps_script/windows/".into(), vec!["ScriptBlockText".into()])
        );
        // The only test: it stays the rule's indicator.
        assert_eq!(
            read(&["powershell"], vec![script], None),
            ("ps_script/windows/".into(), vec!["EventCode".into()])
        );
        // Sysmon for Windows and for Linux: the event id still names the category.
        let both = [sysmon, "Syslog:Linux-Sysmon/Operational"];
        let start = test("EventCode", "1", Polarity::Positive);
        assert_eq!(read(&both, vec![start], None).0, "process_creation//");
    }

    #[test]
    fn datasets_and_agreeing_logs_name_the_service() {
        let dataset = test("event.dataset", "aws.cloudtrail", Polarity::Positive);
        assert_eq!(
            read(&["filebeat-*"], vec![dataset], None),
            ("/aws/cloudtrail".into(), vec![])
        );
        let two = ["logs-azure.signinlogs-*", "logs-azure.auditlogs-*"];
        assert_eq!(read(&two, vec![], None).0, "/azure/");
        assert_eq!(read(&["SigninLogs"], vec![], None).0, "/azure/signinlogs");
        assert_eq!(read(&["NoSuchTable"], vec![], None).0, "//");
    }

    #[test]
    fn process_start_actions_are_selectors() {
        let exec = test("event.action", "exec", Polarity::Positive);
        let name = test("process.name", "curl", Polarity::Positive);
        assert_eq!(
            read(&["logs-endpoint.events.*"], vec![exec, name.clone()], None),
            ("process_creation//".into(), vec!["process.name".into()])
        );
        let api_call = test("event.action", "CreateAccessKey", Polarity::Positive);
        assert_eq!(
            read(&["logs-aws.cloudtrail-*"], vec![api_call], None),
            ("/aws/cloudtrail".into(), vec!["event.action".into()])
        );
    }

    #[test]
    fn sequence_steps_keep_their_logsources() {
        let mut rule = CorpusRule::new(super::super::rule::Vendor::Elastic, "x");
        let query = r#"sequence by host.id
            [process where host.os.type == "linux" and process.name == "nc"]
            [network where destination.port == 4444]
            [any where user.name == "root"]"#;
        apply_extraction(&mut rule, super::super::query::eql::extract(query), None);
        // The rule reads from its first step; each test from its own.
        assert_eq!(rule.logsource.key(), "process_creation/linux/");
        let logsources: Vec<(&str, String)> = rule
            .predicates
            .iter()
            .map(|p| (p.field.as_str(), rule.logsource_of(p).key()))
            .collect();
        assert_eq!(
            logsources,
            [
                ("process.name", "process_creation/linux/".into()),
                ("destination.port", "network_connection/linux/".into()),
                ("user.name", "process_creation/linux/".into()),
            ]
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
