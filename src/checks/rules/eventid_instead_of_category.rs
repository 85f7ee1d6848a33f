use crate::checks::{Context, Diagnostic};
use crate::reference::TAXONOMY;
use crate::rule::ValueKind;

crate::check! {
    /// ## What it does
    /// Reports a Windows `service: sysmon` rule selecting one Sysmon event id
    /// (`EventID: 1`), or `service: security` selecting `EventID: 4688`,
    /// where a generic category (`process_creation`) exists.
    ///
    /// ## Why is this bad?
    /// The category covers the same events from every source that produces
    /// them (Sysmon, Security auditing, EDRs): a category rule is portable,
    /// an event id rule is tied to one source.
    ///
    /// ## Example
    /// ```yaml
    /// logsource:
    ///     product: windows
    ///     service: sysmon
    /// detection:
    ///     selection:
    ///         EventID: 1
    ///         Image|endswith: '\netsh.exe'
    /// ```
    ///
    /// ## Fix
    /// Use `category: process_creation` and drop the `EventID`.
    code: "SL633",
    name: "eventid-instead-of-category",
    severity: Info,
    fixable: false,
    runner: Rule(run),
}

/// Sysmon event ids and the SigmaHQ category that stands for them.
const SYSMON_CATEGORIES: &[(i64, &str)] = &[
    (1, "process_creation"),
    (2, "file_change"),
    (3, "network_connection"),
    (4, "sysmon_status"),
    (5, "process_termination"),
    (6, "driver_load"),
    (7, "image_load"),
    (8, "create_remote_thread"),
    (9, "raw_access_thread"),
    (10, "process_access"),
    (11, "file_event"),
    (12, "registry_event"),
    (13, "registry_set"),
    (14, "registry_rename"),
    (15, "create_stream_hash"),
    (16, "sysmon_status"),
    (17, "pipe_created"),
    (18, "pipe_created"),
    (19, "wmi_event"),
    (20, "wmi_event"),
    (21, "wmi_event"),
    (22, "dns_query"),
    (23, "file_delete"),
    (24, "clipboard_capture"),
    (25, "process_tampering"),
    (26, "file_delete"),
    (27, "file_block_executable"),
    (28, "file_block_shredding"),
    (29, "file_executable_detected"),
    (255, "sysmon_error"),
];

const SECURITY_CATEGORIES: &[(i64, &str)] = &[(4688, "process_creation")];

fn run(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let (Some(detection), Some(logsource)) = (&ctx.rule.detection, &ctx.rule.logsource) else {
        return;
    };
    let is = |part: &Option<crate::rule::SpannedStr>, name: &str| {
        part.as_ref()
            .is_some_and(|p| p.value.eq_ignore_ascii_case(name))
    };
    if logsource.category.is_some() || !is(&logsource.product, "windows") {
        return;
    }
    let (service, table) = if is(&logsource.service, "sysmon") {
        ("sysmon", SYSMON_CATEGORIES)
    } else if is(&logsource.service, "security") {
        ("security", SECURITY_CATEGORIES)
    } else {
        return;
    };
    for item in detection.selections.iter().flat_map(|s| s.field_items()) {
        let ([value], true) = (item.values.as_slice(), item.modifiers.is_empty()) else {
            continue;
        };
        let ValueKind::Int(id) = value.kind else {
            continue;
        };
        if item.field.value != "EventID" {
            continue;
        }
        // Only categories SigmaHQ's taxonomy defines (not every Sysmon event has one).
        let category = table
            .iter()
            .find(|(known, _)| *known == id)
            .map(|(_, category)| *category)
            .filter(|category| TAXONOMY.categories.contains(*category));
        if let Some(category) = category {
            out.push(Diagnostic::new(
                &CHECK,
                item.range(),
                format!(
                    "`EventID: {id}` of `service: {service}` is `category: {category}`; use the category and drop the `EventID`"
                ),
            ));
        }
    }
}
