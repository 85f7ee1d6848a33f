//! Sigma rules -> [`CorpusRule`]s: metadata, and one predicate per field test
//! with its polarity taken from the condition.
//!
//! Values are reported as the rule writes them, minus Sigma's escapes: a value
//! with unescaped `*`/`?` wildcards becomes a [`Operator::Wildcard`] pattern
//! (escapes kept, so the normalizer can tell a literal `\*` from a wildcard),
//! every other value is a literal.

use std::collections::BTreeMap;
use std::io;
use std::path::Path;

use super::files::{collect_files, read_files};
use super::predicate::{Operator, Polarity, Predicate};
use super::rule::{CorpusRule, LogSourceKey, Vendor};
use crate::rule::{
    Condition, Detection, FieldItem, Modifier, Rule, RuleFile, RuleKind, SelectionBody, ValueKind,
};

/// The SigmaHQ folders that hold active rules (`deprecated/` is left out).
pub const RULE_FOLDERS: [&str; 5] = [
    "rules",
    "rules-emerging-threats",
    "rules-threat-hunting",
    "rules-placeholder",
    "rules-compliance",
];

/// Reads every active Sigma rule under `corpus_root/sigma`, sorted by path.
pub fn read_corpus(corpus_root: &Path) -> io::Result<Vec<CorpusRule>> {
    let vendor_root = corpus_root.join(Vendor::Sigma.as_str());
    let mut files = Vec::new();
    for folder in RULE_FOLDERS {
        let dir = vendor_root.join(folder);
        if dir.is_dir() {
            collect_files(&dir, &["yml", "yaml"], &mut files)?;
        }
    }
    files.sort();
    read_files(corpus_root, &files, read_file)
}

/// The detection and correlation rules of one file (`path` is relative to the
/// corpus root).
pub fn read_file(path: &str, text: &str) -> Vec<CorpusRule> {
    let file = RuleFile::parse(text);
    file.rules
        .iter()
        .filter(|rule| matches!(rule.kind, RuleKind::Detection | RuleKind::Correlation))
        .map(|rule| corpus_rule(path, rule))
        .collect()
}

/// One parsed rule as the index reads it (`path` relative to the corpus root).
pub fn corpus_rule(path: &str, rule: &Rule) -> CorpusRule {
    let text = |field: &Option<crate::rule::SpannedStr>| {
        field
            .as_ref()
            .map_or(String::new(), |s| s.value.trim().to_string())
    };
    let part = |field: &Option<crate::rule::SpannedStr>| text(field).to_ascii_lowercase();
    let logsource = rule
        .logsource
        .as_ref()
        .map(|ls| LogSourceKey {
            category: part(&ls.category),
            product: part(&ls.product),
            service: part(&ls.service),
        })
        .unwrap_or_default();
    let license = text(&rule.license);
    let mut corpus_rule = CorpusRule {
        id: text(&rule.id),
        title: text(&rule.title),
        author: text(&rule.author),
        date: normalize_date(&text(&rule.date)),
        level: part(&rule.level),
        status: part(&rule.status),
        techniques: rule
            .tags
            .iter()
            .filter_map(|tag| technique_tag(&tag.value))
            .collect(),
        logsource,
        has_query: rule.detection.is_some(),
        ..CorpusRule::new(Vendor::Sigma, path)
    };
    if !license.is_empty() {
        corpus_rule.license = license;
    }
    if let Some(detection) = &rule.detection {
        add_detection(detection, &mut corpus_rule);
    }
    corpus_rule
}

/// `2023/01/31` (older rules) and `2023-01-31` -> `2023-01-31`; anything else -> "".
pub(crate) fn normalize_date(date: &str) -> String {
    let date = date.replace('/', "-");
    let shape_ok = date.len() == 10
        && date.char_indices().all(|(i, c)| {
            if i == 4 || i == 7 {
                c == '-'
            } else {
                c.is_ascii_digit()
            }
        });
    if shape_ok { date } else { String::new() }
}

/// `attack.t1059.001` -> `T1059.001`.
fn technique_tag(tag: &str) -> Option<String> {
    technique_id(tag.strip_prefix("attack.")?)
}

/// `t1059.001` -> `T1059.001`; `None` for anything not shaped like a technique id.
pub(crate) fn technique_id(text: &str) -> Option<String> {
    let id = text.trim().to_ascii_uppercase();
    let (base, sub) = id.split_once('.').unwrap_or((&id, ""));
    let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    let valid =
        base.starts_with('T') && digits(&base[1..], 4) && (sub.is_empty() || digits(sub, 3));
    valid.then_some(id)
}

fn add_detection(detection: &Detection, rule: &mut CorpusRule) {
    let mut polarities: BTreeMap<&str, Vec<Polarity>> = BTreeMap::new();
    for condition in &detection.conditions {
        match &condition.parsed {
            Ok(parsed) => mark_conjuncts(parsed, detection, &mut |name, polarity| {
                let seen = polarities.entry(name).or_default();
                if !seen.contains(&polarity) {
                    seen.push(polarity);
                }
            }),
            Err(_) => rule.skipped.push("sigma:condition-error".into()),
        }
    }
    // A rule being written may have no condition yet: read it as the usual
    // one would (`1 of selection* and not 1 of filter*`), so the editor's
    // corpus view sees its tests before the condition line exists.
    if detection.conditions.is_empty() {
        for selection in &detection.selections {
            let name = selection.name.value.as_str();
            let polarity = if name.starts_with("filter") {
                Polarity::Exclusion
            } else {
                Polarity::Positive
            };
            polarities.insert(name, vec![polarity]);
        }
    }
    for selection in &detection.selections {
        let Some(selection_polarities) = polarities.get(selection.name.value.as_str()) else {
            continue;
        };
        for &polarity in selection_polarities {
            match &selection.body {
                SelectionBody::Keywords(values) => rule.keyword_values += values.len(),
                SelectionBody::Maps { .. } => {
                    for item in selection.field_items() {
                        if item.field.value.is_empty() {
                            rule.keyword_values += item.values.len();
                            continue;
                        }
                        match item_predicates(item, polarity) {
                            Ok(predicates) => rule.predicates.extend(predicates),
                            Err(skipped) => rule.skipped.push(skipped),
                        }
                    }
                }
                SelectionBody::Invalid => {}
            }
        }
    }
}

/// The predicates of one field item (`field|modifiers: values`); errs with
/// the name of what the index does not model.
pub fn item_predicates(item: &FieldItem, polarity: Polarity) -> Result<Vec<Predicate>, String> {
    let modifiers = item
        .modifiers
        .iter()
        .map(|m| m.value.clone())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|_| "sigma:unknown-modifier".to_string())?;
    let values: Vec<SigmaValue> = item
        .values
        .iter()
        .filter_map(|v| match v.kind {
            ValueKind::Null => Some(SigmaValue::Null),
            ValueKind::Invalid(_) => None,
            _ => Some(SigmaValue::Text(&v.text)),
        })
        .collect();
    field_predicates(&item.field.value, &modifiers, &values, polarity)
}

/// Top-level conjuncts: a negated one is an exclusion, the rest is positive.
fn mark_conjuncts<'a>(
    condition: &'a Condition,
    detection: &'a Detection,
    mark: &mut impl FnMut(&'a str, Polarity),
) {
    match condition {
        Condition::And(items, _) => items
            .iter()
            .for_each(|item| mark_conjuncts(item, detection, mark)),
        Condition::Not(inner, _) => mark_under(inner, Polarity::Exclusion, detection, mark),
        other => mark_under(other, Polarity::Positive, detection, mark),
    }
}

fn mark_under<'a>(
    condition: &'a Condition,
    polarity: Polarity,
    detection: &'a Detection,
    mark: &mut impl FnMut(&'a str, Polarity),
) {
    match condition {
        Condition::And(items, _) | Condition::Or(items, _) => items
            .iter()
            .for_each(|item| mark_under(item, polarity, detection, mark)),
        Condition::Not(inner, _) => mark_under(inner, Polarity::Nested, detection, mark),
        Condition::Ident(ident) => {
            if let Some(selection) = detection.selection(&ident.name) {
                mark(&selection.name.value, polarity);
            }
        }
        Condition::Of { target, .. } => {
            for selection in detection.of_target(target) {
                mark(&selection.name.value, polarity);
            }
        }
    }
}

/// A detection value: YAML `null` or a scalar's text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SigmaValue<'a> {
    Null,
    Text(&'a str),
}

/// The predicates of one `field|modifiers: values` item. Values with
/// different operators (a literal and a wildcard pattern) give one predicate
/// each; `|all` changes nothing because every value counts on its own anyway.
/// Errs with the name of a construct the index does not model (encodings,
/// placeholders, time parts), which would misstate the value.
pub fn field_predicates(
    field: &str,
    modifiers: &[Modifier],
    values: &[SigmaValue],
    polarity: Polarity,
) -> Result<Vec<Predicate>, String> {
    if let Some(unmodelled) = modifiers
        .iter()
        .find(|m| m.is_encoding() || m.is_time_part() || **m == Modifier::Expand)
    {
        return Err(format!("sigma:{}", unmodelled.name()));
    }
    let texts = || {
        values.iter().filter_map(|v| match v {
            SigmaValue::Text(t) => Some(t.to_string()),
            SigmaValue::Null => None,
        })
    };
    let predicate = |op, values| Predicate {
        field: field.to_string(),
        op,
        values,
        polarity,
        step_source: None,
    };
    let has = |m| modifiers.contains(&m);
    let fixed_op = [
        (Modifier::Re, Operator::RegexMatch),
        (Modifier::Cidr, Operator::Cidr),
        (Modifier::FieldRef, Operator::FieldRef),
        (Modifier::Gt, Operator::Gt),
        (Modifier::Gte, Operator::Gte),
        (Modifier::Lt, Operator::Lt),
        (Modifier::Lte, Operator::Lte),
    ]
    .into_iter()
    .find(|(m, _)| has(*m));
    if let Some((_, op)) = fixed_op {
        return Ok(vec![predicate(op, texts().collect())]);
    }
    if has(Modifier::Exists) {
        let exists = values
            .iter()
            .any(|v| matches!(v, SigmaValue::Text(t) if t.eq_ignore_ascii_case("true")));
        let op = if exists {
            Operator::IsNotNull
        } else {
            Operator::IsNull
        };
        return Ok(vec![predicate(op, Vec::new())]);
    }
    let (literal_op, prefix, suffix) = if has(Modifier::Contains) {
        (Operator::Match, "*", "*")
    } else if has(Modifier::StartsWith) {
        (Operator::StartsWith, "", "*")
    } else if has(Modifier::EndsWith) {
        (Operator::EndsWith, "*", "")
    } else {
        (Operator::Eq, "", "")
    };
    let mut by_op: BTreeMap<Operator, Vec<String>> = BTreeMap::new();
    for value in values {
        // IsNull carries no value; the others carry the literal or pattern.
        let (op, text) = match value {
            SigmaValue::Null => (Operator::IsNull, None),
            SigmaValue::Text(text) if has_wildcard(text) => {
                (Operator::Wildcard, Some(format!("{prefix}{text}{suffix}")))
            }
            SigmaValue::Text(text) => (literal_op, Some(unescape(text))),
        };
        by_op.entry(op).or_default().extend(text);
    }
    Ok(by_op
        .into_iter()
        .map(|(op, values)| predicate(op, values))
        .collect())
}

/// Sigma escapes (as pySigma reads them): `\` before `*`, `?` or `\` makes
/// that character literal; any other backslash is itself.
pub(crate) fn sigma_chars(text: &str) -> impl Iterator<Item = (char, bool)> + '_ {
    let mut chars = text.chars().peekable();
    std::iter::from_fn(move || {
        let c = chars.next()?;
        if c == '\\' && matches!(chars.peek(), Some('*' | '?' | '\\')) {
            return chars.next().map(|escaped| (escaped, true));
        }
        Some((c, false))
    })
}

/// Does the value hold an unescaped `*` or `?`?
pub fn has_wildcard(text: &str) -> bool {
    sigma_chars(text).any(|(c, escaped)| !escaped && matches!(c, '*' | '?'))
}

/// The literal text of a value without wildcards.
pub fn unescape(text: &str) -> String {
    sigma_chars(text).map(|(c, _)| c).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const RULE: &str = r"
title: Test
id: 11111111-0000-0000-0000-000000000001
author: Jane Doe
date: 2023/01/31
status: test
level: high
tags:
    - attack.t1090
    - attack.defense-evasion
    - attack.t1562.001
logsource:
    category: process_creation
    product: windows
detection:
    selection:
        Image|endswith: '\netsh.exe'
        CommandLine|contains|all:
            - 'interface'
            - 'port*proxy'
    sel_other:
        OriginalFileName: 'netsh.exe'
    filter_main:
        ParentImage: 'C:\Windows\explorer.exe'
    filter_opt:
        User|contains: 'SYSTEM'
    nested:
        Company: null
    keywords:
        - 'tunnel'
    condition: (selection or sel_other) and not 1 of filter_* and not (keywords and not nested)
";

    fn ops(rule: &CorpusRule, polarity: Polarity) -> Vec<(String, Operator, Vec<String>)> {
        rule.predicates
            .iter()
            .filter(|p| p.polarity == polarity)
            .map(|p| (p.field.clone(), p.op, p.values.clone()))
            .collect()
    }

    #[test]
    fn reads_metadata_and_polarities() {
        let rules = read_file("sigma/rules/x.yml", RULE);
        let [rule] = rules.as_slice() else { panic!() };
        assert_eq!(rule.date, "2023-01-31");
        assert_eq!(rule.techniques, ["T1090", "T1562.001"]);
        assert_eq!(rule.logsource.key(), "process_creation/windows/");
        assert_eq!(rule.license, "DRL-1.1");
        let s = |x: &str| x.to_string();
        assert_eq!(
            ops(rule, Polarity::Positive),
            [
                (s("Image"), Operator::EndsWith, vec![s("\\netsh.exe")]),
                (
                    s("CommandLine"),
                    Operator::Wildcard,
                    vec![s("*port*proxy*")]
                ),
                (s("CommandLine"), Operator::Match, vec![s("interface")]),
                (s("OriginalFileName"), Operator::Eq, vec![s("netsh.exe")]),
            ]
        );
        assert_eq!(
            ops(rule, Polarity::Exclusion),
            [
                (
                    s("ParentImage"),
                    Operator::Eq,
                    vec![s("C:\\Windows\\explorer.exe")]
                ),
                (s("User"), Operator::Match, vec![s("SYSTEM")]),
            ]
        );
        assert_eq!(
            ops(rule, Polarity::Nested),
            [(s("Company"), Operator::IsNull, vec![])]
        );
        assert_eq!(rule.keyword_values, 1);
    }

    #[test]
    fn a_rule_without_a_condition_reads_filters_as_exclusions() {
        let unfinished = RULE.replace(
            "    condition: (selection or sel_other) and not 1 of filter_* and not (keywords and not nested)\n",
            "",
        );
        let rules = read_file("sigma/rules/x.yml", &unfinished);
        let [rule] = rules.as_slice() else { panic!() };
        let fields = |polarity| -> Vec<String> {
            ops(rule, polarity)
                .into_iter()
                .map(|(field, ..)| field)
                .collect()
        };
        assert_eq!(
            fields(Polarity::Positive),
            [
                "Image",
                "CommandLine",
                "CommandLine",
                "OriginalFileName",
                "Company"
            ]
        );
        assert_eq!(fields(Polarity::Exclusion), ["ParentImage", "User"]);
        assert_eq!(rule.keyword_values, 1);
    }

    #[test]
    fn escapes_and_unmodelled_modifiers() {
        assert!(!has_wildcard(r"a\*b"));
        assert_eq!(unescape(r"a\*b\\c\d"), r"a*b\c\d");
        assert_eq!(
            field_predicates(
                "CommandLine",
                &[Modifier::Base64Offset],
                &[],
                Polarity::Positive
            ),
            Err("sigma:base64offset".to_string())
        );
    }
}
