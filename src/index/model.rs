//! The index data as stored: flat tables, sorted by key, that refer to each
//! other by position (`u32`), so the archive is small and read in place.
//!
//! Every `rules`/`rules: u32` is a count of distinct rules: a rule counts at
//! most once per row.

use rkyv::{Archive, Deserialize, Serialize};

use crate::corpus::predicate::Operator;

/// Stored operator codes: the position in this list.
pub const OPERATORS: [Operator; 14] = [
    Operator::Eq,
    Operator::Wildcard,
    Operator::Match,
    Operator::StartsWith,
    Operator::EndsWith,
    Operator::RegexMatch,
    Operator::Cidr,
    Operator::IsNull,
    Operator::IsNotNull,
    Operator::Gt,
    Operator::Gte,
    Operator::Lt,
    Operator::Lte,
    Operator::FieldRef,
];

pub fn op_code(op: Operator) -> u8 {
    OPERATORS
        .iter()
        .position(|&o| o == op)
        .expect("every operator has a code") as u8
}

pub fn op_from_code(code: u8) -> Option<Operator> {
    OPERATORS.get(usize::from(code)).copied()
}

#[derive(Debug, Clone, PartialEq, Default, Archive, Serialize, Deserialize)]
pub struct IndexData {
    /// Vendor names; `vendor` fields are positions in this list.
    pub vendors: Vec<String>,
    /// Sorted by vendor, then path.
    pub rules: Vec<RuleRecord>,
    /// Sorted by id.
    pub techniques: Vec<TechniqueRecord>,
    /// Sorted by `category/product/service`.
    pub logsources: Vec<LogSourceRecord>,
    /// Sorted by canonical name.
    pub fields: Vec<FieldRecord>,
    /// Sorted by (field, op, value): tests rules make positively.
    pub indicators: Vec<IndicatorRecord>,
    /// Sorted by (field, op, value): tests under a top-level negation.
    pub exclusions: Vec<ExclusionRecord>,
    /// Indicators made in a sequence step read elsewhere than the rule (few:
    /// kept apart so the other tests pay nothing); sorted.
    pub indicator_steps: Vec<StepLogSource>,
    /// As `indicator_steps`, for exclusions.
    pub exclusion_steps: Vec<StepLogSource>,
    pub stats: BuildStats,
}

/// A `(key, rules)` pair; what `key` points to depends on the list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Archive, Serialize, Deserialize)]
#[rkyv(derive(Clone, Copy))]
pub struct Count {
    pub key: u32,
    pub rules: u32,
}

#[derive(Debug, Clone, PartialEq, Default, Archive, Serialize, Deserialize)]
pub struct RuleRecord {
    pub vendor: u8,
    pub id: String,
    pub title: String,
    pub author: String,
    pub license: String,
    pub path: String,
    pub date: String,
    pub level: String,
    pub status: String,
    /// Positions in `techniques` (v19 ids); tactics come from those.
    pub techniques: Vec<u32>,
    /// The ids as the rule wrote them, when the v19 remapping changed any;
    /// empty otherwise.
    pub techniques_original: Vec<String>,
    /// Position in `logsources`.
    pub logsource: u32,
}

#[derive(Debug, Clone, PartialEq, Default, Archive, Serialize, Deserialize)]
pub struct TechniqueRecord {
    /// v19 id.
    pub id: String,
    /// Empty when ATT&CK does not know the id.
    pub name: String,
    pub tactics: Vec<String>,
    /// Positions in `rules`; everything else about the technique's rules
    /// (vendors, fields, tests, events) is derived from them when asked.
    pub rules: Vec<u32>,
}

#[derive(Debug, Clone, PartialEq, Default, Archive, Serialize, Deserialize)]
pub struct LogSourceRecord {
    pub category: String,
    pub product: String,
    pub service: String,
    pub rules: u32,
    /// Key: field position; most rules first.
    pub fields: Vec<Count>,
}

#[derive(Debug, Clone, PartialEq, Default, Archive, Serialize, Deserialize)]
pub struct AliasRecord {
    /// The alias table's vendor (`elastic`, `splunk_cim`, `mde`, ...).
    pub vendor: String,
    pub field: String,
    pub relation: String,
}

#[derive(Debug, Clone, PartialEq, Default, Archive, Serialize, Deserialize)]
pub struct FieldRecord {
    pub name: String,
    pub aliases: Vec<AliasRecord>,
    /// Rules testing the field, under any polarity.
    pub rules: u32,
    /// Key: logsource position.
    pub rules_per_logsource: Vec<Count>,
}

#[derive(Debug, Clone, PartialEq, Default, Archive, Serialize, Deserialize)]
pub struct IndicatorRecord {
    /// Position in `fields`.
    pub field: u32,
    pub op: u8,
    pub value: String,
    /// Positions in `rules`: the reach is its length; counts per vendor,
    /// technique or logsource are derived from these rules when asked.
    pub rules: Vec<u32>,
}

/// Rule `rule` makes test `test` (an indicator or exclusion position) under
/// `logsource` rather than its own: a sequence step's (`[network where
/// ...]`). A rule making it in several steps has one entry per logsource.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default, Archive, Serialize, Deserialize,
)]
#[rkyv(derive(Clone, Copy))]
pub struct StepLogSource {
    pub test: u32,
    /// Position in `rules`.
    pub rule: u32,
    /// Position in `logsources`.
    pub logsource: u32,
}

#[derive(Debug, Clone, PartialEq, Default, Archive, Serialize, Deserialize)]
pub struct ExclusionRecord {
    /// Position in `fields`.
    pub field: u32,
    pub op: u8,
    pub value: String,
    /// Positions in `rules`.
    pub rules: Vec<u32>,
    /// Key: indicator position: the positive tests of the same rules, most
    /// rules first, cut at [`TOP_COOCCURRING`].
    pub per_indicator: Vec<Count>,
}

/// How many co-occurring indicators an exclusion keeps.
pub const TOP_COOCCURRING: usize = 20;

#[derive(Debug, Clone, PartialEq, Default, Archive, Serialize, Deserialize)]
pub struct NamedCount {
    pub name: String,
    pub count: u32,
}

#[derive(Debug, Clone, PartialEq, Default, Archive, Serialize, Deserialize)]
pub struct BuildStats {
    /// Key: vendor position.
    pub rules_per_vendor: Vec<Count>,
    pub positive_tests: u32,
    pub exclusion_tests: u32,
    /// Tests under a nested negation: counted nowhere else.
    pub nested_tests: u32,
    pub keyword_values: u32,
    /// Constructs readers skipped, by name, with the number of rules.
    pub skipped: Vec<NamedCount>,
    /// One per vendor with rules, in vendor order.
    pub vendors: Vec<VendorStats>,
}

/// How well one vendor's rules were read.
#[derive(Debug, Clone, PartialEq, Default, Archive, Serialize, Deserialize)]
pub struct VendorStats {
    /// Vendor position.
    pub vendor: u32,
    pub rules: u32,
    /// Rules with a detection or query to extract from.
    pub with_query: u32,
    /// Rules yielding at least one positive indicator.
    pub with_indicator: u32,
    /// Constructs skipped, with the number of rules; most rules first.
    pub skipped: Vec<NamedCount>,
}
