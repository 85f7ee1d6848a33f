//! Questions asked of an index: pure functions over the archived data that
//! return plain, serializable answers (rendering is `render.rs`'s job).

use serde::Serialize;

use super::events::events;
use super::model::*;
use super::normalize::{IndicatorKey, NORMALIZER, technique};
use super::store::{FORMAT_VERSION, Index};
use super::tables::{Test, TestKind, rule_logsources, rules_in_scope};
use crate::corpus::predicate::{Operator, Polarity};
use crate::corpus::rule::{LogSourceKey, Vendor};
use crate::corpus::sigma::{SigmaValue, field_predicates};
use crate::reference::ATTACK;
use crate::rule::Modifier;

/// How many rows a list in an answer keeps.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub rows: usize,
    pub rules: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            rows: 15,
            rules: 50,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NameCount {
    pub name: String,
    pub rules: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RuleRef {
    pub vendor: String,
    pub id: String,
    pub title: String,
    pub author: String,
    pub path: String,
    pub date: String,
    pub level: String,
    pub status: String,
    pub logsource: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IndicatorRow {
    pub field: String,
    pub op: &'static str,
    pub value: String,
    /// Rules of the question's scope (a technique, a field) with this test.
    pub rules: u32,
    /// Rules with this test in the whole corpus.
    pub reach: u32,
    pub per_vendor: Vec<NameCount>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EventRow {
    pub logsource: String,
    pub provider: String,
    pub event_id: String,
    pub rules: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TechniqueGuide {
    /// The v19 id the question was answered for.
    pub id: String,
    /// The id as asked, when the v19 remapping changed it.
    pub asked: Option<String>,
    pub name: String,
    pub tactics: Vec<String>,
    pub rules_total: u32,
    pub per_vendor: Vec<NameCount>,
    pub events: Vec<EventRow>,
    pub fields: Vec<NameCount>,
    pub indicators: Vec<IndicatorRow>,
    pub exclusions: Vec<IndicatorRow>,
    pub rules: Vec<RuleRef>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reach {
    /// The canonical test the question normalized to.
    pub field: String,
    pub op: &'static str,
    pub value: String,
    pub logsource: Option<String>,
    /// Distinct rules testing it positively (within the logsource filter).
    pub reach: u32,
    /// Distinct rules excluding it (`and not ...`).
    pub as_exclusion: u32,
    pub per_vendor: Vec<NameCount>,
    pub per_technique: Vec<NameCount>,
    pub per_logsource: Vec<NameCount>,
    pub rules: Vec<RuleRef>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AliasRow {
    pub vendor: String,
    pub field: String,
    pub relation: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldUsage {
    pub field: String,
    pub logsource: Option<String>,
    pub aliases: Vec<AliasRow>,
    /// Rules testing the field (within the logsource filter, per logsource).
    pub rules: u32,
    pub per_logsource: Vec<NameCount>,
    /// Corpus-wide: rules using each operator on the field.
    pub operators: Vec<NameCount>,
    pub top_indicators: Vec<IndicatorRow>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Stats {
    pub format_version: u32,
    pub rules_per_vendor: Vec<NameCount>,
    pub techniques: usize,
    pub logsources: usize,
    pub fields: usize,
    pub indicators: usize,
    pub exclusions: usize,
    pub positive_tests: u32,
    pub exclusion_tests: u32,
    pub nested_tests: u32,
    pub keyword_values: u32,
    pub skipped: Vec<NameCount>,
    pub vendors: Vec<VendorStatsRow>,
    pub top_logsources: Vec<NameCount>,
    pub top_fields: Vec<NameCount>,
}

/// How well one vendor's rules were read (`index stats`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VendorStatsRow {
    pub vendor: String,
    pub rules: u32,
    pub with_query: u32,
    pub with_indicator: u32,
    /// Rules with a logsource (any of category, product or service).
    pub with_logsource: u32,
    /// Skipped constructs, most rules first, cut at the row limit.
    pub skipped: Vec<NameCount>,
}

fn logsource_name(data: &ArchivedIndexData, position: u32) -> String {
    let ls = &data.logsources[position as usize];
    format!("{}/{}/{}", ls.category, ls.product, ls.service)
}

pub fn logsource_key(data: &ArchivedIndexData, position: u32) -> LogSourceKey {
    let ls = &data.logsources[position as usize];
    LogSourceKey {
        category: ls.category.to_string(),
        product: ls.product.to_string(),
        service: ls.service.to_string(),
    }
}

fn rule_ref(data: &ArchivedIndexData, position: u32) -> RuleRef {
    let rule = &data.rules[position as usize];
    RuleRef {
        vendor: data.vendors[usize::from(rule.vendor)].to_string(),
        id: rule.id.to_string(),
        title: rule.title.to_string(),
        author: rule.author.to_string(),
        path: rule.path.to_string(),
        date: rule.date.to_string(),
        level: rule.level.to_string(),
        status: rule.status.to_string(),
        logsource: logsource_name(data, rule.logsource.to_native()),
    }
}

fn most_rules_first(rows: &mut [NameCount]) {
    rows.sort_by(|a, b| b.rules.cmp(&a.rules).then_with(|| a.name.cmp(&b.name)));
}

/// Named counts from stored counts, most rules first.
fn named(counts: &[ArchivedCount], name: impl Fn(u32) -> String) -> Vec<NameCount> {
    let mut rows: Vec<NameCount> = counts
        .iter()
        .map(|c| NameCount {
            name: name(c.key.to_native()),
            rules: c.rules.to_native(),
        })
        .collect();
    most_rules_first(&mut rows);
    rows
}

/// Counts rules per name, most rules first.
fn count_names(names: impl IntoIterator<Item = String>) -> Vec<NameCount> {
    let mut counts = std::collections::BTreeMap::<String, u32>::new();
    for name in names {
        *counts.entry(name).or_default() += 1;
    }
    let mut rows: Vec<NameCount> = counts
        .into_iter()
        .map(|(name, rules)| NameCount { name, rules })
        .collect();
    most_rules_first(&mut rows);
    rows
}

fn op_name(code: u8) -> &'static str {
    op_from_code(code).map_or("?", |op| op.as_str())
}

/// Rules per vendor, most rules first.
fn per_vendor(data: &ArchivedIndexData, rules: &[u32]) -> Vec<NameCount> {
    count_names(
        rules
            .iter()
            .map(|&r| data.vendors[usize::from(data.rules[r as usize].vendor)].to_string()),
    )
}

fn natives(rules: &[rkyv::rend::u32_le]) -> Vec<u32> {
    rules.iter().map(|r| r.to_native()).collect()
}

fn indicator_row(
    data: &ArchivedIndexData,
    (field, op, value): (u32, u8, &str),
    rules: &[rkyv::rend::u32_le],
    scoped_rules: u32,
) -> IndicatorRow {
    IndicatorRow {
        field: data.fields[field as usize].name.to_string(),
        op: op_name(op),
        value: value.to_string(),
        rules: scoped_rules,
        reach: rules.len() as u32,
        per_vendor: per_vendor(data, &natives(rules)),
    }
}

fn positive_row(data: &ArchivedIndexData, position: u32, scoped_rules: u32) -> IndicatorRow {
    let i = &data.indicators[position as usize];
    indicator_row(
        data,
        (i.field.to_native(), i.op, &i.value),
        &i.rules,
        scoped_rules,
    )
}

fn exclusion_row(data: &ArchivedIndexData, position: u32, scoped_rules: u32) -> IndicatorRow {
    let e = &data.exclusions[position as usize];
    indicator_row(
        data,
        (e.field.to_native(), e.op, &e.value),
        &e.rules,
        scoped_rules,
    )
}

/// Counts per key over rules, most rules first (ties by key), cut at `rows`.
fn top_counts(rules: &[u32], keys_of: impl Fn(u32) -> Vec<u32>, rows: usize) -> Vec<(u32, u32)> {
    let mut counts: std::collections::HashMap<u32, u32> = std::collections::HashMap::new();
    for &rule in rules {
        for key in keys_of(rule) {
            *counts.entry(key).or_default() += 1;
        }
    }
    let mut counts: Vec<(u32, u32)> = counts.into_iter().collect();
    counts.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    counts.truncate(rows);
    counts
}

/// The rules of a technique and of its sub-techniques, sorted.
fn technique_rules(data: &ArchivedIndexData, v19: &str) -> Option<Vec<u32>> {
    let first = data.techniques.partition_point(|t| t.id.as_str() < v19);
    let sub_prefix = format!("{v19}.");
    let family: Vec<&ArchivedTechniqueRecord> = data.techniques[first..]
        .iter()
        .take_while(|t| t.id == v19 || t.id.starts_with(sub_prefix.as_str()))
        .collect();
    if family.is_empty() {
        return None;
    }
    let mut rules: Vec<u32> = family.iter().flat_map(|t| natives(&t.rules)).collect();
    rules.sort_unstable();
    rules.dedup();
    Some(rules)
}

/// The Windows events the rules read, with how many rules read each.
fn events_read(index: &Index, rules: &[u32]) -> Vec<EventRow> {
    let data = index.data();
    let tables = index.tables();
    let mut counts: std::collections::BTreeMap<(u32, String, String), u32> = Default::default();
    for &r in rules {
        let logsource = data.rules[r as usize].logsource.to_native();
        let event_ids: Vec<String> = tables.indicators[r as usize]
            .iter()
            .map(|&i| &data.indicators[i as usize])
            .filter(|i| {
                data.fields[i.field.to_native() as usize].name == "EventID"
                    && op_from_code(i.op) == Some(Operator::Eq)
            })
            .map(|i| i.value.to_string())
            .collect();
        let found: std::collections::BTreeSet<(String, String)> =
            events(&logsource_key(data, logsource), &event_ids)
                .into_iter()
                .collect();
        for (provider, event_id) in found {
            *counts.entry((logsource, provider, event_id)).or_default() += 1;
        }
    }
    counts
        .into_iter()
        .map(|((logsource, provider, event_id), rules)| EventRow {
            logsource: logsource_name(data, logsource),
            provider,
            event_id,
            rules,
        })
        .collect()
}

/// The detection guide for one technique (any ATT&CK version's id), its
/// sub-techniques' rules included.
pub fn technique_guide(index: &Index, id: &str, limits: Limits) -> Option<TechniqueGuide> {
    let data = index.data();
    let v19 = technique(id);
    let rules = technique_rules(data, &v19)?;
    let tables = index.tables();
    let tests = |r: u32| tables.indicators[r as usize].clone();
    let exclusions = |r: u32| tables.exclusions[r as usize].clone();
    let fields = |r: u32| tables.fields_of(data, r);
    let name = |field: u32| data.fields[field as usize].name.to_string();
    Some(TechniqueGuide {
        asked: (v19 != id.to_ascii_uppercase()).then(|| id.to_string()),
        name: technique_name(&v19).unwrap_or_default(),
        tactics: ATTACK
            .technique(&v19)
            .map(|t| t.tactics.clone())
            .unwrap_or_default(),
        id: v19,
        rules_total: rules.len() as u32,
        per_vendor: per_vendor(data, &rules),
        events: events_read(index, &rules),
        fields: top_counts(&rules, fields, limits.rows)
            .into_iter()
            .map(|(field, rules)| NameCount {
                name: name(field),
                rules,
            })
            .collect(),
        indicators: top_counts(&rules, tests, limits.rows)
            .into_iter()
            .map(|(i, scoped)| positive_row(data, i, scoped))
            .collect(),
        exclusions: top_counts(&rules, exclusions, limits.rows)
            .into_iter()
            .map(|(e, scoped)| exclusion_row(data, e, scoped))
            .collect(),
        rules: rules
            .iter()
            .take(limits.rules)
            .map(|&r| rule_ref(data, r))
            .collect(),
    })
}

/// Rules per vendor for a technique and its sub-techniques (tag hovers).
pub fn technique_rules_per_vendor(data: &ArchivedIndexData, id: &str) -> Vec<NameCount> {
    technique_rules(data, &technique(id))
        .map(|rules| per_vendor(data, &rules))
        .unwrap_or_default()
}

/// `Image|endswith` + `\netsh.exe` -> the canonical key, as a Sigma rule
/// with that item would be indexed.
pub fn parse_indicator(
    field_spec: &str,
    value: &str,
    logsource: Option<&LogSourceKey>,
) -> Result<IndicatorKey, String> {
    let mut parts = field_spec.split('|');
    let field = parts.next().unwrap_or_default();
    if field.is_empty() {
        return Err("give a field name: FIELD|MODIFIERS VALUE".into());
    }
    let modifiers = parts
        .map(|name| Modifier::parse(name).ok_or_else(|| format!("unknown modifier `{name}`")))
        .collect::<Result<Vec<_>, _>>()?;
    let predicates = field_predicates(
        field,
        &modifiers,
        &[SigmaValue::Text(value)],
        Polarity::Positive,
    )
    .map_err(|skipped| format!("the index does not model `{skipped}`"))?;
    let predicate = predicates.first().ok_or("no test to look up")?;
    let logsource = logsource.cloned().unwrap_or_default();
    NORMALIZER
        .keys(Vendor::Sigma, &logsource, predicate)
        .into_iter()
        .next()
        .ok_or_else(|| "no test to look up".into())
}

pub fn field_position(data: &ArchivedIndexData, name: &str) -> Option<u32> {
    let exact = data.fields.binary_search_by(|f| f.name.as_str().cmp(name));
    let found = exact.ok().or_else(|| {
        data.fields
            .iter()
            .position(|f| f.name.eq_ignore_ascii_case(name))
    })?;
    Some(found as u32)
}

/// The position of a positive test in `indicators`.
pub fn indicator_position(data: &ArchivedIndexData, key: &IndicatorKey) -> Option<u32> {
    let field = field_position(data, &key.field)?;
    find_key(
        &data.indicators,
        |i| (i.field.to_native(), i.op, i.value.as_str()),
        field,
        key,
    )
    .map(|i| i as u32)
}

/// The position of a test in `exclusions`.
pub fn exclusion_position(data: &ArchivedIndexData, key: &IndicatorKey) -> Option<u32> {
    let field = field_position(data, &key.field)?;
    find_key(
        &data.exclusions,
        |e| (e.field.to_native(), e.op, e.value.as_str()),
        field,
        key,
    )
    .map(|i| i as u32)
}

/// Finds a key among indicators or exclusions (both sorted by field, op, value).
pub(crate) fn find_key<T>(
    rows: &[T],
    parts: impl Fn(&T) -> (u32, u8, &str),
    field: u32,
    key: &IndicatorKey,
) -> Option<usize> {
    let op = op_code(key.op);
    rows.binary_search_by(|row| parts(row).cmp(&(field, op, key.value.as_str())))
        .ok()
}

/// Which logsources (by position) the filter selects; all without one.
/// Computed once per query: a field's hover reads thousands of tests.
pub fn scope(data: &ArchivedIndexData, filter: Option<&LogSourceKey>) -> Vec<bool> {
    (0..data.logsources.len() as u32)
        .map(|ls| filter.is_none_or(|f| f.selects(&logsource_key(data, ls))))
        .collect()
}

/// `(rule, logsource)` positions of the rules making `test` under a
/// logsource in scope (a sequence rule once per step's logsource).
fn in_scope<'a>(
    data: &'a ArchivedIndexData,
    test: Test<'a>,
    scope: &'a [bool],
) -> impl Iterator<Item = (u32, u32)> + 'a {
    rule_logsources(data, test).filter(move |&(_, ls)| scope[ls as usize])
}

/// How many rules test `FIELD|MODIFIERS VALUE`, and which.
pub fn reach(
    data: &ArchivedIndexData,
    field_spec: &str,
    value: &str,
    logsource: Option<&LogSourceKey>,
    limits: Limits,
) -> Result<Reach, String> {
    let key = parse_indicator(field_spec, value, logsource)?;
    let field = field_position(data, &key.field);
    let scope = scope(data, logsource);
    let indicator = field.and_then(|f| {
        find_key(
            &data.indicators,
            |i| (i.field.to_native(), i.op, i.value.as_str()),
            f,
            &key,
        )
    });
    let positive: Vec<u32> = indicator.map_or_else(Vec::new, |i| {
        rules_in_scope(data, Test::indicator(data, i as u32), &scope).collect()
    });
    let as_exclusion = field
        .and_then(|f| {
            find_key(
                &data.exclusions,
                |e| (e.field.to_native(), e.op, e.value.as_str()),
                f,
                &key,
            )
        })
        .map_or(0, |e| {
            rules_in_scope(data, Test::exclusion(data, e as u32), &scope).count()
        });
    let rule = |r: &u32| &data.rules[*r as usize];
    Ok(Reach {
        op: key.op.as_str(),
        logsource: logsource.map(LogSourceKey::key),
        reach: positive.len() as u32,
        as_exclusion: as_exclusion as u32,
        per_vendor: per_vendor(data, &positive),
        per_technique: count_names(positive.iter().flat_map(|r| {
            rule(r)
                .techniques
                .iter()
                .map(|t| data.techniques[t.to_native() as usize].id.to_string())
        })),
        per_logsource: count_names(indicator.into_iter().flat_map(|i| {
            in_scope(data, Test::indicator(data, i as u32), &scope)
                .map(|(_, ls)| logsource_name(data, ls))
        })),
        rules: positive
            .iter()
            .take(limits.rules)
            .map(|&r| rule_ref(data, r))
            .collect(),
        field: key.field,
        value: key.value,
    })
}

/// The positions of a field's rows in `indicators` or `exclusions` (both
/// sorted by field first).
fn field_rows<T>(rows: &[T], field_of: impl Fn(&T) -> u32, field: u32) -> std::ops::Range<usize> {
    rows.partition_point(|r| field_of(r) < field)..rows.partition_point(|r| field_of(r) <= field)
}

/// How a field is used, optionally under one logsource filter.
pub fn field_usage(
    data: &ArchivedIndexData,
    name: &str,
    logsource: Option<&LogSourceKey>,
    limits: Limits,
) -> Option<FieldUsage> {
    let position = field_position(data, name)?;
    let field = &data.fields[position as usize];
    let scope = scope(data, logsource);
    let per_logsource: Vec<ArchivedCount> = field
        .rules_per_logsource
        .iter()
        .filter(|c| scope[c.key.to_native() as usize])
        .copied()
        .collect();
    let indicators = field_rows(&data.indicators, |i| i.field.to_native(), position);
    let exclusions = field_rows(&data.exclusions, |e| e.field.to_native(), position);
    let mut top: Vec<IndicatorRow> = Test::range(data, TestKind::Indicator, indicators.clone())
        .map(|(i, test)| {
            let scoped = rules_in_scope(data, test, &scope).count();
            positive_row(data, i as u32, scoped as u32)
        })
        .filter(|row| row.rules > 0)
        .collect();
    top.sort_by(|a, b| {
        (b.rules, b.reach)
            .cmp(&(a.rules, a.reach))
            .then_with(|| (a.op, &a.value).cmp(&(b.op, &b.value)))
    });
    top.truncate(limits.rows);
    // Distinct rules per operator, within the filter.
    let mut rules_per_op: std::collections::BTreeMap<u8, std::collections::BTreeSet<u32>> =
        Default::default();
    let tests = Test::range(data, TestKind::Indicator, indicators)
        .map(|(i, test)| (data.indicators[i].op, test))
        .chain(
            Test::range(data, TestKind::Exclusion, exclusions)
                .map(|(e, test)| (data.exclusions[e].op, test)),
        );
    for (op, test) in tests {
        rules_per_op
            .entry(op)
            .or_default()
            .extend(rules_in_scope(data, test, &scope));
    }
    let mut operators: Vec<NameCount> = rules_per_op
        .into_iter()
        .filter(|(_, rules)| !rules.is_empty())
        .map(|(op, rules)| NameCount {
            name: op_name(op).to_string(),
            rules: rules.len() as u32,
        })
        .collect();
    most_rules_first(&mut operators);
    Some(FieldUsage {
        field: field.name.to_string(),
        logsource: logsource.map(LogSourceKey::key),
        aliases: field
            .aliases
            .iter()
            .map(|a| AliasRow {
                vendor: a.vendor.to_string(),
                field: a.field.to_string(),
                relation: a.relation.to_string(),
            })
            .collect(),
        // Unfiltered, the distinct rules: a sequence testing the field in
        // two steps counts under each step's logsource.
        rules: match logsource {
            None => field.rules.to_native(),
            Some(_) => per_logsource.iter().map(|c| c.rules.to_native()).sum(),
        },
        per_logsource: named(&per_logsource, |ls| logsource_name(data, ls)),
        operators,
        top_indicators: top,
    })
}

pub fn stats(data: &ArchivedIndexData, limits: Limits) -> Stats {
    let s = &data.stats;
    let mut top_logsources: Vec<NameCount> = (0..data.logsources.len() as u32)
        .map(|ls| NameCount {
            name: logsource_name(data, ls),
            rules: data.logsources[ls as usize].rules.to_native(),
        })
        .collect();
    most_rules_first(&mut top_logsources);
    top_logsources.truncate(limits.rows);
    let mut top_fields: Vec<NameCount> = data
        .fields
        .iter()
        .map(|f| NameCount {
            name: f.name.to_string(),
            rules: f.rules.to_native(),
        })
        .collect();
    most_rules_first(&mut top_fields);
    top_fields.truncate(limits.rows);
    Stats {
        format_version: FORMAT_VERSION,
        rules_per_vendor: named(&s.rules_per_vendor, |v| {
            data.vendors[v as usize].to_string()
        }),
        techniques: data.techniques.len(),
        logsources: data.logsources.len(),
        fields: data.fields.len(),
        indicators: data.indicators.len(),
        exclusions: data.exclusions.len(),
        positive_tests: s.positive_tests.to_native(),
        exclusion_tests: s.exclusion_tests.to_native(),
        nested_tests: s.nested_tests.to_native(),
        keyword_values: s.keyword_values.to_native(),
        skipped: s.skipped.iter().map(name_count).collect(),
        vendors: s
            .vendors
            .iter()
            .map(|v| VendorStatsRow {
                vendor: data.vendors[v.vendor.to_native() as usize].to_string(),
                rules: v.rules.to_native(),
                with_query: v.with_query.to_native(),
                with_indicator: v.with_indicator.to_native(),
                with_logsource: rules_with_logsource(data, v.vendor.to_native()),
                skipped: v.skipped.iter().take(limits.rows).map(name_count).collect(),
            })
            .collect(),
        top_logsources,
        top_fields,
    }
}

/// The vendor's rules whose logsource is not `//`; derived from the rules
/// so the stored format stays as it is.
fn rules_with_logsource(data: &ArchivedIndexData, vendor: u32) -> u32 {
    let has_logsource = |position: u32| {
        let ls = &data.logsources[position as usize];
        !(ls.category.is_empty() && ls.product.is_empty() && ls.service.is_empty())
    };
    data.rules
        .iter()
        .filter(|r| u32::from(r.vendor) == vendor && has_logsource(r.logsource.to_native()))
        .count() as u32
}

fn name_count(n: &ArchivedNamedCount) -> NameCount {
    NameCount {
        name: n.name.to_string(),
        rules: n.count.to_native(),
    }
}

/// A technique's display name, also for ids the index has no rules for.
pub fn technique_name(id: &str) -> Option<String> {
    ATTACK.technique(&technique(id)).map(|t| t.name.clone())
}
