//! Per-rule views the archive does not store (it lists rules per test, not
//! tests per rule): computed once per loaded index, for the corpus checks.

use std::collections::HashMap;

use rkyv::rend::u32_le;

use super::model::ArchivedIndexData;
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
        for (position, indicator) in data.indicators.iter().enumerate() {
            for rule in indicator.rules.iter() {
                tables.indicators[rule.to_native() as usize].push(position as u32);
            }
            match indicator.rules.as_slice() {
                // Most tests are one rule's: skip the grouping.
                [rule] => {
                    let logsource = data.rules[rule.to_native() as usize].logsource;
                    tables.reach_by_logsource[logsource.to_native() as usize].push(1);
                }
                rules => {
                    for (logsource, rules) in per_logsource(data, rules) {
                        tables.reach_by_logsource[logsource as usize].push(rules);
                    }
                }
            }
        }
        for reaches in &mut tables.reach_by_logsource {
            reaches.sort_unstable();
        }
        for (position, exclusion) in data.exclusions.iter().enumerate() {
            let position = position as u32;
            for rule in exclusion.rules.iter() {
                tables.exclusions[rule.to_native() as usize].push(position);
            }
            for count in exclusion.per_indicator.iter() {
                tables.exclusions_by_indicator[count.key.to_native() as usize]
                    .push((position, count.rules.to_native()));
            }
            for (logsource, rules) in per_logsource(data, &exclusion.rules) {
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

/// `(logsource position, rules)` for a list of rule positions, by logsource.
pub fn per_logsource(data: &ArchivedIndexData, rules: &[u32_le]) -> Vec<(u32, u32)> {
    let mut logsources: Vec<u32> = rules
        .iter()
        .map(|r| data.rules[r.to_native() as usize].logsource.to_native())
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
