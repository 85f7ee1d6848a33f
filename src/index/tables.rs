//! Per-rule views the archive does not store (it lists rules per test, not
//! tests per rule): computed once per loaded index, for the corpus checks.

use std::collections::HashMap;
use std::ops::Range;

use rkyv::rend::u32_le;

use super::model::{ArchivedIndexData, ArchivedStepLogSource};
use crate::corpus::rule::Vendor;

#[derive(Debug, Default)]
pub struct RuleTables {
    /// Per rule position: its positive tests (positions in `indicators`), sorted.
    pub indicators: Vec<Vec<u32>>,
    /// Per rule position: its exclusions (positions in `exclusions`), sorted.
    pub exclusions: Vec<Vec<u32>>,
    /// Rule positions by rule id (a rule converted by several vendors shares none).
    pub by_id: HashMap<String, Vec<u32>>,
    /// Per logsource position: the reach there of every test seen there, ascending.
    pub reach_by_logsource: Vec<Vec<u32>>,
    /// Indicator -> (exclusion, rules using both), so scoring exclusions for
    /// a rule visits only those that ever go with its tests.
    pub exclusions_by_indicator: Vec<Vec<(u32, u32)>>,
    /// Logsource -> (exclusion, rules of that logsource excluding it).
    pub exclusions_by_logsource: Vec<Vec<(u32, u32)>>,
    /// Logsource -> the fields SigmaHQ rules test there (positively or in a
    /// filter), sorted: the fields a Sigma author can be offered.
    pub sigma_fields_by_logsource: Vec<Vec<u32>>,
}

impl RuleTables {
    pub fn new(data: &ArchivedIndexData) -> RuleTables {
        let rules = data.rules.len();
        let mut tables = RuleTables {
            indicators: vec![Vec::new(); rules],
            exclusions: vec![Vec::new(); rules],
            by_id: HashMap::new(),
            reach_by_logsource: vec![Vec::new(); data.logsources.len()],
            exclusions_by_indicator: vec![Vec::new(); data.indicators.len()],
            exclusions_by_logsource: vec![Vec::new(); data.logsources.len()],
            sigma_fields_by_logsource: vec![Vec::new(); data.logsources.len()],
        };
        for (position, test) in Test::range(data, TestKind::Indicator, 0..data.indicators.len()) {
            for rule in test.rules {
                tables.indicators[rule.to_native() as usize].push(position as u32);
            }
            match test.rules {
                // Most tests are one rule's, made under its logsource: skip the grouping.
                [rule] if test.steps.is_empty() => {
                    let logsource = data.rules[rule.to_native() as usize].logsource;
                    tables.reach_by_logsource[logsource.to_native() as usize].push(1);
                }
                _ => {
                    for (logsource, rules) in per_logsource(data, test) {
                        tables.reach_by_logsource[logsource as usize].push(rules);
                    }
                }
            }
        }
        for reaches in &mut tables.reach_by_logsource {
            reaches.sort_unstable();
        }
        for (position, test) in Test::range(data, TestKind::Exclusion, 0..data.exclusions.len()) {
            let exclusion = &data.exclusions[position];
            let position = position as u32;
            for rule in test.rules {
                tables.exclusions[rule.to_native() as usize].push(position);
            }
            for count in exclusion.per_indicator.iter() {
                tables.exclusions_by_indicator[count.key.to_native() as usize]
                    .push((position, count.rules.to_native()));
            }
            for (logsource, rules) in per_logsource(data, test) {
                tables.exclusions_by_logsource[logsource as usize].push((position, rules));
            }
        }
        let sigma = data
            .vendors
            .iter()
            .position(|v| v == Vendor::Sigma.as_str());
        for (position, rule) in data.rules.iter().enumerate() {
            if sigma == Some(usize::from(rule.vendor)) {
                let fields = tables.fields_of(data, position as u32);
                tables.sigma_fields_by_logsource[rule.logsource.to_native() as usize]
                    .extend(fields);
            }
            if !rule.id.is_empty() {
                tables
                    .by_id
                    .entry(rule.id.to_lowercase())
                    .or_default()
                    .push(position as u32);
            }
        }
        for fields in &mut tables.sigma_fields_by_logsource {
            fields.sort_unstable();
            fields.dedup();
        }
        tables
    }
}

impl RuleTables {
    /// The fields rule `rule` tests, positively or in a filter, sorted.
    pub fn fields_of(&self, data: &ArchivedIndexData, rule: u32) -> Vec<u32> {
        let positive = self.indicators[rule as usize]
            .iter()
            .map(|&i| data.indicators[i as usize].field.to_native());
        let excluded = self.exclusions[rule as usize]
            .iter()
            .map(|&e| data.exclusions[e as usize].field.to_native());
        let mut fields: Vec<u32> = positive.chain(excluded).collect();
        fields.sort_unstable();
        fields.dedup();
        fields
    }
}

/// A stored indicator or exclusion: the rules making it, and those making it
/// in a sequence step read elsewhere than the rule.
#[derive(Clone, Copy)]
pub struct Test<'a> {
    rules: &'a [u32_le],
    /// Sorted by rule.
    steps: &'a [ArchivedStepLogSource],
}

impl<'a> Test<'a> {
    pub fn indicator(data: &'a ArchivedIndexData, position: u32) -> Test<'a> {
        Test {
            rules: &data.indicators[position as usize].rules,
            steps: steps_of(&data.indicator_steps, position),
        }
    }

    pub fn exclusion(data: &'a ArchivedIndexData, position: u32) -> Test<'a> {
        Test {
            rules: &data.exclusions[position as usize].rules,
            steps: steps_of(&data.exclusion_steps, position),
        }
    }
}

/// Which stored tests: positive ones (`indicators`) or `exclusions`.
#[derive(Clone, Copy)]
pub enum TestKind {
    Indicator,
    Exclusion,
}

impl<'a> Test<'a> {
    /// The tests of `kind` at `positions`, in order, their step rows found
    /// in one walk (a field's hover reads thousands).
    pub fn range(
        data: &'a ArchivedIndexData,
        kind: TestKind,
        positions: Range<usize>,
    ) -> impl Iterator<Item = (usize, Test<'a>)> + 'a {
        let steps = match kind {
            TestKind::Indicator => &data.indicator_steps,
            TestKind::Exclusion => &data.exclusion_steps,
        };
        tests_in(steps, positions, move |position| match kind {
            TestKind::Indicator => &data.indicators[position].rules,
            TestKind::Exclusion => &data.exclusions[position].rules,
        })
    }
}

fn tests_in<'a>(
    steps: &'a [ArchivedStepLogSource],
    positions: Range<usize>,
    rules_of: impl Fn(usize) -> &'a [u32_le] + 'a,
) -> impl Iterator<Item = (usize, Test<'a>)> + 'a {
    let mut rest =
        &steps[steps.partition_point(|s| (s.test.to_native() as usize) < positions.start)..];
    positions.map(move |position| {
        let own = rest
            .iter()
            .take_while(|s| s.test.to_native() as usize == position)
            .count();
        let (steps, after) = rest.split_at(own);
        rest = after;
        let test = Test {
            rules: rules_of(position),
            steps,
        };
        (position, test)
    })
}

/// The entries of `test` in a sorted step list.
fn steps_of(steps: &[ArchivedStepLogSource], test: u32) -> &[ArchivedStepLogSource] {
    let start = steps.partition_point(|s| s.test.to_native() < test);
    let end = start + steps[start..].partition_point(|s| s.test.to_native() == test);
    &steps[start..end]
}

/// `(rule, logsource)` positions for every rule making `test`: once per
/// sequence step logsource it is made under, else under the rule's own.
/// Grouped by rule, in rule order.
pub fn rule_logsources<'a>(
    data: &'a ArchivedIndexData,
    test: Test<'a>,
) -> impl Iterator<Item = (u32, u32)> + 'a {
    let steps = test.steps;
    test.rules.iter().flat_map(move |r| {
        let rule = r.to_native();
        let start = steps.partition_point(|s| s.rule.to_native() < rule);
        let end = start + steps[start..].partition_point(|s| s.rule.to_native() == rule);
        let own = data.rules[rule as usize].logsource.to_native();
        steps[start..end]
            .iter()
            .map(|s| s.logsource.to_native())
            .chain((start == end).then_some(own))
            .map(move |logsource| (rule, logsource))
    })
}

/// The distinct rules making `test` under a logsource in `scope` (by
/// logsource position), in rule order. Lazily: hovering a field counts
/// thousands of tests.
pub fn rules_in_scope<'a>(
    data: &'a ArchivedIndexData,
    test: Test<'a>,
    scope: &'a [bool],
) -> impl Iterator<Item = u32> + 'a {
    // A rule's logsources come together: skip its repeats.
    let mut last = None;
    rule_logsources(data, test)
        .filter(move |&(_, logsource)| scope[logsource as usize])
        .map(|(rule, _)| rule)
        .filter(move |&rule| last.replace(rule) != Some(rule))
}

/// `(logsource position, rules)` for the rules making `test`, by logsource.
pub fn per_logsource(data: &ArchivedIndexData, test: Test) -> Vec<(u32, u32)> {
    let mut logsources: Vec<u32> = rule_logsources(data, test)
        .map(|(_, logsource)| logsource)
        .collect();
    logsources.sort_unstable();
    let mut counts: Vec<(u32, u32)> = Vec::new();
    for logsource in logsources {
        match counts.last_mut() {
            Some((last, rules)) if *last == logsource => *rules += 1,
            _ => counts.push((logsource, 1)),
        }
    }
    counts
}
