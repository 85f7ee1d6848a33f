//! Vendor data-source names -> Sigma logsources, as data.
//!
//! A data source is whatever a vendor rule names to say which logs it reads:
//! an EQL event category (`process`), an Elastic index pattern or dataset
//! (`logs-aws.cloudtrail-*`), a Splunk data model, sourcetype, source or
//! source macro (`Endpoint.Processes`, `XmlWinEventLog:Security`,
//! `` `cloudtrail` ``), a Sentinel table or ASIM parser (`SigninLogs`).
//! Names are matched lower-cased, exactly or as a prefix that ends at a
//! separator (`logs-okta` matches `logs-okta*` and `logs-okta.system-*`, but
//! `file` does not match `filebeat-*`). The targets follow SigmaHQ's taxonomy
//! (`reference/sigmahq/sigmahq_taxonomy.json`); a few services it lacks
//! (`azure/platformlogs`) are named after the vendor's dataset.

/// Data sources that name an activity, and its Sigma category.
const SOURCE_CATEGORIES: [(&str, &str); 53] = [
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
    ("logs-network_traffic.dns", "dns_query"),
    ("network", "network_connection"),
    ("network_traffic", "network_connection"),
    ("devicenetworkevents", "network_connection"),
    ("imnetworksession", "network_connection"),
    ("logs-endpoint.events.network", "network_connection"),
    ("library", "image_load"),
    ("deviceimageloadevents", "image_load"),
    ("logs-endpoint.events.library", "image_load"),
    ("driver", "driver_load"),
    ("web", "webserver"),
    ("w3ciislog", "webserver"),
    ("imwebsession", "webserver"),
    ("logs-nginx.access", "webserver"),
    ("logs-apache.access", "webserver"),
    ("logs-apache_tomcat.access", "webserver"),
    ("logs-iis.access", "webserver"),
    ("logs-traefik.access", "webserver"),
    ("zscaler_proxy", "proxy"),
    ("dnsevents", "dns"),
    ("apachehttpserver", "webserver"),
    ("nginxhttpserver", "webserver"),
    ("tomcatevent", "webserver"),
    // ASIM parsers under their built-in names.
    ("improcesscreate", "process_creation"),
    ("_im_networksession", "network_connection"),
    ("_im_dns", "dns_query"),
    ("_im_websession", "webserver"),
    // Third-party logs of one kind of activity, whatever the rule tests.
    ("ciscowsaevent", "proxy"),
    ("symantecproxysg", "proxy"),
    ("sophosxgfirewall", "firewall"),
    ("gcpclouddns", "dns"),
    ("stream:dns", "dns"),
    ("oracledatabaseauditevent", "database"),
    ("mswindows:iis", "webserver"),
    ("nginx:plus:kv", "webserver"),
];

/// Data sources that name a product's log, and its Sigma `product/service`.
const SOURCE_SERVICES: [(&str, (&str, &str)); 109] = [
    // Elastic index patterns and datasets (`event.dataset: x` reads as `logs-x`).
    ("logs-aws", ("aws", "")),
    ("logs-aws.cloudtrail", ("aws", "cloudtrail")),
    ("logs-aws_bedrock", ("aws", "bedrock")),
    ("logs-azure", ("azure", "")),
    ("logs-azure.activitylogs", ("azure", "activitylogs")),
    ("logs-azure.auditlogs", ("azure", "auditlogs")),
    ("logs-azure.signinlogs", ("azure", "signinlogs")),
    ("logs-azure.identity_protection", ("azure", "riskdetection")),
    ("logs-azure.platformlogs", ("azure", "platformlogs")),
    (
        "logs-azure.graphactivitylogs",
        ("azure", "graphactivitylogs"),
    ),
    (
        "logs-azure.aadgraphactivitylogs",
        ("azure", "aadgraphactivitylogs"),
    ),
    ("logs-azure_openai", ("azure", "openai")),
    ("logs-entityanalytics_entra_id", ("azure", "entra_id")),
    ("logs-o365", ("m365", "audit")),
    ("logs-okta", ("okta", "okta")),
    ("logs-gcp", ("gcp", "gcp.audit")),
    ("logs-google_workspace", ("gcp", "google_workspace")),
    (
        "logs-google_workspace.admin",
        ("gcp", "google_workspace.admin"),
    ),
    ("logs-github", ("github", "audit")),
    ("logs-kubernetes.audit_logs", ("kubernetes", "audit")),
    ("logs-fortinet_fortigate", ("fortios", "")),
    ("logs-system.security", ("windows", "security")),
    ("logs-system.auth", ("linux", "auth")),
    ("logs-system.syslog", ("linux", "syslog")),
    ("logs-windows", ("windows", "")),
    ("logs-windows.sysmon_operational", ("windows", "sysmon")),
    ("logs-windows.powershell", ("windows", "powershell")),
    (
        "logs-windows.powershell_operational",
        ("windows", "powershell"),
    ),
    ("winlogbeat", ("windows", "")),
    ("logs-auditd_manager", ("linux", "auditd")),
    // Splunk sourcetypes, sources and source macros.
    ("aws:cloudtrail", ("aws", "cloudtrail")),
    ("cloudtrail", ("aws", "cloudtrail")),
    ("aws_cloudwatchlogs_eks", ("kubernetes", "audit")),
    ("o365:management:activity", ("m365", "audit")),
    ("o365_management_activity", ("m365", "audit")),
    ("azure:monitor:aad", ("azure", "")),
    ("azure_monitor_aad", ("azure", "")),
    ("linux:audit", ("linux", "auditd")),
    ("linux_auditd", ("linux", "auditd")),
    ("wineventlog:security", ("windows", "security")),
    ("xmlwineventlog:security", ("windows", "security")),
    ("wineventlog_security", ("windows", "security")),
    ("wineventlog:system", ("windows", "system")),
    ("xmlwineventlog:system", ("windows", "system")),
    ("wineventlog_system", ("windows", "system")),
    ("wineventlog_application", ("windows", "application")),
    (
        "xmlwineventlog:microsoft-windows-sysmon",
        ("windows", "sysmon"),
    ),
    (
        "wineventlog:microsoft-windows-sysmon",
        ("windows", "sysmon"),
    ),
    ("sysmon", ("windows", "sysmon")),
    ("syslog:linux-sysmon", ("linux", "sysmon")),
    (
        "xmlwineventlog:microsoft-windows-powershell",
        ("windows", "powershell"),
    ),
    (
        "wineventlog:microsoft-windows-powershell",
        ("windows", "powershell"),
    ),
    ("powershell", ("windows", "powershell")),
    ("ms_defender", ("windows", "windefend")),
    ("ntlm_audit", ("windows", "ntlm")),
    ("applocker", ("windows", "applocker")),
    ("printservice", ("windows", "printservice-operational")),
    ("capi2_operational", ("windows", "capi2")),
    ("wmi", ("windows", "wmi")),
    ("kubernetes", ("kubernetes", "audit")),
    ("kube_audit", ("kubernetes", "audit")),
    ("kubernetes_metrics", ("kubernetes", "")),
    ("azure_audit", ("azure", "activitylogs")),
    ("okta", ("okta", "okta")),
    ("github", ("github", "audit")),
    ("gws_reports_login", ("gcp", "google_workspace")),
    ("gsuite_gmail", ("gcp", "google_workspace")),
    ("gsuite_drive", ("gcp", "google_workspace")),
    ("zeek_rpc", ("zeek", "dce_rpc")),
    ("zeek:x509:json", ("zeek", "x509")),
    ("zeek:ssl:json", ("zeek", "")),
    ("oktaim2:log", ("okta", "okta")),
    // GCP audit log entries forwarded through Pub/Sub (`data.protoPayload`).
    ("google:gcp:pubsub:message", ("gcp", "gcp.audit")),
    ("google_gcp_pubsub_message", ("gcp", "gcp.audit")),
    ("gws:reports:admin", ("gcp", "google_workspace.admin")),
    ("gsuite:calendar:json", ("gcp", "google_workspace")),
    ("aws:s3:accesslogs", ("aws", "")),
    ("aws_s3_accesslogs", ("aws", "")),
    ("aws:cloudwatchlogs:vpcflow", ("aws", "")),
    ("cloudwatchlogs_vpcflow", ("aws", "")),
    (
        "xmlwineventlog:microsoft-windows-certificateservicesclient-lifecycle-system",
        ("windows", "certificateservicesclient-lifecycle-system"),
    ),
    (
        "iis:configuration:operational",
        ("windows", "iis-configuration"),
    ),
    (
        "msexchange:management",
        ("windows", "msexchange-management"),
    ),
    // Sigma has no service for this channel.
    (
        "wineventlog:microsoft-windows-terminalservices-remoteconnectionmanager",
        ("windows", ""),
    ),
    // Sentinel tables and ASIM parsers.
    ("securityevent", ("windows", "security")),
    ("syslog", ("linux", "syslog")),
    ("awscloudtrail", ("aws", "cloudtrail")),
    ("officeactivity", ("m365", "audit")),
    ("signinlogs", ("azure", "signinlogs")),
    ("aadnoninteractiveusersigninlogs", ("azure", "signinlogs")),
    ("aadserviceprincipalsigninlogs", ("azure", "signinlogs")),
    ("aadmanagedidentitysigninlogs", ("azure", "signinlogs")),
    ("auditlogs", ("azure", "auditlogs")),
    ("azureactivity", ("azure", "activitylogs")),
    ("aaduserriskevents", ("azure", "riskdetection")),
    ("aadriskyusers", ("azure", "riskdetection")),
    ("azurediagnostics", ("azure", "")),
    ("gcpauditlogs", ("gcp", "gcp.audit")),
    ("gcp_iam", ("gcp", "gcp.audit")),
    ("windowsevent", ("windows", "")),
    ("event", ("windows", "")),
    ("githubauditdata", ("github", "audit")),
    ("gworkspaceactivityreports", ("gcp", "google_workspace")),
    ("ciscoduo", ("cisco", "duo")),
    ("azuredevopsauditing", ("azure", "azuredevops")),
    ("githubaudit", ("github", "audit")),
    ("okta_cl", ("okta", "okta")),
    ("adfssigninlogs", ("azure", "signinlogs")),
    ("awsguardduty", ("aws", "")),
];

/// Event ids that name the activity inside a product's log: with the log
/// known, the id test selects the source rather than describing the activity.
const EVENT_CATEGORIES: [(&str, &str, &str); 23] = [
    ("sysmon", "1", "process_creation"),
    ("sysmon", "2", "file_change"),
    ("sysmon", "3", "network_connection"),
    ("sysmon", "5", "process_termination"),
    ("sysmon", "6", "driver_load"),
    ("sysmon", "7", "image_load"),
    ("sysmon", "8", "create_remote_thread"),
    ("sysmon", "9", "raw_access_thread"),
    ("sysmon", "10", "process_access"),
    ("sysmon", "11", "file_event"),
    ("sysmon", "12", "registry_event"),
    ("sysmon", "13", "registry_set"),
    ("sysmon", "14", "registry_event"),
    ("sysmon", "15", "create_stream_hash"),
    ("sysmon", "17", "pipe_created"),
    ("sysmon", "18", "pipe_created"),
    ("sysmon", "22", "dns_query"),
    ("sysmon", "23", "file_delete"),
    ("sysmon", "25", "process_tampering"),
    ("sysmon", "26", "file_delete"),
    ("powershell", "4103", "ps_module"),
    ("powershell", "4104", "ps_script"),
    ("security", "4688", "process_creation"),
];

/// `event.action` values that only say "a process started" (Elastic Defend,
/// Auditbeat, Crowdstrike's `ProcessRollup2`, Sysmon through Winlogbeat).
const PROCESS_START_ACTIONS: [&str; 9] = [
    "exec",
    "exec_event",
    "start",
    "processrollup2",
    "executed",
    "process_started",
    "fork",
    "created-process",
    "process create (rule: processcreate)",
];

/// The `value` of the entry whose name is `source` or, failing that, the
/// longest name that `source` starts with up to a separator.
fn lookup<T: Copy>(table: &[(&str, T)], source: &str) -> Option<T> {
    let source = source.trim().to_ascii_lowercase();
    let ends_name = |rest: &str| {
        rest.chars()
            .next()
            .is_some_and(|c| !c.is_ascii_alphanumeric() && c != '_')
    };
    table
        .iter()
        .find(|(name, _)| *name == source)
        .or_else(|| {
            table
                .iter()
                .filter(|(name, _)| source.strip_prefix(name).is_some_and(ends_name))
                .max_by_key(|(name, _)| name.len())
        })
        .map(|&(_, value)| value)
}

/// The Sigma category of a data source that names an activity.
pub fn source_category(source: &str) -> Option<&'static str> {
    lookup(&SOURCE_CATEGORIES, source)
}

/// The Sigma `(product, service)` of a data source that names a product's log.
pub fn source_service(source: &str) -> Option<(&'static str, &'static str)> {
    lookup(&SOURCE_SERVICES, source)
}

/// The Sigma category an event id names inside `service`'s log.
pub fn event_category(service: &str, event_id: &str) -> Option<&'static str> {
    EVENT_CATEGORIES
        .iter()
        .find(|(s, id, _)| *s == service && *id == event_id.trim())
        .map(|&(_, _, category)| category)
}

/// Whether an `event.action` value only says that a process started.
pub fn is_process_start_action(action: &str) -> bool {
    PROCESS_START_ACTIONS.contains(&action.trim().to_ascii_lowercase().as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_match_whole_or_up_to_a_separator() {
        assert_eq!(
            source_category("Endpoint.Processes"),
            Some("process_creation")
        );
        assert_eq!(source_category("network"), Some("network_connection"));
        assert_eq!(source_category("Network_Resolution.DNS"), Some("dns_query"));
        assert_eq!(
            source_category("logs-endpoint.events.process-*"),
            Some("process_creation")
        );
        assert_eq!(source_category("filebeat-*"), None);
        assert_eq!(source_category("processrollup2"), None);
        assert_eq!(source_category("SigninLogs"), None);
    }

    #[test]
    fn single_activity_logs_map_to_sigma_categories() {
        assert_eq!(source_category("imProcessCreate"), Some("process_creation"));
        assert_eq!(
            source_category("_Im_NetworkSession"),
            Some("network_connection")
        );
        assert_eq!(source_category("_Im_Dns"), Some("dns_query"));
        assert_eq!(source_category("_Im_WebSession"), Some("webserver"));
        assert_eq!(source_category("CiscoWSAEvent"), Some("proxy"));
        assert_eq!(source_category("SymantecProxySG"), Some("proxy"));
        assert_eq!(source_category("SophosXGFirewall"), Some("firewall"));
        assert_eq!(source_category("GCPCloudDNS"), Some("dns"));
        assert_eq!(source_category("stream:dns"), Some("dns"));
        assert_eq!(
            source_category("OracleDatabaseAuditEvent"),
            Some("database")
        );
        assert_eq!(source_category("MSWindows:IIS"), Some("webserver"));
        assert_eq!(source_category("nginx:plus:kv"), Some("webserver"));
        // Logs of many kinds of events stay unmapped.
        assert_eq!(source_category("CommonSecurityLog"), None);
        assert_eq!(source_category("stream:http"), None);
    }

    #[test]
    fn product_logs_map_to_sigma_services() {
        assert_eq!(
            source_service("logs-aws.cloudtrail-*"),
            Some(("aws", "cloudtrail"))
        );
        assert_eq!(source_service("logs-aws.guardduty-*"), Some(("aws", "")));
        assert_eq!(source_service("logs-okta*"), Some(("okta", "okta")));
        assert_eq!(
            source_service("XmlWinEventLog:Microsoft-Windows-Sysmon/Operational"),
            Some(("windows", "sysmon"))
        );
        assert_eq!(
            source_service("aws:cloudtrail:lake"),
            Some(("aws", "cloudtrail"))
        );
        assert_eq!(
            source_service("AADNonInteractiveUserSignInLogs"),
            Some(("azure", "signinlogs"))
        );
        assert_eq!(
            source_service("Syslog:Linux-Sysmon/Operational"),
            Some(("linux", "sysmon"))
        );
        assert_eq!(source_service("filebeat-*"), None);
        assert_eq!(source_service("oktaproxy"), None);
    }

    #[test]
    fn third_party_and_channel_logs_map_to_sigma_services() {
        assert_eq!(source_service("zeek:x509:json"), Some(("zeek", "x509")));
        assert_eq!(source_service("zeek:ssl:json"), Some(("zeek", "")));
        assert_eq!(source_service("OktaIM2:log"), Some(("okta", "okta")));
        assert_eq!(source_service("Okta_CL"), Some(("okta", "okta")));
        assert_eq!(
            source_service("google:gcp:pubsub:message"),
            Some(("gcp", "gcp.audit"))
        );
        assert_eq!(
            source_service("google_gcp_pubsub_message"),
            Some(("gcp", "gcp.audit"))
        );
        assert_eq!(
            source_service("gws:reports:admin"),
            Some(("gcp", "google_workspace.admin"))
        );
        assert_eq!(
            source_service("gsuite:calendar:json"),
            Some(("gcp", "google_workspace"))
        );
        for aws in [
            "aws:s3:accesslogs",
            "aws_s3_accesslogs",
            "aws:cloudwatchlogs:vpcflow",
            "cloudwatchlogs_vpcflow",
            "AWSGuardDuty",
        ] {
            assert_eq!(source_service(aws), Some(("aws", "")), "{aws}");
        }
        assert_eq!(
            source_service(
                "XmlWinEventLog:Microsoft-Windows-CertificateServicesClient-Lifecycle-System/Operational"
            ),
            Some(("windows", "certificateservicesclient-lifecycle-system"))
        );
        assert_eq!(
            source_service("IIS:Configuration:Operational"),
            Some(("windows", "iis-configuration"))
        );
        assert_eq!(
            source_service("MSExchange:management"),
            Some(("windows", "msexchange-management"))
        );
        assert_eq!(
            source_service(
                "WinEventLog:Microsoft-Windows-TerminalServices-RemoteConnectionManager/Operational"
            ),
            Some(("windows", ""))
        );
        assert_eq!(source_service("GitHubAudit"), Some(("github", "audit")));
        assert_eq!(
            source_service("ADFSSignInLogs"),
            Some(("azure", "signinlogs"))
        );
        // CIM data models without a Sigma counterpart stay unmapped.
        assert_eq!(source_service("Change"), None);
        assert_eq!(source_service("Authentication"), None);
    }

    #[test]
    fn event_ids_name_categories_only_inside_their_log() {
        assert_eq!(event_category("sysmon", "1"), Some("process_creation"));
        assert_eq!(event_category("powershell", " 4104"), Some("ps_script"));
        assert_eq!(event_category("security", "4688"), Some("process_creation"));
        assert_eq!(event_category("security", "1"), None);
        assert_eq!(event_category("sysmon", "4688"), None);
    }
}
