//! What the corpus index says about one rule: the shared analysis behind the
//! SL8xx checks and `sigmalens eval`. Pure: the index comes in loaded.
//!
//! A rule is read exactly as the index reads corpus rules (same polarity
//! rules, same normalized keys), so its tests meet the index's rows. A rule
//! that is itself in the index (same id) is left out of its own statistics.

use std::cell::OnceCell;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use crate::corpus::predicate::{Operator, Polarity};
use crate::corpus::rule::{LogSourceKey, Vendor};
use crate::corpus::sigma::{corpus_rule, item_predicates};
use crate::index::Index;
use crate::index::model::{ArchivedIndexData, op_from_code};
use crate::index::normalize::{IndicatorKey, NORMALIZER, technique};
use crate::index::query::{exclusion_position, indicator_position};
use crate::index::tables::{Test, rule_logsources};
use crate::rule::{FieldItem, Rule};

/// A corpus rule that shares positive tests with the linted one.
#[derive(Debug, Clone, PartialEq)]
pub struct Similar {
    /// Position in the index's `rules`.
    pub rule: u32,
    pub shared: usize,
    /// Shared tests over the union of both rules' positive tests.
    pub jaccard: f64,
    pub shares_technique: bool,
}

/// An exclusion similar rules make and the linted rule lacks.
#[derive(Debug, Clone, PartialEq)]
pub struct ExclusionSuggestion {
    /// Position in the index's `exclusions`.
    pub exclusion: u32,
    pub key: IndicatorKey,
    /// The similar rules that make it, most similar first.
    pub rules: Vec<u32>,
    pub score: f64,
}

/// One rule seen through the corpus index.
pub struct RuleInCorpus<'a> {
    pub index: &'a Index,
    pub logsource: LogSourceKey,
    /// The logsource's position in the index, when the corpus knows it.
    pub logsource_position: Option<u32>,
    /// The rule's own entries in the index (same id), left out of every count.
    own: Vec<u32>,
    /// ATT&CK v19 ids.
    pub techniques: BTreeSet<String>,
    pub positive: BTreeSet<IndicatorKey>,
    pub exclusion: BTreeSet<IndicatorKey>,
    /// Positions in the index's `indicators` of the positive tests it has,
    /// looked up once: most SL8xx checks walk them.
    positive_indicators: Vec<u32>,
    /// [`RuleInCorpus::similar`], computed on first use.
    similar: OnceCell<Vec<Similar>>,
}

impl<'a> RuleInCorpus<'a> {
    pub fn new(index: &'a Index, rule: &Rule) -> RuleInCorpus<'a> {
        let read = corpus_rule("", rule);
        let data = index.data();
        let logsource_position = data
            .logsources
            .iter()
            .position(|ls| {
                ls.category == read.logsource.category
                    && ls.product == read.logsource.product
                    && ls.service == read.logsource.service
            })
            .map(|p| p as u32);
        let own = index
            .tables()
            .by_id
            .get(&read.id.to_lowercase())
            .cloned()
            .unwrap_or_default();
        let mut positive = BTreeSet::new();
        let mut exclusion = BTreeSet::new();
        for predicate in read.predicates.iter().filter(|p| !p.field.is_empty()) {
            let keys = NORMALIZER.keys(Vendor::Sigma, &read.logsource, predicate);
            match predicate.polarity {
                Polarity::Positive => positive.extend(keys),
                Polarity::Exclusion => exclusion.extend(keys),
                Polarity::Nested => {}
            }
        }
        let positive_indicators = positive
            .iter()
            .filter_map(|k| indicator_position(data, k))
            .collect();
        RuleInCorpus {
            index,
            logsource: read.logsource,
            logsource_position,
            own,
            techniques: read.techniques.iter().map(|t| technique(t)).collect(),
            positive,
            exclusion,
            positive_indicators,
            similar: OnceCell::new(),
        }
    }

    pub fn data(&self) -> &'a ArchivedIndexData {
        self.index.data()
    }

    pub fn is_own(&self, rule: u32) -> bool {
        self.own.contains(&rule)
    }

    /// The rule's own index entries under its logsource.
    pub fn own_in_logsource(&self) -> u32 {
        let data = self.data();
        self.own
            .iter()
            .filter(|&&r| {
                Some(data.rules[r as usize].logsource.to_native()) == self.logsource_position
            })
            .count() as u32
    }

    /// How many other rules test `key` under the rule's logsource.
    pub fn reach_in_logsource(&self, key: &IndicatorKey) -> u32 {
        let Some(logsource) = self.logsource_position else {
            return 0;
        };
        let Some(position) = indicator_position(self.data(), key) else {
            return 0;
        };
        let data = self.data();
        rule_logsources(data, Test::indicator(data, position))
            .filter(|&(r, ls)| ls == logsource && !self.is_own(r))
            .count() as u32
    }

    /// The reach at `percentile` among the tests of the rule's logsource.
    pub fn reach_percentile(&self, percentile: f64) -> Option<u32> {
        let reaches = self
            .index
            .tables()
            .reach_by_logsource
            .get(self.logsource_position? as usize)?;
        let last = reaches.len().checked_sub(1)?;
        let rank = ((percentile / 100.0) * last as f64).round() as usize;
        reaches.get(rank.min(last)).copied()
    }

    /// The normalized keys of one field item, read as a positive test.
    pub fn item_keys(&self, item: &FieldItem) -> Option<Vec<IndicatorKey>> {
        let predicates = item_predicates(item, Polarity::Positive).ok()?;
        Some(
            predicates
                .iter()
                .flat_map(|p| NORMALIZER.keys(Vendor::Sigma, &self.logsource, p))
                .collect(),
        )
    }

    /// Other rules testing `key` positively, under any logsource.
    pub fn indicator_rules(&self, key: &IndicatorKey) -> Vec<u32> {
        indicator_position(self.data(), key)
            .map_or_else(Vec::new, |i| self.rules_testing(i).collect())
    }

    /// Other rules testing indicator `position` positively, under any logsource.
    pub fn rules_testing(&self, position: u32) -> impl Iterator<Item = u32> + '_ {
        self.data().indicators[position as usize]
            .rules
            .iter()
            .map(|r| r.to_native())
            .filter(|&r| !self.is_own(r))
    }

    /// Positions in the index's `indicators` of the rule's positive tests the corpus has.
    pub fn positive_indicators(&self) -> &[u32] {
        &self.positive_indicators
    }

    /// Does the rule share a technique with corpus rule `rule`?
    fn shares_technique(&self, rule: u32) -> bool {
        let data = self.data();
        data.rules[rule as usize].techniques.iter().any(|t| {
            self.techniques
                .contains(data.techniques[t.to_native() as usize].id.as_str())
        })
    }

    /// Rules under the same logsource sharing positive tests, most similar first.
    pub fn similar(&self) -> &[Similar] {
        self.similar.get_or_init(|| self.rank_similar())
    }

    fn rank_similar(&self) -> Vec<Similar> {
        let Some(logsource) = self.logsource_position else {
            return Vec::new();
        };
        let data = self.data();
        let mut shared: BTreeMap<u32, usize> = BTreeMap::new();
        for &indicator in &self.positive_indicators {
            for rule in self.rules_testing(indicator) {
                if data.rules[rule as usize].logsource.to_native() == logsource {
                    *shared.entry(rule).or_default() += 1;
                }
            }
        }
        let tables = self.index.tables();
        let mut similar: Vec<Similar> = shared
            .into_iter()
            .map(|(rule, shared)| {
                let union = self.positive.len() + tables.indicators[rule as usize].len() - shared;
                Similar {
                    rule,
                    shared,
                    jaccard: shared as f64 / union.max(1) as f64,
                    shares_technique: self.shares_technique(rule),
                }
            })
            .collect();
        similar.sort_by(|a, b| {
            similarity(b)
                .total_cmp(&similarity(a))
                .then(a.rule.cmp(&b.rule))
        });
        similar
    }

    /// Exclusions this rule lacks, on fields SigmaHQ rules use under its
    /// logsource, one per (field, value), ranked by the evidence for them:
    /// the summed similarity of the `neighbours` most similar rules making
    /// them, then how often they go with the rule's positive tests anywhere,
    /// then how common they are under the logsource; halved on a field the
    /// rule already selects on. Only those `min_rules` similar rules make.
    pub fn suggest_exclusions(
        &self,
        neighbours: usize,
        min_rules: usize,
    ) -> impl Iterator<Item = ExclusionSuggestion> + '_ {
        let data = self.data();
        let tables = self.index.tables();
        let mut by_exclusion: HashMap<u32, (f64, Vec<u32>)> = HashMap::new();
        for similar in self.similar().iter().take(neighbours) {
            for &exclusion in &tables.exclusions[similar.rule as usize] {
                let entry = by_exclusion.entry(exclusion).or_default();
                entry.0 += similarity(similar);
                entry.1.push(similar.rule);
            }
        }
        let indicators: BTreeMap<u32, usize> = self
            .positive_indicators
            .iter()
            .map(|&i| (i, data.indicators[i as usize].rules.len()))
            .collect();
        let logsource_rules = self
            .logsource_position
            .map_or(0, |p| data.logsources[p as usize].rules.to_native());
        let logsource_exclusions: &[(u32, u32)] = self
            .logsource_position
            .map_or(&[], |p| &tables.exclusions_by_logsource[p as usize]);
        // Without a minimum, exclusions no neighbour makes compete too.
        if min_rules == 0 {
            let lists = indicators
                .keys()
                .map(|&i| tables.exclusions_by_indicator[i as usize].as_slice())
                .chain([logsource_exclusions]);
            for &(exclusion, _) in lists.flatten() {
                by_exclusion.entry(exclusion).or_default();
            }
        }
        // Both reverse maps list exclusions in index order.
        let count_in = |list: &[(u32, u32)], exclusion: u32| {
            list.binary_search_by_key(&exclusion, |&(e, _)| e)
                .map_or(0, |found| list[found].1)
        };
        for (&exclusion, (score, _)) in by_exclusion.iter_mut() {
            let mut evidence = 0.0;
            for (&indicator, &reach) in &indicators {
                let together = count_in(
                    &tables.exclusions_by_indicator[indicator as usize],
                    exclusion,
                );
                evidence += COOCCURRENCE_WEIGHT * f64::from(together) / reach as f64;
            }
            evidence += LOGSOURCE_WEIGHT * f64::from(count_in(logsource_exclusions, exclusion))
                / f64::from(logsource_rules.max(1));
            *score += evidence;
        }
        let own_exclusions: BTreeSet<u32> = self
            .exclusion
            .iter()
            .filter_map(|k| exclusion_position(data, k))
            .collect();
        let sigma_fields = self.sigma_fields();
        let selected_fields: BTreeSet<&str> =
            self.positive.iter().map(|k| k.field.as_str()).collect();
        let mut ranked: Vec<(u32, f64, Vec<u32>)> = by_exclusion
            .into_iter()
            .filter(|(exclusion, _)| !own_exclusions.contains(exclusion))
            .filter(|(exclusion, _)| {
                sigma_fields.contains(&data.exclusions[*exclusion as usize].field.to_native())
            })
            .map(|(exclusion, (score, rules))| {
                let field = data.exclusions[exclusion as usize].field.to_native();
                let weight = if selected_fields.contains(data.fields[field as usize].name.as_str())
                {
                    SELECTED_FIELD_WEIGHT
                } else {
                    1.0
                };
                (exclusion, score * weight, rules)
            })
            .collect();
        ranked.sort_by(|a, b| {
            b.1.total_cmp(&a.1)
                .then(b.2.len().cmp(&a.2.len()))
                .then(a.0.cmp(&b.0))
        });
        // `Image: x` and `Image|endswith: x` exclude the same value: the
        // best-ranked operator speaks for both.
        let mut seen: HashSet<(u32, &str)> = HashSet::new();
        // Lazily, and keys only for the suggestions a caller reads: most
        // candidates are never shown.
        ranked
            .into_iter()
            .filter(move |(exclusion, ..)| {
                let row = &data.exclusions[*exclusion as usize];
                seen.insert((row.field.to_native(), row.value.as_str()))
            })
            .filter(move |(_, _, rules)| rules.len() >= min_rules)
            .filter_map(move |(exclusion, score, rules)| {
                Some(ExclusionSuggestion {
                    exclusion,
                    key: exclusion_key(data, exclusion)?,
                    rules,
                    score,
                })
            })
    }

    /// Fields SigmaHQ rules test under the rule's logsource or, when none
    /// does, under its product: the fields a Sigma filter there can name.
    /// Other vendors' rules may read several event types under one
    /// logsource (an Elastic sequence), so their fields do not count.
    fn sigma_fields(&self) -> BTreeSet<u32> {
        let data = self.data();
        let per_logsource = &self.index.tables().sigma_fields_by_logsource;
        let fields_where = |keep: &dyn Fn(usize) -> bool| -> BTreeSet<u32> {
            (0..per_logsource.len())
                .filter(|&l| keep(l))
                .flat_map(|l| per_logsource[l].iter().copied())
                .collect()
        };
        let in_logsource = fields_where(&|l| Some(l as u32) == self.logsource_position);
        if !in_logsource.is_empty() {
            return in_logsource;
        }
        fields_where(&|l| data.logsources[l].product == self.logsource.product)
    }

    /// The logsource's fields as completion ranks them for `field` once the
    /// rule's other tests are written: fields of the corpus rules sharing one
    /// of those tests first (in their tests or filters), then by use under
    /// the logsource (its product's, when the index lacks it); only fields
    /// SigmaHQ rules use there. Fields the rule tests stay (a filter often
    /// tests the selection's field again); tests on `field` do not pick the
    /// neighbours.
    pub fn fields_by_context(&self, field: &str) -> Vec<&'a str> {
        if self.logsource_position.is_none() && self.logsource.product.is_empty() {
            return Vec::new();
        }
        let data = self.data();
        let tables = self.index.tables();
        // Under a logsource the index lacks, its product's logsources stand in.
        let in_scope = |position: u32| match self.logsource_position {
            Some(own) => position == own,
            None => data.logsources[position as usize].product == self.logsource.product,
        };
        // Neighbour -> tests shared with the rule: closer rules vote louder.
        let mut neighbours: BTreeMap<u32, usize> = BTreeMap::new();
        for key in self.positive.iter().filter(|k| k.field != field) {
            for rule in self.indicator_rules(key) {
                if in_scope(data.rules[rule as usize].logsource.to_native()) {
                    *neighbours.entry(rule).or_default() += 1;
                }
            }
        }
        let mut votes: BTreeMap<u32, usize> = BTreeMap::new();
        for (rule, shared) in neighbours {
            // Filters name fields too (`ParentImage` in a process rule's filter).
            for f in tables.fields_of(data, rule) {
                *votes.entry(f).or_default() += shared;
            }
        }
        let sigma_fields = self.sigma_fields();
        let mut usage: BTreeMap<u32, u32> = BTreeMap::new();
        for (position, logsource) in data.logsources.iter().enumerate() {
            if in_scope(position as u32) {
                for count in logsource.fields.iter() {
                    *usage.entry(count.key.to_native()).or_default() += count.rules.to_native();
                }
            }
        }
        let mut ranked: Vec<(usize, u32, &'a str)> = usage
            .into_iter()
            .filter(|(key, _)| sigma_fields.contains(key))
            .map(|(key, rules)| {
                (
                    votes.get(&key).copied().unwrap_or(0),
                    rules,
                    data.fields[key as usize].name.as_str(),
                )
            })
            .collect();
        // Most votes, then most used; the stable sort keeps field order among ties.
        ranked.sort_by_key(|&(votes, rules, _)| std::cmp::Reverse((votes, rules)));
        ranked.into_iter().map(|(.., name)| name).collect()
    }

    /// Other rules under the rule's logsource making exclusion `position`.
    pub fn exclusion_rules_in_logsource(&self, position: u32) -> usize {
        let data = self.data();
        rule_logsources(data, Test::exclusion(data, position))
            .filter(|&(r, ls)| Some(ls) == self.logsource_position && !self.is_own(r))
            .count()
    }

    /// `title` (vendor, author) of a corpus rule, for messages.
    pub fn describe(&self, rule: u32) -> String {
        let data = self.data();
        let record = &data.rules[rule as usize];
        let vendor = &data.vendors[usize::from(record.vendor)];
        if record.author.is_empty() {
            format!("`{}` ({vendor})", record.title)
        } else {
            format!("`{}` ({vendor}, {})", record.title, record.author)
        }
    }
}

/// Weight of an exclusion going with the rule's tests in any logsource.
const COOCCURRENCE_WEIGHT: f64 = 0.1;
/// Weight of an exclusion's share of the logsource's rules.
const LOGSOURCE_WEIGHT: f64 = 1.0;
/// Weight of an exclusion on a field the rule selects on: such a filter
/// mostly narrows the selection, and authors more often filter on another
/// field (the process, the signature). In the 2025 split, halving it
/// improved six rules' top ten and worsened one; stronger cuts did no better.
const SELECTED_FIELD_WEIGHT: f64 = 0.5;

/// How much a similar rule counts: shared tests, more when it shares a technique.
pub fn similarity(similar: &Similar) -> f64 {
    let technique = if similar.shares_technique { 1.5 } else { 1.0 };
    similar.jaccard * technique
}

/// The normalized key of a stored exclusion.
pub fn exclusion_key(data: &ArchivedIndexData, position: u32) -> Option<IndicatorKey> {
    let row = &data.exclusions[position as usize];
    Some(IndicatorKey {
        field: data.fields[row.field.to_native() as usize].name.to_string(),
        op: op_from_code(row.op)?,
        value: row.value.to_string(),
    })
}

/// A normalized key as a Sigma field item (`Image|endswith: '\x.exe'`), when
/// Sigma can say it.
pub fn sigma_item(key: &IndicatorKey) -> Option<(String, String)> {
    let modifier = match key.op {
        Operator::Eq => "",
        Operator::Match => "|contains",
        Operator::StartsWith => "|startswith",
        Operator::EndsWith => "|endswith",
        Operator::RegexMatch => "|re",
        Operator::Cidr => "|cidr",
        Operator::IsNull => return Some((key.field.clone(), "null".into())),
        _ => return None,
    };
    let value = if key.op == Operator::RegexMatch {
        key.value.clone()
    } else {
        escape_sigma(&key.value)
    };
    Some((
        format!("{}{modifier}", key.field),
        crate::checks::util::single_quoted(&value),
    ))
}

/// A literal as a Sigma value: wildcards escaped, and a backslash doubled
/// where it would otherwise escape the character after it.
fn escape_sigma(literal: &str) -> String {
    let mut out = String::with_capacity(literal.len());
    let mut chars = literal.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '*' | '?' => {
                out.push('\\');
                out.push(c);
            }
            '\\' if matches!(chars.peek(), Some('*' | '?' | '\\')) => out.push_str("\\\\"),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rule::RuleFile;

    #[test]
    fn a_rule_without_a_condition_yet_ranks_fields_by_its_tests() {
        let rule = "\
logsource:
    category: process_creation
    product: windows
detection:
    selection:
        Image|endswith: '\\rundll32.exe'
        CommandLine|contains: 'javascript:'
";
        let index = Index::embedded().unwrap();
        let ranked = |text: &str| -> Vec<String> {
            let file = RuleFile::parse(text.to_string());
            let in_corpus = RuleInCorpus::new(index, &file.rules[0]);
            assert_eq!(in_corpus.positive.len(), 2);
            in_corpus
                .fields_by_context("")
                .into_iter()
                .map(str::to_string)
                .collect()
        };
        let written = ranked(&format!("{rule}    condition: selection\n"));
        assert_eq!(ranked(rule), written);
    }

    #[test]
    fn escapes_literals_for_sigma() {
        assert_eq!(escape_sigma(r"C:\Windows\*x?"), r"C:\Windows\\\*x\?");
        let key = IndicatorKey {
            field: "Image".into(),
            op: Operator::EndsWith,
            value: r"\it's.exe".into(),
        };
        assert_eq!(
            sigma_item(&key),
            Some(("Image|endswith".into(), r"'\it''s.exe'".into()))
        );
    }
}
