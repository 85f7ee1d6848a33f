//! Offline reference data embedded in the binary: ATT&CK, the v19 remapping
//! and SigmaHQ's taxonomy. Parsed once, on first use.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::LazyLock;

use serde::Deserialize;

const ATTACK_JSON: &str =
    include_str!("../../corpus-index/reference/attack-enterprise-v18.1-compact.json");
const MIGRATION_JSON: &str =
    include_str!("../../corpus-index/reference/attack-v19-sigma-migration.json");
const TAXONOMY_JSON: &str = include_str!("../../corpus-index/reference/sigmahq_taxonomy.json");
const WINDOWS_JSON: &str =
    include_str!("../../corpus-index/reference/sigmahq_windows_validator.json");
const FILENAME_JSON: &str = include_str!("../../corpus-index/reference/sigmahq_filename.json");

/// The tactic SigmaHQ split `defense-evasion` into with ATT&CK v19.
pub const V19_TACTICS: [&str; 2] = ["stealth", "defense-impairment"];

#[derive(Debug, Clone, Deserialize)]
pub struct Technique {
    pub name: String,
    #[serde(default)]
    pub tactics: Vec<String>,
    #[serde(default)]
    pub full_name: Option<String>,
    #[serde(default)]
    pub revoked: bool,
    #[serde(default)]
    pub deprecated: bool,
}

#[derive(Debug, Deserialize)]
struct AttackFile {
    attack_version: String,
    notice: String,
    tactics_order: Vec<String>,
    techniques: BTreeMap<String, Technique>,
}

#[derive(Debug, Deserialize)]
struct MigrationFile {
    technique_remap_observed: BTreeMap<String, BTreeMap<String, u32>>,
    v19_names_third_party_unverified: BTreeMap<String, String>,
}

/// ATT&CK Enterprise: v18.1 plus the v19 techniques and tactics SigmaHQ
/// moved to, and the old -> new technique map.
#[derive(Debug)]
pub struct Attack {
    pub version: String,
    pub notice: String,
    pub tactics: Vec<String>,
    pub techniques: BTreeMap<String, Technique>,
    /// Pre-v19 id -> its v19 successor (the most frequent one SigmaHQ chose).
    pub successors: BTreeMap<String, String>,
}

impl Attack {
    /// Looks a technique up by id, any case (`t1059.001`).
    pub fn technique(&self, id: &str) -> Option<&Technique> {
        self.techniques.get(&id.to_ascii_uppercase())
    }

    pub fn successor(&self, id: &str) -> Option<&str> {
        self.successors
            .get(&id.to_ascii_uppercase())
            .map(String::as_str)
    }

    /// The technique's id after the v19 remapping (unchanged when it was not moved).
    pub fn normalize(&self, id: &str) -> String {
        self.successor(id)
            .map_or_else(|| id.to_ascii_uppercase(), str::to_string)
    }

    pub fn is_tactic(&self, name: &str) -> bool {
        self.tactics.iter().any(|t| t == name)
    }

    /// Tactics a technique may be tagged with, v19 names included: a
    /// defense-evasion technique may carry `stealth` or `defense-impairment`.
    pub fn accepted_tactics<'a>(&self, technique: &'a Technique) -> BTreeSet<&'a str> {
        let mut accepted: BTreeSet<&str> = technique.tactics.iter().map(String::as_str).collect();
        if accepted.contains("defense-evasion") {
            accepted.extend(V19_TACTICS);
        }
        accepted
    }
}

pub static ATTACK: LazyLock<Attack> = LazyLock::new(|| {
    let file: AttackFile =
        serde_json::from_str(ATTACK_JSON).expect("embedded ATT&CK table is valid");
    let migration: MigrationFile =
        serde_json::from_str(MIGRATION_JSON).expect("embedded v19 migration is valid");
    let mut techniques = file.techniques;
    for (id, name) in &migration.v19_names_third_party_unverified {
        if id.starts_with('T') {
            techniques.entry(id.clone()).or_insert_with(|| Technique {
                name: name.clone(),
                tactics: vec!["defense-impairment".into()],
                full_name: None,
                revoked: false,
                deprecated: false,
            });
        }
    }
    let successors = migration
        .technique_remap_observed
        .iter()
        .filter_map(|(old, targets)| {
            // Most files first; ties go to the lower id, for determinism.
            let best = targets
                .iter()
                .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))?;
            Some((old.clone(), best.0.clone()))
        })
        .collect();
    let mut tactics = file.tactics_order;
    tactics.extend(V19_TACTICS.iter().map(|t| t.to_string()));
    Attack {
        version: format!("{} (+ v19 remapping used by SigmaHQ)", file.attack_version),
        notice: file.notice,
        tactics,
        techniques,
        successors,
    }
});

#[derive(Debug, Clone, Deserialize, PartialEq, Eq, PartialOrd, Ord)]
pub struct TaxonomyLogSource {
    pub category: Option<String>,
    pub product: Option<String>,
    pub service: Option<String>,
}

#[derive(Debug, Deserialize)]
struct TaxonomyFields {
    #[serde(default)]
    native: Vec<String>,
    #[serde(default)]
    custom: Vec<String>,
    #[serde(default)]
    redundant: Vec<String>,
}

#[derive(Debug, Deserialize)]
struct TaxonomyEntry {
    logsource: TaxonomyLogSource,
    field: TaxonomyFields,
}

#[derive(Debug, Deserialize)]
struct TaxonomyFile {
    taxonomy: BTreeMap<String, TaxonomyEntry>,
}

#[derive(Debug, Deserialize)]
struct WindowsFile {
    category_no_eventid: Vec<String>,
    category_provider_name: BTreeMap<String, Vec<String>>,
}

#[derive(Debug, Deserialize)]
struct FilenamePattern {
    logsource: TaxonomyLogSource,
    prefix: String,
}

#[derive(Debug, Deserialize)]
struct FilenameFile {
    pattern: BTreeMap<String, FilenamePattern>,
}

/// SigmaHQ's taxonomy: known log sources and their fields.
#[derive(Debug)]
pub struct Taxonomy {
    pub logsources: Vec<TaxonomyLogSource>,
    /// Fields (native and custom) per logsource with fields listed.
    pub fields: BTreeMap<TaxonomyLogSource, BTreeSet<String>>,
    /// Fields that the logsource already implies (`EventID` in a Windows category).
    pub redundant: BTreeMap<TaxonomyLogSource, BTreeSet<String>>,
    pub categories: BTreeSet<String>,
    pub products: BTreeSet<String>,
    pub services: BTreeSet<String>,
    /// Windows categories whose rules must not filter on `EventID`.
    pub categories_without_eventid: BTreeSet<String>,
    pub category_providers: BTreeMap<String, Vec<String>>,
    /// SigmaHQ file-name prefix per logsource.
    pub filename_prefixes: Vec<(TaxonomyLogSource, String)>,
}

pub static TAXONOMY: LazyLock<Taxonomy> = LazyLock::new(|| {
    let file: TaxonomyFile =
        serde_json::from_str(TAXONOMY_JSON).expect("embedded taxonomy is valid");
    let windows: WindowsFile =
        serde_json::from_str(WINDOWS_JSON).expect("embedded windows data is valid");
    let filenames: FilenameFile =
        serde_json::from_str(FILENAME_JSON).expect("embedded filename data is valid");
    let mut taxonomy = Taxonomy {
        logsources: Vec::new(),
        fields: BTreeMap::new(),
        redundant: BTreeMap::new(),
        categories: BTreeSet::new(),
        products: BTreeSet::new(),
        services: BTreeSet::new(),
        categories_without_eventid: windows.category_no_eventid.into_iter().collect(),
        category_providers: windows.category_provider_name,
        filename_prefixes: filenames
            .pattern
            .into_values()
            .map(|p| (p.logsource, p.prefix))
            .collect(),
    };
    for entry in file.taxonomy.into_values() {
        let source = entry.logsource;
        taxonomy.categories.extend(source.category.clone());
        taxonomy.products.extend(source.product.clone());
        taxonomy.services.extend(source.service.clone());
        let fields: BTreeSet<String> = entry
            .field
            .native
            .into_iter()
            .chain(entry.field.custom)
            .collect();
        if !fields.is_empty() {
            taxonomy.fields.insert(source.clone(), fields);
        }
        if !entry.field.redundant.is_empty() {
            taxonomy
                .redundant
                .insert(source.clone(), entry.field.redundant.into_iter().collect());
        }
        taxonomy.logsources.push(source);
    }
    taxonomy
});

const LOGSOURCE_VALUES_JSON: &str =
    include_str!("../../corpus-index/reference/sigmahq_logsource_values.json");

#[derive(Debug, Deserialize)]
struct LogSourceValuesFile {
    category: Vec<String>,
    product: Vec<String>,
    service: Vec<String>,
}

/// Log source values a rule may use: the taxonomy's plus those SigmaHQ
/// rules use (the taxonomy lags behind the rules).
#[derive(Debug)]
pub struct LogSourceValues {
    pub categories: BTreeSet<String>,
    pub products: BTreeSet<String>,
    pub services: BTreeSet<String>,
}

pub static LOGSOURCE_VALUES: LazyLock<LogSourceValues> = LazyLock::new(|| {
    let used: LogSourceValuesFile =
        serde_json::from_str(LOGSOURCE_VALUES_JSON).expect("embedded logsource values are valid");
    let merge = |taxonomy: &BTreeSet<String>, used: Vec<String>| {
        taxonomy.iter().cloned().chain(used).collect()
    };
    LogSourceValues {
        categories: merge(&TAXONOMY.categories, used.category),
        products: merge(&TAXONOMY.products, used.product),
        services: merge(&TAXONOMY.services, used.service),
    }
});

/// Pre-v19 techniques SigmaHQ moved to more than one v19 technique: which
/// one applies depends on the rule, so no automatic replacement.
pub static AMBIGUOUS_SUCCESSORS: LazyLock<BTreeSet<String>> = LazyLock::new(|| {
    let migration: MigrationFile =
        serde_json::from_str(MIGRATION_JSON).expect("embedded v19 migration is valid");
    migration
        .technique_remap_observed
        .into_iter()
        .filter(|(_, targets)| targets.len() > 1)
        .map(|(old, _)| old)
        .collect()
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attack_knows_v18_and_v19() {
        let attack = &*ATTACK;
        assert_eq!(attack.technique("t1090").unwrap().name, "Proxy");
        assert!(attack.technique("T1002").unwrap().revoked);
        assert_eq!(attack.successor("T1562.001"), Some("T1685"));
        assert_eq!(attack.successor("T1562.004"), Some("T1686.003"));
        assert!(attack.technique("T1685").is_some());
        assert!(attack.is_tactic("stealth"));
        let evasion = attack.technique("T1027").unwrap();
        assert!(attack.accepted_tactics(evasion).contains("stealth"));
    }

    #[test]
    fn taxonomy_loads() {
        let taxonomy = &*TAXONOMY;
        assert!(taxonomy.categories.contains("process_creation"));
        assert!(taxonomy.products.contains("windows"));
        assert!(
            taxonomy
                .categories_without_eventid
                .contains("process_creation")
        );
        assert!(!taxonomy.fields.is_empty());
    }
}
