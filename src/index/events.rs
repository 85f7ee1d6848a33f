//! Which Windows events a logsource reads: the providers come from SigmaHQ's
//! validator data (`src/reference`), the event ids from the table below.

use crate::corpus::rule::LogSourceKey;
use crate::reference::TAXONOMY;

const SYSMON: &str = "Microsoft-Windows-Sysmon";
const SECURITY: &str = "Microsoft-Windows-Security-Auditing";
const POWERSHELL: &str = "Microsoft-Windows-PowerShell";
const POWERSHELL_CLASSIC: &str = "PowerShell";

/// (category, provider, event ids). A category/provider pair that is not
/// here is listed with an empty event id.
const EVENT_IDS: &[(&str, &str, &[&str])] = &[
    ("process_creation", SYSMON, &["1"]),
    ("process_creation", SECURITY, &["4688"]),
    ("file_change", SYSMON, &["2"]),
    ("network_connection", SYSMON, &["3"]),
    ("sysmon_status", SYSMON, &["4", "16"]),
    ("process_termination", SYSMON, &["5"]),
    ("driver_load", SYSMON, &["6"]),
    ("image_load", SYSMON, &["7"]),
    ("create_remote_thread", SYSMON, &["8"]),
    ("raw_access_thread", SYSMON, &["9"]),
    ("process_access", SYSMON, &["10"]),
    ("file_event", SYSMON, &["11"]),
    ("registry_add", SYSMON, &["12"]),
    ("registry_delete", SYSMON, &["12"]),
    ("registry_set", SYSMON, &["13"]),
    ("registry_rename", SYSMON, &["14"]),
    ("registry_event", SYSMON, &["12", "13", "14"]),
    ("create_stream_hash", SYSMON, &["15"]),
    ("pipe_created", SYSMON, &["17", "18"]),
    ("wmi_event", SYSMON, &["19", "20", "21"]),
    ("dns_query", SYSMON, &["22"]),
    ("file_delete", SYSMON, &["23", "26"]),
    ("clipboard_capture", SYSMON, &["24"]),
    ("process_tampering", SYSMON, &["25"]),
    ("file_executable_detected", SYSMON, &["29"]),
    ("sysmon_error", SYSMON, &["255"]),
    ("ps_module", POWERSHELL, &["4103"]),
    ("ps_script", POWERSHELL, &["4104"]),
    ("ps_classic_start", POWERSHELL_CLASSIC, &["400"]),
    ("ps_classic_provider_start", POWERSHELL_CLASSIC, &["600"]),
    ("ps_classic_script", POWERSHELL_CLASSIC, &["800"]),
];

/// Windows services whose channel has one well-known provider.
const SERVICE_PROVIDERS: &[(&str, &str)] = &[
    ("security", SECURITY),
    ("sysmon", SYSMON),
    ("powershell", POWERSHELL),
];

/// `(provider, event id)` pairs a Windows logsource reads. For a service
/// (`windows/security`) the event ids are the `EventID` values the rule
/// tests (`rule_event_ids`); a category has fixed events.
pub fn events(logsource: &LogSourceKey, rule_event_ids: &[String]) -> Vec<(String, String)> {
    if logsource.product != "windows" {
        return Vec::new();
    }
    if logsource.category.is_empty() {
        let provider = SERVICE_PROVIDERS
            .iter()
            .find(|(service, _)| *service == logsource.service)
            .map_or(logsource.service.as_str(), |(_, provider)| provider);
        return rule_event_ids
            .iter()
            .map(|id| (provider.to_string(), id.clone()))
            .collect();
    }
    let providers = TAXONOMY
        .category_providers
        .get(&logsource.category)
        .map_or(&[][..], Vec::as_slice);
    providers
        .iter()
        .flat_map(|provider| {
            let ids = EVENT_IDS
                .iter()
                .find(|(category, p, _)| *category == logsource.category && p == provider)
                .map_or(&[""][..], |(_, _, ids)| ids);
            ids.iter().map(|id| (provider.clone(), id.to_string()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn process_creation_is_sysmon_1_and_security_4688() {
        let found = events(&LogSourceKey::parse("process_creation/windows"), &[]);
        assert!(found.contains(&(SYSMON.into(), "1".into())));
        assert!(found.contains(&(SECURITY.into(), "4688".into())));
        let security = events(&LogSourceKey::parse("/windows/security"), &["4698".into()]);
        assert_eq!(security, [(SECURITY.to_string(), "4698".to_string())]);
    }
}
