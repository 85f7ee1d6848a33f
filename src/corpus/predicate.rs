//! The vendor-neutral predicate every query-language extractor produces.
//!
//! Extractors report what a query checks, as written (vendor field names, raw
//! values); mapping fields to canonical names and folding values happens once,
//! in the index normalizer, so every vendor is treated alike.

/// One operator vocabulary for all vendors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Operator {
    /// Exact comparison (case handling is the normalizer's job).
    Eq,
    /// A value with `*`/`?` wildcards; the normalizer turns `*x*`, `x*`, `*x`
    /// into `Match`, `StartsWith` and `EndsWith`.
    Wildcard,
    /// Substring (`contains`, KQL `has`).
    Match,
    StartsWith,
    EndsWith,
    RegexMatch,
    Cidr,
    /// Field absent or empty.
    IsNull,
    /// Field present (`field : *`, `isnotempty()`, `is not null`).
    IsNotNull,
    Gt,
    Gte,
    Lt,
    Lte,
    /// The value names another field.
    FieldRef,
}

impl Operator {
    pub const fn as_str(self) -> &'static str {
        match self {
            Operator::Eq => "eq",
            Operator::Wildcard => "wildcard",
            Operator::Match => "match",
            Operator::StartsWith => "starts_with",
            Operator::EndsWith => "ends_with",
            Operator::RegexMatch => "regex_match",
            Operator::Cidr => "cidr",
            Operator::IsNull => "is_null",
            Operator::IsNotNull => "is_not_null",
            Operator::Gt => "gt",
            Operator::Gte => "gte",
            Operator::Lt => "lt",
            Operator::Lte => "lte",
            Operator::FieldRef => "fieldref",
        }
    }
}

/// Where a predicate sits in the query's logic.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Polarity {
    /// Must hold for the query to match (not under any negation).
    Positive,
    /// Inside a top-level negated conjunct (`... and not (...)`, `NOT x`,
    /// `!in`): a community exclusion.
    Exclusion,
    /// Under a negation that is not a top-level conjunct; counted nowhere.
    Nested,
}

/// One field test extracted from a query. A list test (`in (a, b)`) is one
/// predicate with several values, each value counting on its own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Predicate {
    /// The field as the vendor writes it (`process.name`, `Processes.process_name`).
    pub field: String,
    pub op: Operator,
    /// Values without quotes or escapes; empty for `IsNull`/`IsNotNull`.
    pub values: Vec<String>,
    pub polarity: Polarity,
    /// The data source of the sequence step the test sits in (`network` in
    /// EQL `[network where ...]`): a step may read another log than the
    /// rule's first one. `None` outside sequences.
    pub step_source: Option<String>,
}

/// What one extractor run yields for one query.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Extraction {
    pub predicates: Vec<Predicate>,
    /// Data-source hints that decide the logsource: EQL event categories
    /// (`process`), Splunk data models (`Endpoint.Processes`), KQL tables
    /// (`DeviceProcessEvents`), ES|QL index patterns.
    pub sources: Vec<String>,
    /// Constructs the extractor did not understand and skipped, by name
    /// (`"kql:mv-expand"`); counted by `sigmalens index stats`.
    pub skipped: Vec<String>,
}

/// Where a walk over a query's boolean tree stands; every extractor tracks
/// it the same way to decide a predicate's [`Polarity`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogicPosition {
    /// A conjunct of the whole query: a negation here is an exclusion.
    TopConjunct,
    /// Inside an `or` branch, not negated.
    Disjunct,
    /// Inside a negated top-level conjunct.
    Excluded,
    /// Under any other negation.
    Nested,
}

impl LogicPosition {
    pub fn negated(self) -> Self {
        match self {
            LogicPosition::TopConjunct => LogicPosition::Excluded,
            _ => LogicPosition::Nested,
        }
    }

    pub fn in_disjunction(self) -> Self {
        match self {
            LogicPosition::TopConjunct => LogicPosition::Disjunct,
            other => other,
        }
    }

    pub fn polarity(self) -> Polarity {
        match self {
            LogicPosition::TopConjunct | LogicPosition::Disjunct => Polarity::Positive,
            LogicPosition::Excluded => Polarity::Exclusion,
            LogicPosition::Nested => Polarity::Nested,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_top_level_negation_is_an_exclusion() {
        let top = LogicPosition::TopConjunct;
        assert_eq!(top.polarity(), Polarity::Positive);
        assert_eq!(top.negated().polarity(), Polarity::Exclusion);
        assert_eq!(top.negated().negated().polarity(), Polarity::Nested);
        assert_eq!(top.in_disjunction().polarity(), Polarity::Positive);
        assert_eq!(top.in_disjunction().negated().polarity(), Polarity::Nested);
        assert_eq!(
            top.negated().in_disjunction().polarity(),
            Polarity::Exclusion
        );
    }
}
