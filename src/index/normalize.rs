//! One meaning, one key: vendor fields -> canonical Sigma fields, values
//! folded so that equal tests from different rules and vendors meet in one
//! indicator. The rules are documented in `corpus-index/README.md`.

use std::collections::HashMap;
use std::sync::LazyLock;

use serde::Deserialize;

use crate::corpus::predicate::{Operator, Predicate};
use crate::corpus::rule::{LogSourceKey, Vendor};
use crate::reference::ATTACK;
use crate::rule::condition::pattern_matches;

const ALIASES_JSON: &str = include_str!("../../corpus-index/reference/field-aliases.json");

/// A normalized field test: the unit the index counts.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct IndicatorKey {
    pub field: String,
    pub op: Operator,
    /// Folded value; empty for `IsNull`/`IsNotNull`.
    pub value: String,
}

/// How a vendor field relates to its canonical field (the alias table's `relation`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Relation {
    Same,
    /// File name only: `process.name` for `Image`.
    Basename,
    /// Tokenised argv: `process.args` for `CommandLine`.
    Array,
    KeyOnly,
    Approx,
}

impl Relation {
    pub const fn as_str(self) -> &'static str {
        match self {
            Relation::Same => "same",
            Relation::Basename => "basename",
            Relation::Array => "array",
            Relation::KeyOnly => "key_only",
            Relation::Approx => "approx",
        }
    }

    /// Only these relations keep the value's meaning once rewritten; a
    /// `key_only` or `approx` field stays under its own name.
    fn folds(self) -> bool {
        matches!(self, Relation::Same | Relation::Basename | Relation::Array)
    }
}

#[derive(Debug, Deserialize)]
struct AliasFile {
    fields: Vec<FieldEntry>,
}

#[derive(Debug, Deserialize)]
struct FieldEntry {
    canonical: String,
    #[serde(default)]
    categories: Vec<String>,
    aliases: Vec<AliasEntry>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct AliasEntry {
    /// The alias table's vendor (`elastic`, `splunk_cim`, `mde`, ...).
    pub vendor: String,
    pub field: String,
    pub relation: Relation,
    #[serde(default)]
    pub categories: Vec<String>,
}

/// The corpus an alias-table vendor's fields appear in.
fn corpus_vendor(alias_vendor: &str) -> Option<Vendor> {
    match alias_vendor {
        "sigma" | "windows_security" => Some(Vendor::Sigma),
        "elastic" => Some(Vendor::Elastic),
        "splunk_cim" | "splunk_short" | "splunk_raw" => Some(Vendor::Splunk),
        "mde" | "sentinel_securityevent" | "sentinel_asim" | "sentinel" => Some(Vendor::Sentinel),
        _ => None,
    }
}

struct Candidate {
    canonical: usize,
    alias: usize,
}

/// The alias table, indexed for lookups.
pub struct Normalizer {
    entries: Vec<FieldEntry>,
    /// (vendor, lower-cased field) -> every canonical field it may stand for.
    by_alias: HashMap<(Vendor, String), Vec<Candidate>>,
    /// Lower-cased canonical name -> its spelling.
    canonical: HashMap<String, usize>,
}

pub static NORMALIZER: LazyLock<Normalizer> = LazyLock::new(|| {
    let file: AliasFile =
        serde_json::from_str(ALIASES_JSON).expect("embedded alias table is valid");
    let mut by_alias: HashMap<(Vendor, String), Vec<Candidate>> = HashMap::new();
    let mut canonical = HashMap::new();
    for (canonical_index, entry) in file.fields.iter().enumerate() {
        canonical.insert(entry.canonical.to_ascii_lowercase(), canonical_index);
        for (alias_index, alias) in entry.aliases.iter().enumerate() {
            if let Some(vendor) = corpus_vendor(&alias.vendor) {
                by_alias
                    .entry((vendor, alias.field.to_ascii_lowercase()))
                    .or_default()
                    .push(Candidate {
                        canonical: canonical_index,
                        alias: alias_index,
                    });
            }
        }
    }
    Normalizer {
        entries: file.fields,
        by_alias,
        canonical,
    }
});

/// Fields whose values are command lines, where flag prefixes fold.
const COMMAND_LINE_FIELDS: [&str; 2] = ["CommandLine", "ParentCommandLine"];

impl Normalizer {
    /// The aliases of a canonical field, as `(alias-table vendor, field, relation)`.
    pub fn aliases(&self, canonical: &str) -> &[AliasEntry] {
        self.canonical
            .get(&canonical.to_ascii_lowercase())
            .map_or(&[], |&i| &self.entries[i].aliases)
    }

    /// The canonical field a vendor field stands for under a logsource, and
    /// how its values relate. Unknown fields are their own canonical field.
    pub fn canonical_field(
        &self,
        vendor: Vendor,
        field: &str,
        logsource: &LogSourceKey,
    ) -> (String, Relation) {
        let lower = field.to_ascii_lowercase();
        if vendor == Vendor::Sigma
            && let Some(&i) = self.canonical.get(&lower)
        {
            return (self.entries[i].canonical.clone(), Relation::Same);
        }
        let best = self
            .by_alias
            .get(&(vendor, lower))
            .into_iter()
            .flatten()
            .filter_map(|candidate| {
                let entry = &self.entries[candidate.canonical];
                let alias = &entry.aliases[candidate.alias];
                let alias_fit = category_fit(&alias.categories, logsource)?;
                let entry_fit = category_fit(&entry.categories, logsource).is_some();
                // Best fit first, then the relation that keeps most meaning.
                let rank = (std::cmp::Reverse((alias_fit, entry_fit)), alias.relation);
                Some((rank, candidate.canonical, alias.relation))
            })
            .min_by(|a, b| a.0.cmp(&b.0).then(a.1.cmp(&b.1)));
        match best {
            Some((_, canonical, relation)) if relation.folds() => {
                (self.entries[canonical].canonical.clone(), relation)
            }
            _ => (field.to_string(), Relation::Same),
        }
    }

    /// One key per value of a predicate.
    pub fn keys(
        &self,
        vendor: Vendor,
        logsource: &LogSourceKey,
        predicate: &Predicate,
    ) -> Vec<IndicatorKey> {
        let (field, relation) = self.canonical_field(vendor, &predicate.field, logsource);
        if predicate.values.is_empty() {
            return vec![IndicatorKey {
                field,
                op: predicate.op,
                value: String::new(),
            }];
        }
        predicate
            .values
            .iter()
            .map(|value| {
                let (op, value) = shape_wildcard(predicate.op, value);
                let (op, value) = apply_relation(relation, op, value, logsource);
                let value = fold_value(&field, op, value);
                IndicatorKey {
                    field: field.clone(),
                    op,
                    value,
                }
            })
            .collect()
    }
}

/// `None` when the categories exclude the logsource, `Some(true)` when they
/// name it, `Some(false)` when they say nothing.
fn category_fit(categories: &[String], logsource: &LogSourceKey) -> Option<bool> {
    if categories.is_empty() || logsource.category.is_empty() {
        return Some(false);
    }
    let named = categories.iter().any(|c| {
        c != "*"
            && (pattern_matches(c, &logsource.category)
                || c == &logsource.service
                || c == &logsource.product)
    });
    if named {
        Some(true)
    } else if categories.iter().any(|c| c == "*") {
        Some(false)
    } else {
        None
    }
}

/// `*x*`, `x*`, `*x` wildcard patterns -> `Match`, `StartsWith`, `EndsWith`
/// with the literal `x`; a lone `*` -> `IsNotNull`; other patterns stay.
fn shape_wildcard(op: Operator, value: &str) -> (Operator, String) {
    use crate::corpus::sigma::{has_wildcard, sigma_chars, unescape};
    if op != Operator::Wildcard {
        return (op, value.to_string());
    }
    if value.chars().all(|c| c == '*') {
        return (Operator::IsNotNull, String::new());
    }
    let leading = value.starts_with('*');
    let trailing = sigma_chars(value).last() == Some(('*', false));
    let inner_start = usize::from(leading);
    let inner_end = value.len() - usize::from(trailing);
    let inner = value
        .get(inner_start..inner_end.max(inner_start))
        .unwrap_or("");
    if inner.is_empty() || has_wildcard(inner) {
        return (op, value.to_string());
    }
    let shaped = match (leading, trailing) {
        (true, true) => Operator::Match,
        (false, true) => Operator::StartsWith,
        (true, false) => Operator::EndsWith,
        (false, false) => Operator::Eq,
    };
    (shaped, unescape(inner))
}

/// Rewrites a basename or argv alias test as the canonical field's test:
/// `process.name == x` is `Image|endswith '\x'`, `process.args == x` is
/// `CommandLine|contains x`. Tests that have no such rewrite keep their shape.
fn apply_relation(
    relation: Relation,
    op: Operator,
    value: String,
    logsource: &LogSourceKey,
) -> (Operator, String) {
    match (relation, op) {
        (Relation::Basename, Operator::Eq) => {
            let separator = if matches!(logsource.product.as_str(), "linux" | "macos") {
                '/'
            } else {
                '\\'
            };
            (Operator::EndsWith, format!("{separator}{value}"))
        }
        (Relation::Array, Operator::Eq) => (Operator::Match, value),
        _ => (op, value),
    }
}

/// Case-folds (regexes keep their case: it is part of the pattern) and folds
/// Windows flag prefixes on command lines.
fn fold_value(field: &str, op: Operator, value: String) -> String {
    if op == Operator::RegexMatch {
        return value;
    }
    let value = value.to_lowercase();
    if COMMAND_LINE_FIELDS.contains(&field) {
        fold_flag_prefix(&value)
    } else {
        value
    }
}

/// `|windash` folding: a value that is one flag (`/c`, `–enc`, ` /s `) is
/// keyed with a `-` prefix, so `-c`, `/c` and the dash variants meet. Paths
/// (`/tmp/x`) are left alone: a flag has no further `/` or `\`.
fn fold_flag_prefix(value: &str) -> String {
    let body = value.trim_start_matches(' ');
    let mut chars = body.chars();
    let (Some(first), Some(second)) = (chars.next(), chars.next()) else {
        return value.to_string();
    };
    let is_dash = matches!(first, '/' | '\u{2013}' | '\u{2014}' | '\u{2015}');
    let rest = &body[first.len_utf8()..];
    if is_dash && second.is_ascii_alphabetic() && !rest.contains(['/', '\\']) {
        let indent = &value[..value.len() - body.len()];
        format!("{indent}-{rest}")
    } else {
        value.to_string()
    }
}

/// A technique id after the ATT&CK v19 remapping.
pub fn technique(id: &str) -> String {
    ATTACK.normalize(id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::predicate::Polarity;

    fn key(vendor: Vendor, category: &str, field: &str, op: Operator, value: &str) -> IndicatorKey {
        let logsource = LogSourceKey::parse(&format!("{category}/windows"));
        let predicate = Predicate {
            field: field.into(),
            op,
            values: vec![value.into()],
            polarity: Polarity::Positive,
            step_source: None,
        };
        NORMALIZER.keys(vendor, &logsource, &predicate).remove(0)
    }

    fn expected(field: &str, op: Operator, value: &str) -> IndicatorKey {
        IndicatorKey {
            field: field.into(),
            op,
            value: value.into(),
        }
    }

    #[test]
    fn basename_aliases_meet_sigma_endswith() {
        let sigma = key(
            Vendor::Sigma,
            "process_creation",
            "Image",
            Operator::EndsWith,
            "\\NetSh.exe",
        );
        let elastic = key(
            Vendor::Elastic,
            "process_creation",
            "process.name",
            Operator::Eq,
            "netsh.exe",
        );
        assert_eq!(sigma, expected("Image", Operator::EndsWith, "\\netsh.exe"));
        assert_eq!(elastic, sigma);
        // A full path is a different test: it names one location.
        let full = key(
            Vendor::Sigma,
            "process_creation",
            "Image",
            Operator::Eq,
            "C:\\Windows\\netsh.exe",
        );
        assert_ne!(full, sigma);
    }

    #[test]
    fn wildcards_take_their_shape() {
        let shaped = |v| shape_wildcard(Operator::Wildcard, v);
        assert_eq!(shaped("*abc*"), (Operator::Match, "abc".into()));
        assert_eq!(shaped("abc*"), (Operator::StartsWith, "abc".into()));
        assert_eq!(shaped("*abc"), (Operator::EndsWith, "abc".into()));
        assert_eq!(shaped("*"), (Operator::IsNotNull, String::new()));
        assert_eq!(shaped("*a*c*"), (Operator::Wildcard, "*a*c*".into()));
        assert_eq!(shaped("*a?c"), (Operator::Wildcard, "*a?c".into()));
        assert_eq!(shaped(r"*ab\*"), (Operator::EndsWith, "ab*".into()));
    }

    #[test]
    fn flags_fold_on_command_lines_only() {
        assert_eq!(fold_flag_prefix(" /c "), " -c ");
        assert_eq!(fold_flag_prefix("\u{2013}enc"), "-enc");
        assert_eq!(fold_flag_prefix("/tmp/x"), "/tmp/x");
        let sigma = key(
            Vendor::Sigma,
            "process_creation",
            "CommandLine",
            Operator::Match,
            "/ENC",
        );
        assert_eq!(sigma, expected("CommandLine", Operator::Match, "-enc"));
        let path = key(
            Vendor::Sigma,
            "file_event",
            "TargetFilename",
            Operator::Match,
            "/Enc",
        );
        assert_eq!(path.value, "/enc");
    }

    #[test]
    fn sigma_field_case_and_sigma_aliases() {
        let lower = key(
            Vendor::Sigma,
            "process_creation",
            "commandline",
            Operator::Eq,
            "x",
        );
        assert_eq!(lower.field, "CommandLine");
        let query = key(Vendor::Sigma, "dns", "query", Operator::Eq, "x");
        assert_eq!(query.field, "QueryName");
        assert_eq!(technique("T1562.001"), "T1685");
    }
}
