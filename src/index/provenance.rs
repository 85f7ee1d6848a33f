//! What an index was built from: `manifest.json` and `NOTICE`.

use serde_json::{Value, json};

use super::build::BuildOptions;
use super::model::IndexData;
use super::store::FORMAT_VERSION;
use crate::corpus::rule::Vendor;
use crate::reference::ATTACK;

/// One row of the corpus's `SOURCES.md` table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    pub vendor: String,
    pub repository: String,
    pub commit: String,
    pub license: String,
}

/// Reads the vendor rows of `SOURCES.md` (`| `sigma/` | repo | `commit` (date) | license | ...`).
pub fn parse_sources(markdown: &str) -> Vec<Source> {
    markdown
        .lines()
        .filter_map(|line| {
            let cells: Vec<&str> = line
                .trim()
                .trim_matches('|')
                .split('|')
                .map(str::trim)
                .collect();
            let vendor = cells.first()?.strip_prefix('`')?.strip_suffix("/`")?;
            let commit = cells.get(2)?.split('`').nth(1)?;
            Some(Source {
                vendor: vendor.to_string(),
                repository: cells.get(1)?.to_string(),
                commit: commit.to_string(),
                license: cells.get(3)?.to_string(),
            })
        })
        .collect()
}

pub fn manifest(data: &IndexData, sources: &[Source], options: &BuildOptions) -> Value {
    let rules_per_vendor: serde_json::Map<String, Value> = data
        .stats
        .rules_per_vendor
        .iter()
        .map(|c| (data.vendors[c.key as usize].clone(), json!(c.rules)))
        .collect();
    json!({
        "format_version": FORMAT_VERSION,
        "attack": ATTACK.version,
        "sources": sources.iter().map(|s| json!({
            "vendor": s.vendor,
            "repository": s.repository,
            "commit": s.commit,
            "license": s.license,
            "indexed": rules_per_vendor.contains_key(&s.vendor),
        })).collect::<Vec<_>>(),
        "build_options": {
            "until": options.until,
            "exclude_rules": options.exclude_rules,
        },
        "rules_per_vendor": rules_per_vendor,
        "rows": {
            "rules": data.rules.len(),
            "techniques": data.techniques.len(),
            "logsources": data.logsources.len(),
            "fields": data.fields.len(),
            "indicators": data.indicators.len(),
            "exclusions": data.exclusions.len(),
        },
    })
}

/// The attribution notice shipped next to the index.
pub fn notice(sources: &[Source]) -> String {
    let mut text = String::from(
        "sigmalens corpus index: third-party notices\n\
         ===========================================\n\n\
         The index holds facts derived from public detection rules (titles,\n\
         authors, field tests and counts); it does not hold the rule files.\n\n",
    );
    for vendor in Vendor::ALL {
        let source = sources.iter().find(|s| s.vendor == vendor.as_str());
        let origin = source.map_or(String::new(), |s| {
            format!(" ({} @ {})", s.repository, s.commit)
        });
        text.push_str(&format!("{}{origin}\n", vendor.as_str()));
        text.push_str(vendor_notice(vendor));
        text.push_str("\n\n");
    }
    text.push_str("MITRE ATT&CK\n");
    text.push_str(&ATTACK.notice);
    text.push('\n');
    text
}

fn vendor_notice(vendor: Vendor) -> &'static str {
    match vendor {
        Vendor::Sigma => {
            "  Sigma rules by SigmaHQ and their authors, under the Detection Rule\n  \
             License (DRL) 1.1 (https://github.com/SigmaHQ/Detection-Rule-License).\n  \
             DRL 1.1 asks that rule authors be credited wherever rules are used:\n  \
             every rule the index lists carries its `author`, and sigmalens shows\n  \
             it next to the rule's title."
        }
        Vendor::Elastic => {
            "  Elastic detection rules, Copyright Elasticsearch B.V., under the\n  \
             Elastic License 2.0 (https://www.elastic.co/licensing/elastic-license)."
        }
        Vendor::Splunk => {
            "  Splunk Security Content, Copyright Splunk Inc., under the Apache\n  \
             License 2.0 (https://www.apache.org/licenses/LICENSE-2.0)."
        }
        Vendor::Sentinel => {
            "  Microsoft Sentinel analytics rules, Copyright Microsoft Corporation,\n  \
             under the MIT License (https://opensource.org/licenses/MIT)."
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_sources_table() {
        let md = "| vendor folder | repository | commit (date) | license | files |\n\
                  | --- | --- | --- | --- | ---: |\n\
                  | `sigma/` | SigmaHQ/sigma | `8eaafff` (2026-08-05) | DRL 1.1 | 3,954 |\n\
                  | **total** | | | | 9 |\n";
        let sources = parse_sources(md);
        assert_eq!(sources.len(), 1);
        assert_eq!(sources[0].vendor, "sigma");
        assert_eq!(sources[0].commit, "8eaafff");
        assert_eq!(sources[0].license, "DRL 1.1");
    }
}
