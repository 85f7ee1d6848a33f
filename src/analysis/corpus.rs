//! The seam where the corpus index plugs into completion and hover.
//!
//! Analysis asks a [`CorpusSource`] for what the corpus knows about a
//! logsource's fields and values. Until the index is wired in, the server
//! uses [`NoCorpus`], which knows nothing: features then fall back to the
//! taxonomy and never show invented numbers.

use crate::rule::LogSource;

/// The logsource a question is about; lower-cased, missing parts empty.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct LogSourceKey {
    pub category: String,
    pub product: String,
    pub service: String,
}

impl LogSourceKey {
    pub fn of(logsource: Option<&LogSource>) -> LogSourceKey {
        let part = |value: Option<&crate::rule::SpannedStr>| {
            value.map_or(String::new(), |v| v.value.to_lowercase())
        };
        LogSourceKey {
            category: part(logsource.and_then(|l| l.category.as_ref())),
            product: part(logsource.and_then(|l| l.product.as_ref())),
            service: part(logsource.and_then(|l| l.service.as_ref())),
        }
    }
}

/// How often the corpus uses a field for a logsource.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldUsage {
    pub field: String,
    /// Corpus rules with this logsource that test the field.
    pub rules: u32,
}

/// A value seen for a field, and how far it reaches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValueReach {
    pub value: String,
    /// Corpus rules using the value for the field.
    pub rules: u32,
    /// Vendor query languages the value was seen in (e.g. `splunk`, `kql`).
    pub vendors: Vec<String>,
}

/// What the corpus index answers. Every method may return nothing: callers
/// treat an empty answer as "unknown", never as "zero".
pub trait CorpusSource: Send + Sync {
    /// Fields used with `logsource`, most used first.
    fn field_usage(&self, logsource: &LogSourceKey) -> Vec<FieldUsage>;

    /// Values used for `field` (without modifiers) with `logsource`, starting
    /// with `prefix` (case-insensitive), widest reach first.
    fn value_reach(&self, logsource: &LogSourceKey, field: &str, prefix: &str) -> Vec<ValueReach>;
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
            }]
        }

        fn value_reach(&self, _: &LogSourceKey, field: &str, prefix: &str) -> Vec<ValueReach> {
            let value = "\\powershell.exe";
            (field == "Image" && value.starts_with(prefix))
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
