//! The Sigma rule model, built from the spanned YAML tree.
//!
//! The model is tolerant: a key of the wrong type is left out of the model
//! (checks read the YAML tree to report it), so every rule that parses as
//! YAML yields a model, however broken.

pub mod condition;
pub mod modifier;
mod parse;

pub use condition::{Condition, ConditionError, Ident, OfTarget, Quantifier};
pub use modifier::Modifier;

use crate::syntax::yaml::{self, Node, ScalarKind, YamlFile};
use crate::syntax::{LineIndex, TextRange};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spanned<T> {
    pub value: T,
    pub range: TextRange,
}

impl<T> Spanned<T> {
    pub fn new(value: T, range: TextRange) -> Self {
        Self { value, range }
    }
}

pub type SpannedStr = Spanned<String>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuleKind {
    /// A detection rule (`detection:`).
    Detection,
    /// A Sigma 2.x correlation rule (`correlation:`).
    Correlation,
    /// A Sigma 2.x filter rule (`filter:`).
    Filter,
    /// The `action: global` document of a multi-document rule: shared parts.
    Global,
}

/// One value in a detection item.
#[derive(Debug, Clone, PartialEq)]
pub struct Value {
    /// The scalar text; empty for non-scalars.
    pub text: String,
    pub kind: ValueKind,
    pub quoted: bool,
    pub range: TextRange,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ValueKind {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str,
    /// A mapping, nested list or alias where a value belongs.
    Invalid(&'static str),
}

/// A modifier as written: known, or the unknown name.
pub type ModifierRef = Spanned<Result<Modifier, String>>;

/// `Field|mod1|mod2: values` inside a selection.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldItem {
    /// The key as written, with its modifiers.
    pub key: SpannedStr,
    /// The field name (empty for a keyword item such as `'|contains': x`).
    pub field: SpannedStr,
    pub modifiers: Vec<ModifierRef>,
    pub values: Vec<Value>,
    /// The value was written as a YAML list.
    pub is_list: bool,
    pub value_range: TextRange,
}

impl FieldItem {
    pub fn has(&self, modifier: Modifier) -> bool {
        self.modifiers.iter().any(|m| m.value == Ok(modifier))
    }

    pub fn known_modifiers(&self) -> impl Iterator<Item = Modifier> + '_ {
        self.modifiers.iter().filter_map(|m| m.value.clone().ok())
    }

    pub fn range(&self) -> TextRange {
        self.key.range.cover(self.value_range)
    }
}

/// A map of field items, all of which must match.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldMap {
    pub items: Vec<FieldItem>,
    pub range: TextRange,
}

#[derive(Debug, Clone, PartialEq)]
pub enum SelectionBody {
    /// One map, or a list of maps (any of which may match).
    Maps { maps: Vec<FieldMap>, is_list: bool },
    /// Keyword search: a value or list of values matched anywhere.
    Keywords(Vec<Value>),
    /// Neither: an empty value, a number, ...; reported by checks.
    Invalid,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Selection {
    pub name: SpannedStr,
    pub body: SelectionBody,
    pub value_range: TextRange,
}

impl Selection {
    pub fn field_items(&self) -> impl Iterator<Item = &FieldItem> {
        let maps: &[FieldMap] = match &self.body {
            SelectionBody::Maps { maps, .. } => maps,
            _ => &[],
        };
        maps.iter().flat_map(|m| m.items.iter())
    }

    pub fn range(&self) -> TextRange {
        self.name.range.cover(self.value_range)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct ParsedCondition {
    pub text: SpannedStr,
    pub parsed: Result<Condition, ConditionError>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Detection {
    /// The range of the `detection:` (or `filter:`) value.
    pub range: TextRange,
    pub selections: Vec<Selection>,
    pub conditions: Vec<ParsedCondition>,
    pub timeframe: Option<SpannedStr>,
}

impl Detection {
    pub fn selection(&self, name: &str) -> Option<&Selection> {
        self.selections.iter().find(|s| s.name.value == name)
    }

    /// The conditions that parse; checks leave the others to SL501.
    pub fn parsed_conditions(&self) -> impl Iterator<Item = &Condition> {
        self.conditions
            .iter()
            .filter_map(|c| c.parsed.as_ref().ok())
    }

    /// The selections an identifier or `of` pattern refers to.
    pub fn matching(&self, pattern: &str) -> impl Iterator<Item = &Selection> {
        self.selections
            .iter()
            .filter(move |s| condition::pattern_matches(pattern, &s.name.value))
    }

    /// The selections an `x of` reads: `them` leaves out `_`-prefixed helper
    /// selections (Sigma spec).
    pub fn of_target(&self, target: &OfTarget) -> Vec<&Selection> {
        match target {
            OfTarget::Them => self
                .selections
                .iter()
                .filter(|s| !s.name.value.starts_with('_'))
                .collect(),
            OfTarget::Pattern(pattern) => self.matching(&pattern.name).collect(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct LogSource {
    pub category: Option<SpannedStr>,
    pub product: Option<SpannedStr>,
    pub service: Option<SpannedStr>,
    pub definition: Option<SpannedStr>,
    pub range: TextRange,
}

impl LogSource {
    /// `category/product/service`, with empty parts for missing keys.
    pub fn key(&self) -> String {
        let part =
            |s: &Option<SpannedStr>| s.as_ref().map_or(String::new(), |s| s.value.to_lowercase());
        format!(
            "{}/{}/{}",
            part(&self.category),
            part(&self.product),
            part(&self.service)
        )
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Related {
    pub id: Option<SpannedStr>,
    pub kind: Option<SpannedStr>,
    pub range: TextRange,
}

/// One rule: one YAML document of a rule file.
#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    pub kind: RuleKind,
    /// Which YAML document of the file this rule is.
    pub document: usize,
    pub range: TextRange,
    pub title: Option<SpannedStr>,
    pub id: Option<SpannedStr>,
    pub name: Option<SpannedStr>,
    pub status: Option<SpannedStr>,
    pub level: Option<SpannedStr>,
    pub description: Option<SpannedStr>,
    pub author: Option<SpannedStr>,
    pub date: Option<SpannedStr>,
    pub modified: Option<SpannedStr>,
    pub license: Option<SpannedStr>,
    pub tags: Vec<SpannedStr>,
    pub references: Vec<SpannedStr>,
    pub falsepositives: Vec<SpannedStr>,
    pub fields: Vec<SpannedStr>,
    pub related: Vec<Related>,
    pub logsource: Option<LogSource>,
    pub detection: Option<Detection>,
}

impl Rule {
    /// Every field item of every selection.
    pub fn field_items(&self) -> impl Iterator<Item = &FieldItem> {
        self.detection
            .iter()
            .flat_map(|d| d.selections.iter().flat_map(Selection::field_items))
    }

    /// The field items carrying `modifier`.
    pub fn items_with(&self, modifier: Modifier) -> impl Iterator<Item = &FieldItem> {
        self.field_items().filter(move |item| item.has(modifier))
    }
}

/// A parsed rule file: text, line index, YAML tree and rules.
#[derive(Debug, Clone)]
pub struct RuleFile {
    pub text: String,
    pub lines: LineIndex,
    pub yaml: YamlFile,
    pub rules: Vec<Rule>,
}

impl RuleFile {
    pub fn parse(text: impl Into<String>) -> RuleFile {
        let text = text.into();
        let lines = LineIndex::new(&text);
        let yaml = yaml::parse(&text, &lines);
        let rules = parse::rules(&text, &yaml);
        RuleFile {
            text,
            lines,
            yaml,
            rules,
        }
    }

    /// Does this look like a Sigma rule (a `detection`, `logsource`,
    /// `correlation` or `filter` key in some document)?
    pub fn is_sigma(&self) -> bool {
        self.yaml.documents.iter().any(|doc| {
            doc.root.as_ref().is_some_and(|root| {
                ["detection", "logsource", "correlation", "filter"]
                    .iter()
                    .any(|key| root.entry(key).is_some())
            })
        })
    }

    pub fn root(&self, rule: &Rule) -> Option<&Node> {
        self.yaml.documents.get(rule.document)?.root.as_ref()
    }
}

fn value_kind(kind: ScalarKind) -> ValueKind {
    match kind {
        ScalarKind::Null => ValueKind::Null,
        ScalarKind::Bool(b) => ValueKind::Bool(b),
        ScalarKind::Int(i) => ValueKind::Int(i),
        ScalarKind::Float(f) => ValueKind::Float(f),
        ScalarKind::Str => ValueKind::Str,
    }
}
