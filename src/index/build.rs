//! Corpus rules -> [`IndexData`]. Pure: reading the corpus and writing the
//! files live in `cli.rs` and `provenance.rs`.
//!
//! Every row counts distinct rules: each rule's tests are first reduced to
//! sets of normalized keys, so a value repeated in one rule counts once.

use std::collections::{BTreeMap, BTreeSet};

use rayon::prelude::*;

use super::model::*;
use super::normalize::{IndicatorKey, NORMALIZER, technique};
use crate::corpus::predicate::Polarity;
use crate::corpus::rule::{CorpusRule, LogSourceKey, Vendor};
use crate::reference::ATTACK;

/// Which rules go into the index.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BuildOptions {
    /// Only rules dated strictly before this `YYYY-MM-DD` (undated rules are left out).
    pub until: Option<String>,
    /// Rule ids to leave out.
    pub exclude_rules: BTreeSet<String>,
}

impl BuildOptions {
    pub fn keeps(&self, rule: &CorpusRule) -> bool {
        let dated_before = self
            .until
            .as_deref()
            .is_none_or(|until| !rule.date.is_empty() && rule.date.as_str() < until);
        dated_before && !self.exclude_rules.contains(&rule.id)
    }
}

/// One rule reduced to sets of normalized keys.
struct Reduced<'a> {
    rule: &'a CorpusRule,
    techniques: BTreeSet<String>,
    /// Each positive test with the logsources it is tested under.
    positive: BTreeMap<IndicatorKey, BTreeSet<LogSourceKey>>,
    /// Each exclusion, likewise.
    exclusion: BTreeMap<IndicatorKey, BTreeSet<LogSourceKey>>,
    nested_tests: usize,
    /// Every field the rule tests, under any polarity, with the logsource it
    /// is tested under (a sequence step's own, else the rule's).
    fields: BTreeSet<(String, LogSourceKey)>,
}

fn reduce(rule: &CorpusRule) -> Reduced<'_> {
    let mut reduced = Reduced {
        rule,
        techniques: rule.techniques.iter().map(|t| technique(t)).collect(),
        positive: BTreeMap::new(),
        exclusion: BTreeMap::new(),
        nested_tests: 0,
        fields: BTreeSet::new(),
    };
    for predicate in rule.predicates.iter().filter(|p| !p.field.is_empty()) {
        let logsource = rule.logsource_of(predicate);
        let keys = NORMALIZER.keys(rule.vendor, &logsource, predicate);
        reduced
            .fields
            .extend(keys.iter().map(|k| (k.field.clone(), logsource.clone())));
        let tests = match predicate.polarity {
            Polarity::Positive => &mut reduced.positive,
            Polarity::Exclusion => &mut reduced.exclusion,
            Polarity::Nested => {
                reduced.nested_tests += keys.len();
                continue;
            }
        };
        for key in keys {
            tests.entry(key).or_default().insert(logsource.clone());
        }
    }
    reduced
}

/// Positions of the keys of a sorted map.
fn positions<K: Ord + Clone, V>(map: &BTreeMap<K, V>) -> BTreeMap<K, u32> {
    map.keys()
        .enumerate()
        .map(|(i, k)| (k.clone(), i as u32))
        .collect()
}

/// Counts occurrences per key, sorted by key.
fn tally(keys: impl IntoIterator<Item = u32>) -> Vec<Count> {
    let mut counts: BTreeMap<u32, u32> = BTreeMap::new();
    for key in keys {
        *counts.entry(key).or_default() += 1;
    }
    counts
        .into_iter()
        .map(|(key, rules)| Count { key, rules })
        .collect()
}

/// Most rules first, ties by key.
fn most_first(mut counts: Vec<Count>) -> Vec<Count> {
    counts.sort_by(|a, b| b.rules.cmp(&a.rules).then(a.key.cmp(&b.key)));
    counts
}

/// Builds the index from corpus rules (any vendor, any order).
pub fn build_index(rules: &[CorpusRule], options: &BuildOptions) -> IndexData {
    let mut kept: Vec<&CorpusRule> = rules.iter().filter(|r| options.keeps(r)).collect();
    kept.sort_by(|a, b| (a.vendor, &a.path, &a.id).cmp(&(b.vendor, &b.path, &b.id)));
    let reduced: Vec<Reduced> = kept.par_iter().map(|rule| reduce(rule)).collect();
    Builder::new(&reduced).finish()
}

/// The rule positions behind every row, before the rows are written.
struct Builder<'a> {
    reduced: &'a [Reduced<'a>],
    techniques: BTreeMap<String, Vec<u32>>,
    /// The rules' logsources with their rules, plus any logsource only a
    /// sequence step tests fields under (with no rules).
    logsources: BTreeMap<LogSourceKey, Vec<u32>>,
    fields: BTreeMap<String, Vec<u32>>,
    /// Rules testing a field under a logsource.
    field_logsources: BTreeMap<(String, LogSourceKey), u32>,
    indicators: Tests,
    exclusions: Tests,
}

/// The rules making each test, and those making it under a sequence step's
/// logsource instead of their own.
#[derive(Default)]
struct Tests {
    rules: BTreeMap<IndicatorKey, Vec<u32>>,
    step_logsources: BTreeMap<IndicatorKey, Vec<(u32, LogSourceKey)>>,
}

impl Tests {
    fn add(
        &mut self,
        rule: u32,
        own: &LogSourceKey,
        tests: &BTreeMap<IndicatorKey, BTreeSet<LogSourceKey>>,
    ) {
        for (key, logsources) in tests {
            self.rules.entry(key.clone()).or_default().push(rule);
            if logsources.iter().any(|l| l != own) {
                self.step_logsources
                    .entry(key.clone())
                    .or_default()
                    .extend(logsources.iter().map(|l| (rule, l.clone())));
            }
        }
    }

    /// The stored rows, sorted by test (its position among `rules`' keys),
    /// rule and logsource.
    fn step_records(&self, logsource_pos: &BTreeMap<LogSourceKey, u32>) -> Vec<StepLogSource> {
        let test_pos = positions(&self.rules);
        self.step_logsources
            .iter()
            .flat_map(|(key, steps)| {
                let test = test_pos[key];
                steps.iter().map(move |(rule, logsource)| StepLogSource {
                    test,
                    rule: *rule,
                    logsource: logsource_pos[logsource],
                })
            })
            .collect()
    }
}

impl<'a> Builder<'a> {
    fn new(reduced: &'a [Reduced<'a>]) -> Self {
        let mut builder = Builder {
            reduced,
            techniques: BTreeMap::new(),
            logsources: BTreeMap::new(),
            fields: BTreeMap::new(),
            field_logsources: BTreeMap::new(),
            indicators: Tests::default(),
            exclusions: Tests::default(),
        };
        for (position, rule) in reduced.iter().enumerate() {
            let position = position as u32;
            for id in &rule.techniques {
                builder
                    .techniques
                    .entry(id.clone())
                    .or_default()
                    .push(position);
            }
            builder
                .logsources
                .entry(rule.rule.logsource.clone())
                .or_default()
                .push(position);
            for (field, logsource) in &rule.fields {
                let rules = builder.fields.entry(field.clone()).or_default();
                // One row per field: its logsources follow each other.
                if rules.last() != Some(&position) {
                    rules.push(position);
                }
                builder.logsources.entry(logsource.clone()).or_default();
                *builder
                    .field_logsources
                    .entry((field.clone(), logsource.clone()))
                    .or_default() += 1;
            }
            let own = &rule.rule.logsource;
            builder.indicators.add(position, own, &rule.positive);
            builder.exclusions.add(position, own, &rule.exclusion);
        }
        builder
    }

    fn finish(self) -> IndexData {
        let technique_pos = positions(&self.techniques);
        let logsource_pos = positions(&self.logsources);
        let field_pos = positions(&self.fields);
        let indicator_pos = positions(&self.indicators.rules);
        let vendor_code = |v: Vendor| Vendor::ALL.iter().position(|&x| x == v).unwrap() as u32;

        let rule_techniques: Vec<Vec<u32>> = self
            .reduced
            .iter()
            .map(|r| r.techniques.iter().map(|t| technique_pos[t]).collect())
            .collect();
        let rule_logsource: Vec<u32> = self
            .reduced
            .iter()
            .map(|r| logsource_pos[&r.rule.logsource])
            .collect();
        let rule_vendor: Vec<u32> = self
            .reduced
            .iter()
            .map(|r| vendor_code(r.rule.vendor))
            .collect();
        // Both ways round: a logsource's fields, a field's logsources (by key).
        let mut fields_per_logsource: BTreeMap<u32, Vec<Count>> = BTreeMap::new();
        let mut logsources_per_field: BTreeMap<u32, Vec<Count>> = BTreeMap::new();
        for ((field, logsource), &rules) in &self.field_logsources {
            let (field, logsource) = (field_pos[field], logsource_pos[logsource]);
            fields_per_logsource
                .entry(logsource)
                .or_default()
                .push(Count { key: field, rules });
            logsources_per_field.entry(field).or_default().push(Count {
                key: logsource,
                rules,
            });
        }
        let rule_indicators: Vec<Vec<u32>> = self
            .reduced
            .iter()
            .map(|r| r.positive.keys().map(|k| indicator_pos[k]).collect())
            .collect();
        let over = |rules: &[u32], per_rule: &dyn Fn(usize) -> Vec<u32>| {
            tally(rules.iter().flat_map(|&r| per_rule(r as usize)))
        };

        let rules = self
            .reduced
            .iter()
            .enumerate()
            .map(|(i, r)| RuleRecord {
                vendor: rule_vendor[i] as u8,
                id: r.rule.id.clone(),
                title: r.rule.title.clone(),
                author: r.rule.author.clone(),
                license: r.rule.license.clone(),
                path: r.rule.path.clone(),
                date: r.rule.date.clone(),
                level: r.rule.level.clone(),
                status: r.rule.status.clone(),
                techniques: rule_techniques[i].clone(),
                techniques_original: remapped(&r.rule.techniques),
                logsource: rule_logsource[i],
            })
            .collect();

        let techniques = self
            .techniques
            .iter()
            .map(|(id, rules)| {
                let known = ATTACK.technique(id);
                TechniqueRecord {
                    id: id.clone(),
                    name: known.map_or(String::new(), |t| t.name.clone()),
                    tactics: tactics(std::iter::once(id)),
                    rules: rules.clone(),
                }
            })
            .collect();

        let logsources = self
            .logsources
            .iter()
            .enumerate()
            .map(|(position, (key, rules))| LogSourceRecord {
                category: key.category.clone(),
                product: key.product.clone(),
                service: key.service.clone(),
                rules: rules.len() as u32,
                fields: most_first(
                    fields_per_logsource
                        .remove(&(position as u32))
                        .unwrap_or_default(),
                ),
            })
            .collect();

        let fields = self
            .fields
            .iter()
            .enumerate()
            .map(|(position, (name, rules))| FieldRecord {
                name: name.clone(),
                aliases: NORMALIZER
                    .aliases(name)
                    .iter()
                    .map(|a| AliasRecord {
                        vendor: a.vendor.clone(),
                        field: a.field.clone(),
                        relation: a.relation.as_str().to_string(),
                    })
                    .collect(),
                rules: rules.len() as u32,
                rules_per_logsource: logsources_per_field
                    .remove(&(position as u32))
                    .unwrap_or_default(),
            })
            .collect();

        let indicators = self
            .indicators
            .rules
            .iter()
            .map(|(key, rules)| IndicatorRecord {
                field: field_pos[&key.field],
                op: op_code(key.op),
                value: key.value.clone(),
                rules: rules.clone(),
            })
            .collect();

        let exclusions = self
            .exclusions
            .rules
            .iter()
            .map(|(key, rules)| {
                let mut per_indicator = most_first(over(rules, &|r| rule_indicators[r].clone()));
                per_indicator.truncate(TOP_COOCCURRING);
                ExclusionRecord {
                    field: field_pos[&key.field],
                    op: op_code(key.op),
                    value: key.value.clone(),
                    rules: rules.clone(),
                    per_indicator,
                }
            })
            .collect();

        IndexData {
            vendors: Vendor::ALL.iter().map(|v| v.as_str().to_string()).collect(),
            rules,
            techniques,
            logsources,
            fields,
            indicators,
            exclusions,
            indicator_steps: self.indicators.step_records(&logsource_pos),
            exclusion_steps: self.exclusions.step_records(&logsource_pos),
            stats: self.stats(&rule_vendor),
        }
    }

    fn stats(&self, rule_vendor: &[u32]) -> BuildStats {
        let sum = |count: &dyn Fn(&Reduced) -> usize| {
            self.reduced.iter().map(count).sum::<usize>() as u32
        };
        let rules_per_vendor = tally(rule_vendor.iter().copied());
        let vendors = rules_per_vendor
            .iter()
            .map(|count| {
                let of_vendor: Vec<&Reduced> = self
                    .reduced
                    .iter()
                    .zip(rule_vendor)
                    .filter(|&(_, &v)| v == count.key)
                    .map(|(r, _)| r)
                    .collect();
                let mut skipped = skipped_per_rule(&of_vendor);
                skipped.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.name.cmp(&b.name)));
                VendorStats {
                    vendor: count.key,
                    rules: count.rules,
                    with_query: of_vendor.iter().filter(|r| r.rule.has_query).count() as u32,
                    with_indicator: of_vendor.iter().filter(|r| !r.positive.is_empty()).count()
                        as u32,
                    skipped,
                }
            })
            .collect();
        BuildStats {
            rules_per_vendor,
            positive_tests: sum(&|r| r.positive.len()),
            exclusion_tests: sum(&|r| r.exclusion.len()),
            nested_tests: sum(&|r| r.nested_tests),
            keyword_values: sum(&|r| r.rule.keyword_values),
            skipped: skipped_per_rule(&self.reduced.iter().collect::<Vec<_>>()),
            vendors,
        }
    }
}

/// Skipped constructs with the number of rules that skipped each, by name.
fn skipped_per_rule(rules: &[&Reduced]) -> Vec<NamedCount> {
    let mut skipped: BTreeMap<&str, u32> = BTreeMap::new();
    for rule in rules {
        let names: BTreeSet<&str> = rule.rule.skipped.iter().map(String::as_str).collect();
        for name in names {
            *skipped.entry(name).or_default() += 1;
        }
    }
    skipped
        .into_iter()
        .map(|(name, count)| NamedCount {
            name: name.to_string(),
            count,
        })
        .collect()
}

/// The ids as written when the v19 remapping changed any of them.
fn remapped(original: &[String]) -> Vec<String> {
    let changed = original
        .iter()
        .any(|id| technique(id) != id.to_ascii_uppercase());
    if changed {
        original.to_vec()
    } else {
        Vec::new()
    }
}

/// The tactics of techniques (v19 ids), sorted, without repeats. A
/// sub-technique ATT&CK does not list takes its parent's tactics.
fn tactics<'a>(ids: impl IntoIterator<Item = &'a String>) -> Vec<String> {
    let mut tactics = BTreeSet::new();
    for id in ids {
        let parent = id.split('.').next().unwrap_or(id);
        if let Some(known) = ATTACK.technique(id).or_else(|| ATTACK.technique(parent)) {
            tactics.extend(known.tactics.iter().cloned());
        }
    }
    tactics.into_iter().collect()
}
