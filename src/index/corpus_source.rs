//! The corpus index as the language server's [`CorpusSource`]: reads of the
//! archived data in place, answered per keystroke.
//!
//! "High reach" is defined from the data: for a logsource, take every test
//! its rules make with the number of its rules making it; a test is high
//! reach when that number is above the 95th percentile. A filter selecting
//! several logsources (`/windows/`) pools their tests, each counted per
//! logsource. One pass over the indicators, on the first value hover, sorts
//! those numbers per logsource; cuts are then cached per filter.

use std::collections::HashMap;
use std::sync::Mutex;

use rkyv::rend::u32_le;

use super::model::{ArchivedIndexData, op_code};
use super::query::{self, Limits, NameCount, field_position, logsource_key, parse_indicator};
use super::tables::{Test, TestKind, rules_in_scope};
use super::{Index, IndexError};
use crate::analysis::corpus::{
    CorpusSource, FieldAlias, FieldUsage, LogSourceKey, RuleCount, RuleExample, ValueInfo,
    ValueReach,
};
use crate::checks::corpus::RuleInCorpus;
use crate::rule::Rule;

/// Fields one answer lists at most: a rule without a logsource gets the
/// whole corpus's fields, thousands of them.
const MAX_FIELDS: usize = 300;
/// Values one completion lists at most.
const MAX_VALUES: usize = 50;
/// The percentile above which a test is high reach.
const HIGH_REACH_PERCENTILE: usize = 95;
/// Example rules and techniques a value hover shows.
const VALUE_HOVER_LIMITS: Limits = Limits { rows: 5, rules: 3 };

enum Source {
    Embedded(&'static Index),
    Loaded(Box<Index>),
}

pub struct IndexCorpus {
    index: Source,
    /// Logsource filter -> its high-reach cut.
    high_reach_cuts: Mutex<HashMap<LogSourceKey, u32>>,
}

impl IndexCorpus {
    /// The index built into the binary.
    pub fn embedded() -> Result<IndexCorpus, IndexError> {
        Ok(IndexCorpus::with(Source::Embedded(Index::embedded()?)))
    }

    pub fn new(index: Index) -> IndexCorpus {
        IndexCorpus::with(Source::Loaded(Box::new(index)))
    }

    fn with(index: Source) -> IndexCorpus {
        IndexCorpus {
            index,
            high_reach_cuts: Mutex::default(),
        }
    }

    fn loaded(&self) -> &Index {
        match &self.index {
            Source::Embedded(index) => index,
            Source::Loaded(index) => index,
        }
    }

    fn data(&self) -> &ArchivedIndexData {
        self.loaded().data()
    }

    /// Which logsources (by position) the filter selects.
    fn scope(&self, filter: &LogSourceKey) -> Vec<bool> {
        query::scope(self.data(), Some(filter))
    }

    fn high_reach_cut(&self, filter: &LogSourceKey) -> u32 {
        let cached = self.lock_cuts().get(filter).copied();
        cached.unwrap_or_else(|| {
            let per_logsource = &self.loaded().tables().reach_by_logsource;
            let selected: Vec<&Vec<u32>> = self
                .scope(filter)
                .iter()
                .zip(per_logsource)
                .filter_map(|(selected, counts)| selected.then_some(counts))
                .collect();
            let pooled;
            let counts: &[u32] = match selected.as_slice() {
                [one] => one,
                several => {
                    let mut all: Vec<u32> =
                        several.iter().flat_map(|c| c.iter().copied()).collect();
                    all.sort_unstable();
                    pooled = all;
                    &pooled
                }
            };
            let cut = counts
                .get(counts.len() * HIGH_REACH_PERCENTILE / 100)
                .or(counts.last())
                .copied()
                .unwrap_or(0);
            self.lock_cuts().insert(filter.clone(), cut);
            cut
        })
    }

    fn lock_cuts(&self) -> std::sync::MutexGuard<'_, HashMap<LogSourceKey, u32>> {
        // A poisoned cache only lost an insert: keep using it.
        self.high_reach_cuts
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// The vendors among the rules, in vendor order.
fn vendors_of(data: &ArchivedIndexData, rules: &[u32_le]) -> Vec<String> {
    let mut vendors: Vec<u8> = rules
        .iter()
        .map(|r| data.rules[r.to_native() as usize].vendor)
        .collect();
    vendors.sort_unstable();
    vendors.dedup();
    vendors
        .into_iter()
        .map(|v| data.vendors[usize::from(v)].to_string())
        .collect()
}

/// The logsource, then its product alone, then everything.
fn fallback_scopes(logsource: &LogSourceKey) -> Vec<LogSourceKey> {
    let mut scopes = vec![logsource.clone()];
    let product = LogSourceKey {
        product: logsource.product.clone(),
        ..LogSourceKey::default()
    };
    if !scopes.contains(&product) {
        scopes.push(product);
    }
    if !scopes.contains(&LogSourceKey::default()) {
        scopes.push(LogSourceKey::default());
    }
    scopes
}

fn rule_counts(rows: impl IntoIterator<Item = NameCount>) -> Vec<RuleCount> {
    rows.into_iter()
        .map(|row| RuleCount {
            name: row.name,
            rules: row.rules,
        })
        .collect()
}

/// Counts per name, most rules first, then by name.
fn ranked(counts: HashMap<String, u32>) -> Vec<RuleCount> {
    let mut rows: Vec<RuleCount> = counts
        .into_iter()
        .map(|(name, rules)| RuleCount { name, rules })
        .collect();
    rows.sort_by(|a, b| b.rules.cmp(&a.rules).then_with(|| a.name.cmp(&b.name)));
    rows
}

impl CorpusSource for IndexCorpus {
    fn field_usage(&self, logsource: &LogSourceKey) -> Vec<FieldUsage> {
        let data = self.data();
        let counts = fallback_scopes(logsource)
            .iter()
            .map(|filter| {
                let mut counts: HashMap<u32, u32> = HashMap::new();
                for (ls, _) in self.scope(filter).iter().enumerate().filter(|(_, s)| **s) {
                    for c in data.logsources[ls].fields.iter() {
                        *counts.entry(c.key.to_native()).or_default() += c.rules.to_native();
                    }
                }
                counts
            })
            .find(|counts| !counts.is_empty())
            .unwrap_or_default();
        let mut usage: Vec<(u32, u32)> = counts.into_iter().collect();
        let name = |field: u32| data.fields[field as usize].name.as_str();
        usage.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| name(a.0).cmp(name(b.0))));
        usage.truncate(MAX_FIELDS);
        usage
            .into_iter()
            .map(|(field, rules)| FieldUsage {
                field: name(field).to_string(),
                rules,
                aliases: data.fields[field as usize]
                    .aliases
                    .iter()
                    .map(|a| FieldAlias {
                        vendor: a.vendor.to_string(),
                        field: a.field.to_string(),
                    })
                    .collect(),
            })
            .collect()
    }

    fn value_reach(
        &self,
        logsource: &LogSourceKey,
        field_spec: &str,
        prefix: &str,
    ) -> Vec<ValueReach> {
        let data = self.data();
        // A stand-in value: only the field and operator the spec makes count here.
        let Ok(key) = parse_indicator(field_spec, "x", Some(logsource)) else {
            return Vec::new();
        };
        let Some(field) = field_position(data, &key.field) else {
            return Vec::new();
        };
        let op = op_code(key.op);
        let indicators = &data.indicators;
        let first = indicators.partition_point(|i| (i.field.to_native(), i.op) < (field, op));
        let end = indicators.partition_point(|i| (i.field.to_native(), i.op) <= (field, op));
        let scope = self.scope(logsource);
        let prefix = prefix.to_lowercase();
        let mut values: Vec<(u32, usize)> = Test::range(data, TestKind::Indicator, first..end)
            .filter(|(i, _)| indicators[*i].value.starts_with(prefix.as_str()))
            .map(|(i, test)| (rules_in_scope(data, test, &scope).count() as u32, i))
            .filter(|&(rules, _)| rules > 0)
            .collect();
        values.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        values.truncate(MAX_VALUES);
        values
            .into_iter()
            .map(|(rules, i)| ValueReach {
                value: indicators[i].value.to_string(),
                rules,
                vendors: vendors_of(data, &indicators[i].rules),
            })
            .collect()
    }

    fn value_info(
        &self,
        logsource: &LogSourceKey,
        field_spec: &str,
        value: &str,
    ) -> Option<ValueInfo> {
        let reach = query::reach(self.data(), field_spec, value, None, VALUE_HOVER_LIMITS).ok()?;
        if reach.reach == 0 {
            return None;
        }
        let in_logsource = reach
            .per_logsource
            .iter()
            .filter(|row| logsource.selects(&LogSourceKey::parse(&row.name)))
            .map(|row| row.rules)
            .sum();
        Some(ValueInfo {
            op: reach.op,
            reach: reach.reach,
            in_logsource,
            per_vendor: rule_counts(reach.per_vendor),
            techniques: rule_counts(
                reach
                    .per_technique
                    .into_iter()
                    .take(VALUE_HOVER_LIMITS.rows),
            ),
            high_reach_above: self.high_reach_cut(logsource),
            examples: reach
                .rules
                .into_iter()
                .map(|rule| RuleExample {
                    title: rule.title,
                    vendor: rule.vendor,
                    author: rule.author,
                })
                .collect(),
            field: reach.field,
            value: reach.value,
        })
    }

    fn technique_rules(&self, id: &str) -> Vec<RuleCount> {
        rule_counts(query::technique_rules_per_vendor(self.data(), id))
    }

    fn fields_for_rule(&self, rule: &Rule) -> Vec<String> {
        // While the server still builds the tables, plain usage ranks: a
        // keystroke does not wait for them.
        if self.loaded().tables_if_built().is_none() {
            return Vec::new();
        }
        RuleInCorpus::new(self.loaded(), rule)
            .fields_by_context("")
            .into_iter()
            .map(str::to_string)
            .collect()
    }

    fn index(&self) -> Option<&Index> {
        Some(self.loaded())
    }

    fn logsource_values(&self, part: &str, within: &LogSourceKey) -> Vec<RuleCount> {
        // The other parts filter; the asked part is open.
        let mut filter = within.clone();
        let Some(open) = part_of(&mut filter, part) else {
            return Vec::new();
        };
        open.clear();
        let data = self.data();
        let mut counts: HashMap<String, u32> = HashMap::new();
        for ls in 0..data.logsources.len() as u32 {
            let mut key = logsource_key(data, ls);
            if !filter.selects(&key) {
                continue;
            }
            let value = part_of(&mut key, part)
                .map(std::mem::take)
                .unwrap_or_default();
            if !value.is_empty() {
                *counts.entry(value).or_default() += data.logsources[ls as usize].rules.to_native();
            }
        }
        ranked(counts)
    }
}

fn part_of<'a>(key: &'a mut LogSourceKey, part: &str) -> Option<&'a mut String> {
    match part {
        "category" => Some(&mut key.category),
        "product" => Some(&mut key.product),
        "service" => Some(&mut key.service),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    //! Completion and hover over an index built from the fixture corpus.

    use std::path::Path;
    use std::sync::LazyLock;

    use expect_test::{Expect, expect};

    use super::*;
    use crate::analysis::completion::{Completion, completions};
    use crate::analysis::fixture;
    use crate::analysis::hover::hover;
    use crate::corpus::sigma::read_corpus;
    use crate::index::build::{BuildOptions, build_index};
    use crate::index::store::encode;

    static FIXTURE_CORPUS: LazyLock<IndexCorpus> = LazyLock::new(|| {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/corpus");
        let rules = read_corpus(&root).expect("fixture corpus reads");
        let data = build_index(&rules, &BuildOptions::default());
        let corpus =
            IndexCorpus::new(Index::from_bytes(&encode(&data)).expect("fresh index is valid"));
        // Built up front, as the server does, so no answer depends on test order.
        corpus.loaded().tables();
        corpus
    });

    const PROCESS_CREATION: &str =
        "logsource:\n    category: process_creation\n    product: windows\ndetection:\n    sel:\n";

    /// The first `limit` completions in client order: label (detail) [filter text].
    fn check_completions(text: &str, limit: usize, expect: Expect) {
        let (file, offset) = fixture::parse(text);
        let mut items = completions(&file, offset, &*FIXTURE_CORPUS);
        let order = |c: &Completion| c.sort_text.clone().unwrap_or_else(|| c.label.clone());
        items.sort_by_key(order);
        let shown: String = items
            .iter()
            .take(limit)
            .map(|item| {
                let detail = item.detail.as_deref().unwrap_or_default();
                match &item.filter_text {
                    Some(filter) => format!("{} ({detail}) [{filter}]\n", item.label),
                    None => format!("{} ({detail})\n", item.label),
                }
            })
            .collect();
        expect.assert_eq(&shown);
    }

    fn check_hover(text: &str, expect: Expect) {
        let (file, offset) = fixture::parse(text);
        let shown = hover(&file, offset, &*FIXTURE_CORPUS).map_or("none".into(), |h| h.markdown);
        expect.assert_eq(&shown);
    }

    #[test]
    fn fields_rank_by_corpus_use_with_aliases() {
        check_completions(
            &format!("{PROCESS_CREATION}        $0\n"),
            3,
            expect![[r#"
            Image (5 corpus rules · elastic process.executable · splunk_cim Processes.process_path · splunk_short process_name · splunk_raw NewProcessName · windows_security NewProcessName · mde FolderPath · sentinel_securityevent NewProcessName · sentinel_asim TargetProcessName)
            CommandLine (3 corpus rules · elastic process.command_line · splunk_cim Processes.process · splunk_short process · splunk_raw Process_Command_Line · mde ProcessCommandLine · sentinel_asim TargetProcessCommandLine)
            User (3 corpus rules · elastic user.name · splunk_cim Processes.user · mde AccountName · sentinel_securityevent SubjectUserName · sentinel_asim TargetUsername)
        "#]],
        );
    }

    #[test]
    fn fields_of_rules_sharing_a_test_come_first() {
        // Only r2 tests `advfirewall`: its `OriginalFileName` moves up.
        check_completions(
            &format!(
                "{PROCESS_CREATION}        CommandLine|contains: advfirewall\n        $0\n    \
                 condition: sel\n"
            ),
            3,
            expect![[r#"
                Image (5 corpus rules · elastic process.executable · splunk_cim Processes.process_path · splunk_short process_name · splunk_raw NewProcessName · windows_security NewProcessName · mde FolderPath · sentinel_securityevent NewProcessName · sentinel_asim TargetProcessName)
                OriginalFileName (1 corpus rules · elastic process.pe.original_file_name · splunk_cim Processes.original_file_name · splunk_short original_file_name · mde ProcessVersionInfoOriginalFileName · sentinel_asim TargetProcessFileOriginalName)
                User (3 corpus rules · elastic user.name · splunk_cim Processes.user · mde AccountName · sentinel_securityevent SubjectUserName · sentinel_asim TargetUsername)
            "#]],
        );
    }

    #[test]
    fn a_vendor_field_name_offers_the_canonical_field() {
        check_completions(
            &format!("{PROCESS_CREATION}        process.na$0\n"),
            1,
            expect![[r#"
                Image (5 corpus rules · elastic process.executable · splunk_cim Processes.process_path · splunk_short process_name · splunk_raw NewProcessName · windows_security NewProcessName · mde FolderPath · sentinel_securityevent NewProcessName · sentinel_asim TargetProcessName) [process.name]
            "#]],
        );
    }

    #[test]
    fn fields_fall_back_to_the_product_then_everything() {
        let image_load = "logsource:\n    category: image_load\n    product: windows\ndetection:\n    sel:\n        $0\n";
        check_completions(
            image_load,
            2,
            expect![[r#"
            Image (5 corpus rules · elastic process.executable · splunk_cim Processes.process_path · splunk_short process_name · splunk_raw NewProcessName · windows_security NewProcessName · mde FolderPath · sentinel_securityevent NewProcessName · sentinel_asim TargetProcessName)
            CommandLine (3 corpus rules · elastic process.command_line · splunk_cim Processes.process · splunk_short process · splunk_raw Process_Command_Line · mde ProcessCommandLine · sentinel_asim TargetProcessCommandLine)
        "#]],
        );
        let linux = "logsource:\n    product: linux\ndetection:\n    sel:\n        $0\n";
        check_completions(
            linux,
            2,
            expect![[r#"
            Image (5 corpus rules · elastic process.executable · splunk_cim Processes.process_path · splunk_short process_name · splunk_raw NewProcessName · windows_security NewProcessName · mde FolderPath · sentinel_securityevent NewProcessName · sentinel_asim TargetProcessName)
            CommandLine (3 corpus rules · elastic process.command_line · splunk_cim Processes.process · splunk_short process · splunk_raw Process_Command_Line · mde ProcessCommandLine · sentinel_asim TargetProcessCommandLine)
        "#]],
        );
    }

    #[test]
    fn values_follow_the_operator_and_prefix() {
        check_completions(
            &format!("{PROCESS_CREATION}        Image|endswith: '\\n$0'\n"),
            3,
            expect![[r#"
                \netsh.exe (4 corpus rules)
            "#]],
        );
        check_completions(
            &format!("{PROCESS_CREATION}        CommandLine|contains: $0\n"),
            5,
            expect![[r#"
                -interface (1 corpus rules)
                advfirewall (1 corpus rules)
                interface (1 corpus rules)
                portproxy (1 corpus rules)
            "#]],
        );
    }

    #[test]
    fn logsource_values_rank_by_corpus_use() {
        check_completions(
            "logsource:\n    product: windows\n    category: $0\n",
            2,
            expect![[r#"
                process_creation (category, 5 corpus rules)
                create_remote_thread (category (taxonomy))
            "#]],
        );
    }

    #[test]
    fn value_hover_shows_reach_vendors_techniques_and_authors() {
        check_hover(
            &format!("{PROCESS_CREATION}        Image|endswith: '\\net$0sh.exe'\n"),
            expect![[r#"
                **Image ends_with `\netsh.exe`**

                Reach: 4 corpus rules, 4 with `process_creation/windows/`.

                Per vendor: sigma 4

                Techniques: T1090 2, T1090.001 1, T1685 1

                Rules:
                - Fixture Netsh Port Forwarding (sigma, by Fixture Author One)
                - Fixture Netsh Firewall Change (sigma, by Fixture Author Two)
                - Fixture Netsh Wildcard And Windash (sigma, by Fixture Author Three)"#]],
        );
        check_hover(
            &format!("{PROCESS_CREATION}        Image|endswith: '\\not$0epad.exe'\n"),
            expect!["none"],
        );
    }

    #[test]
    fn field_hover_shows_usage_aliases_and_top_values() {
        check_hover(
            &format!("{PROCESS_CREATION}        Ima$0ge|endswith: x\n"),
            expect![[r#"
                **Image**

                In the SigmaHQ taxonomy for `process_creation/windows/`.

                Used by 5 corpus rules with this logsource.

                Aliases:
                - elastic: `process.executable`, `process.name`
                - splunk_cim: `Processes.process_path`, `Processes.process_name`, `Filesystem.process_path`, `Registry.process_path`
                - splunk_short: `process_name`, `process_path`
                - splunk_raw: `NewProcessName`
                - windows_security: `NewProcessName`
                - mde: `FolderPath`, `FileName`, `InitiatingProcessFolderPath`, `InitiatingProcessFileName`
                - sentinel_securityevent: `NewProcessName`
                - sentinel_asim: `TargetProcessName`, `ActingProcessName`, `SrcProcessName`

                Top values:
                - `\netsh.exe` (4 rules)
                - `\cmd.exe` (1 rules)
                - `netsh.exe` (1 rules)"#]],
        );
    }

    #[test]
    fn tag_hover_counts_corpus_rules() {
        check_hover(
            "tags:\n    - attack.t10$090\n",
            expect![[r#"
                **T1090** Proxy

                Tactics: command-and-control

                Corpus rules: 3 (sigma 3)"#]],
        );
    }
}
