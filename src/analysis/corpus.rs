//! The seam where the corpus index plugs into completion and hover.
//!
//! Analysis asks a [`CorpusSource`] for what the corpus knows about a
//! logsource's fields and values. The server plugs in the index adapter
//! (`crate::index::corpus_source`); [`NoCorpus`] knows nothing: features then
//! fall back to the taxonomy and never show invented numbers.

pub use crate::corpus::rule::LogSourceKey;
use crate::index::Index;
use crate::rule::Rule;

/// A name with the number of corpus rules behind it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleCount {
    pub name: String,
    pub rules: u32,
}

/// A vendor's name for a canonical field (`elastic`: `process.name`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldAlias {
    /// The alias table's vendor (`elastic`, `splunk_cim`, `mde`, ...).
    pub vendor: String,
    pub field: String,
}

/// How often the corpus uses a field for a logsource.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldUsage {
    pub field: String,
    /// Corpus rules with this logsource (or the fallback scope) that test the field.
    pub rules: u32,
    pub aliases: Vec<FieldAlias>,
}

impl FieldUsage {
    /// Aliases grouped per vendor, in table order, without repeats or the
    /// canonical name itself.
    pub fn aliases_by_vendor(&self) -> Vec<(&str, Vec<&str>)> {
        let mut groups: Vec<(&str, Vec<&str>)> = Vec::new();
        for alias in self.aliases.iter().filter(|a| a.field != self.field) {
            let group = match groups
                .iter()
                .position(|(vendor, _)| *vendor == alias.vendor)
            {
                Some(i) => &mut groups[i].1,
                None => {
                    groups.push((&alias.vendor, Vec::new()));
                    &mut groups.last_mut().expect("just pushed").1
                }
            };
            if !group.contains(&alias.field.as_str()) {
                group.push(&alias.field);
            }
        }
        groups
    }

    /// `vendor: a, b` per line, for documentation and hovers.
    pub fn aliases_markdown(&self) -> String {
        self.aliases_by_vendor()
            .iter()
            .map(|(vendor, fields)| {
                let fields: Vec<String> = fields.iter().map(|f| format!("`{f}`")).collect();
                format!("- {vendor}: {}\n", fields.join(", "))
            })
            .collect()
    }
}

/// A value seen for a field, and how far it reaches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValueReach {
    pub value: String,
    /// Corpus rules using the value for the field.
    pub rules: u32,
    /// Vendor corpora the value was seen in (e.g. `splunk`, `sentinel`).
    pub vendors: Vec<String>,
}

/// A corpus rule shown as an example; DRL 1.1 requires crediting its author.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleExample {
    pub title: String,
    pub vendor: String,
    pub author: String,
}

/// What the corpus knows about one field test (`Image|endswith: \x.exe`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValueInfo {
    /// The canonical test: field, operator and folded value.
    pub field: String,
    pub op: &'static str,
    pub value: String,
    /// Rules testing it, in the whole corpus.
    pub reach: u32,
    /// Rules testing it with the rule's logsource.
    pub in_logsource: u32,
    pub per_vendor: Vec<RuleCount>,
    /// Technique ids, most rules first.
    pub techniques: Vec<RuleCount>,
    /// The logsource's high-reach cut: tests used by more rules than this
    /// (the 95th percentile of reach within the logsource) are high reach.
    pub high_reach_above: u32,
    pub examples: Vec<RuleExample>,
}

impl ValueInfo {
    pub fn is_high_reach(&self) -> bool {
        self.in_logsource > self.high_reach_above
    }
}

/// What the corpus answers. Every method may return nothing: callers treat
/// an empty answer as "unknown", never as "zero". Only the two field
/// questions are required, so test doubles stay small.
pub trait CorpusSource: Send + Sync {
    /// Fields used with `logsource`, most used first; when the corpus has no
    /// rule for that logsource, those of its product, then of every rule.
    fn field_usage(&self, logsource: &LogSourceKey) -> Vec<FieldUsage>;

    /// Values tested by `field_spec` (`Image|endswith`: the modifiers pick
    /// the operator) with `logsource`, starting with `prefix`
    /// (case-insensitive), widest reach first.
    fn value_reach(
        &self,
        logsource: &LogSourceKey,
        field_spec: &str,
        prefix: &str,
    ) -> Vec<ValueReach>;

    /// The reach of one test, or `None` when the corpus never makes it.
    fn value_info(
        &self,
        _logsource: &LogSourceKey,
        _field_spec: &str,
        _value: &str,
    ) -> Option<ValueInfo> {
        None
    }

    /// Corpus rules per vendor for an ATT&CK technique id (any version).
    fn technique_rules(&self, _id: &str) -> Vec<RuleCount> {
        Vec::new()
    }

    /// Values of a logsource `part` (`category`, `product`, `service`) among
    /// corpus rules agreeing with the other parts of `within`, most used first.
    fn logsource_values(&self, _part: &str, _within: &LogSourceKey) -> Vec<RuleCount> {
        Vec::new()
    }

    /// Fields for the next test of `rule`, best first: those of corpus rules
    /// sharing its tests, then by use under its logsource (what `sigmalens
    /// eval` measures); empty when the corpus cannot say.
    fn fields_for_rule(&self, _rule: &Rule) -> Vec<String> {
        Vec::new()
    }

    /// The index behind the answers, for the corpus lint checks.
    fn index(&self) -> Option<&Index> {
        None
    }
}

/// No index loaded: every answer is empty.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoCorpus;

impl CorpusSource for NoCorpus {
    fn field_usage(&self, _: &LogSourceKey) -> Vec<FieldUsage> {
        Vec::new()
    }

    fn value_reach(&self, _: &LogSourceKey, _: &str, _: &str) -> Vec<ValueReach> {
        Vec::new()
    }
}

#[cfg(test)]
pub(crate) mod fake {
    //! A corpus with fixed answers, to test that analysis uses the seam.

    use super::*;

    pub struct FixedCorpus;

    impl CorpusSource for FixedCorpus {
        fn field_usage(&self, _: &LogSourceKey) -> Vec<FieldUsage> {
            vec![FieldUsage {
                field: "CommandLine".into(),
                rules: 1200,
                aliases: Vec::new(),
            }]
        }

        fn value_reach(&self, _: &LogSourceKey, field: &str, prefix: &str) -> Vec<ValueReach> {
            let value = "\\powershell.exe";
            (field.starts_with("Image") && value.starts_with(prefix))
                .then(|| ValueReach {
                    value: value.into(),
                    rules: 340,
                    vendors: vec!["splunk".into(), "kql".into()],
                })
                .into_iter()
                .collect()
        }
    }
}
