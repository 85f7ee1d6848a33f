//! The vendor-neutral rule record every corpus reader produces and the index
//! builder consumes.

use super::logsource_map::source_category;
use super::predicate::Predicate;

/// The corpora the index knows, in the order they are listed everywhere.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Vendor {
    Sigma,
    Elastic,
    Splunk,
    Sentinel,
}

impl Vendor {
    pub const ALL: [Vendor; 4] = [
        Vendor::Sigma,
        Vendor::Elastic,
        Vendor::Splunk,
        Vendor::Sentinel,
    ];

    /// The vendor's folder under the corpus root, also its name in the index.
    pub const fn as_str(self) -> &'static str {
        match self {
            Vendor::Sigma => "sigma",
            Vendor::Elastic => "elastic",
            Vendor::Splunk => "splunk",
            Vendor::Sentinel => "sentinel",
        }
    }

    pub fn parse(name: &str) -> Option<Vendor> {
        Vendor::ALL.into_iter().find(|v| v.as_str() == name)
    }

    /// The license the vendor's rules are published under, when a rule does
    /// not name its own.
    pub const fn default_license(self) -> &'static str {
        match self {
            Vendor::Sigma => "DRL-1.1",
            Vendor::Elastic => "Elastic-2.0",
            Vendor::Splunk => "Apache-2.0",
            Vendor::Sentinel => "MIT",
        }
    }
}

/// `category/product/service` of a rule; empty strings for missing parts.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LogSourceKey {
    pub category: String,
    pub product: String,
    pub service: String,
}

impl LogSourceKey {
    /// The key of a parsed rule's logsource (lower-cased, missing parts empty).
    pub fn of(logsource: Option<&crate::rule::LogSource>) -> LogSourceKey {
        let part = |value: Option<&crate::rule::SpannedStr>| {
            value.map_or(String::new(), |v| v.value.to_lowercase())
        };
        LogSourceKey {
            category: part(logsource.and_then(|l| l.category.as_ref())),
            product: part(logsource.and_then(|l| l.product.as_ref())),
            service: part(logsource.and_then(|l| l.service.as_ref())),
        }
    }

    /// `category/product/service`, lower-cased, empty parts kept.
    pub fn key(&self) -> String {
        format!("{}/{}/{}", self.category, self.product, self.service)
    }

    /// Parses `c/p/s` (fewer parts allowed: `process_creation`, `/windows`).
    pub fn parse(text: &str) -> LogSourceKey {
        let mut parts = text.split('/').map(|p| p.trim().to_ascii_lowercase());
        LogSourceKey {
            category: parts.next().unwrap_or_default(),
            product: parts.next().unwrap_or_default(),
            service: parts.next().unwrap_or_default(),
        }
    }

    /// Does `self` (a filter, empty parts match anything) select `other`?
    pub fn selects(&self, other: &LogSourceKey) -> bool {
        let part = |filter: &str, value: &str| filter.is_empty() || filter == value;
        part(&self.category, &other.category)
            && part(&self.product, &other.product)
            && part(&self.service, &other.service)
    }
}

/// One rule of one vendor corpus, reduced to what the index needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CorpusRule {
    pub vendor: Vendor,
    pub id: String,
    pub title: String,
    pub author: String,
    pub license: String,
    /// Relative to the corpus root: `sigma/rules/windows/.../x.yml`.
    pub path: String,
    /// `YYYY-MM-DD`, or empty when the rule has no (valid) date.
    pub date: String,
    pub level: String,
    pub status: String,
    /// ATT&CK technique ids as the rule writes them, upper-cased.
    pub techniques: Vec<String>,
    pub logsource: LogSourceKey,
    pub predicates: Vec<Predicate>,
    /// Keyword (field-less) values the rule searches for.
    pub keyword_values: usize,
    /// Constructs the reader skipped, by name (`"sigma:base64offset"`).
    pub skipped: Vec<String>,
    /// The rule has a detection or a query to extract from (`index stats`).
    pub has_query: bool,
}

impl CorpusRule {
    /// Field and polarity of each predicate, for the readers' tests.
    #[cfg(test)]
    pub fn field_polarities(&self) -> Vec<(&str, super::predicate::Polarity)> {
        self.predicates
            .iter()
            .map(|p| (p.field.as_str(), p.polarity))
            .collect()
    }

    /// The logsource a predicate is tested under: the category of its
    /// sequence step on the rule's product when the step names one (a
    /// `network` step of a `process` rule), else the rule's own.
    pub fn logsource_of(&self, predicate: &Predicate) -> LogSourceKey {
        match predicate.step_source.as_deref().and_then(source_category) {
            Some(category) => LogSourceKey {
                category: category.to_string(),
                product: self.logsource.product.clone(),
                service: String::new(),
            },
            None => self.logsource.clone(),
        }
    }

    /// An empty rule of `vendor` at `path`, under the vendor's license.
    pub fn new(vendor: Vendor, path: &str) -> CorpusRule {
        CorpusRule {
            vendor,
            id: String::new(),
            title: String::new(),
            author: String::new(),
            license: vendor.default_license().to_string(),
            path: path.to_string(),
            date: String::new(),
            level: String::new(),
            status: String::new(),
            techniques: Vec::new(),
            logsource: LogSourceKey::default(),
            predicates: Vec::new(),
            keyword_values: 0,
            skipped: Vec::new(),
            has_query: false,
        }
    }
}
