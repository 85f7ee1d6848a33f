//! Completion: keys, values, tags, modifiers, fields and condition words for
//! the place the cursor is in.

use std::collections::BTreeSet;

use super::context::{CursorContext, Place, cursor_context};
use super::corpus::{CorpusSource, LogSourceKey};
use super::{rule_at, snippet};
use crate::reference::{ATTACK, TAXONOMY};
use crate::rule::{Modifier, Rule, RuleFile, SelectionBody, modifier::MODIFIERS};
use crate::syntax::TextRange;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompletionKind {
    Key,
    Value,
    Keyword,
    Modifier,
    Field,
    Selection,
    Snippet,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Completion {
    pub label: String,
    pub kind: CompletionKind,
    pub detail: Option<String>,
    /// Markdown.
    pub documentation: Option<String>,
    /// Replaces `replace`; LSP snippet syntax when `is_snippet`.
    pub insert: String,
    pub is_snippet: bool,
    pub replace: TextRange,
    /// Orders items ahead of the client's own ranking (corpus usage first).
    pub sort_text: Option<String>,
    /// What the client matches the typed word against, when not the label
    /// (a vendor's name for the field).
    pub filter_text: Option<String>,
}

impl Completion {
    fn new(label: impl Into<String>, kind: CompletionKind, replace: TextRange) -> Completion {
        let label = label.into();
        Completion {
            insert: label.clone(),
            label,
            kind,
            detail: None,
            documentation: None,
            is_snippet: false,
            replace,
            sort_text: None,
            filter_text: None,
        }
    }

    fn detail(mut self, detail: impl Into<String>) -> Completion {
        self.detail = Some(detail.into());
        self
    }

    fn doc(mut self, documentation: impl Into<String>) -> Completion {
        self.documentation = Some(documentation.into());
        self
    }

    fn insert(mut self, insert: impl Into<String>) -> Completion {
        self.insert = insert.into();
        self
    }
}

/// Top-level keys with what they hold, in the order SigmaHQ writes them.
const TOP_LEVEL_KEYS: &[(&str, &str)] = &[
    (
        "title",
        "A short capitalised title of what the rule detects.",
    ),
    ("id", "A UUID (v4) identifying the rule."),
    (
        "related",
        "Rules this one derives from, obsoletes, merges or renames.",
    ),
    ("name", "A unique name that correlation rules refer to."),
    (
        "status",
        "stable, test, experimental, deprecated or unsupported.",
    ),
    ("description", "What the rule detects and why it matters."),
    ("references", "URLs of the sources behind the rule."),
    ("author", "Who wrote the rule."),
    ("date", "Creation date, `YYYY-MM-DD`."),
    ("modified", "Date of the last change, `YYYY-MM-DD`."),
    (
        "tags",
        "ATT&CK tactics and techniques, CVEs, detection types.",
    ),
    ("logsource", "The log data the rule applies to."),
    ("detection", "Selections and the condition combining them."),
    ("fields", "Fields worth showing to an analyst."),
    ("falsepositives", "Known benign causes of matches."),
    ("level", "informational, low, medium, high or critical."),
    ("license", "The rule's license."),
];

/// Keys whose value is a mapping or list: they are completed with a line break.
const BLOCK_KEYS: &[&str] = &[
    "related",
    "references",
    "tags",
    "logsource",
    "detection",
    "fields",
    "falsepositives",
];

const STATUS_VALUES: &[(&str, &str)] = &[
    (
        "stable",
        "Tested in several environments; few false positives.",
    ),
    ("test", "Ready for testing in more environments."),
    (
        "experimental",
        "New; may have false positives or miss events.",
    ),
    ("deprecated", "Replaced by another rule (see `related`)."),
    ("unsupported", "Cannot be used in its current form."),
];

const LEVEL_VALUES: &[(&str, &str)] = &[
    (
        "informational",
        "Not a threat in itself; for enrichment or hunting.",
    ),
    ("low", "Notable, rarely a threat on its own."),
    ("medium", "Relevant; needs review."),
    ("high", "Likely malicious; review soon."),
    ("critical", "Almost certainly a compromise; act at once."),
];

const LOGSOURCE_KEYS: &[(&str, &str)] = &[
    (
        "category",
        "A kind of event across products (`process_creation`).",
    ),
    (
        "product",
        "The product writing the log (`windows`, `linux`, `aws`).",
    ),
    (
        "service",
        "A log of the product (`security`, `sysmon`, `cloudtrail`).",
    ),
    ("definition", "How to set up the log source, for humans."),
];

pub fn completions(file: &RuleFile, offset: u32, corpus: &dyn CorpusSource) -> Vec<Completion> {
    let context = cursor_context(file, offset);
    let rule = rule_at(file, offset);
    let at = context.word;
    match &context.place {
        Place::TopLevelKey => top_level_keys(file, rule, at),
        Place::MetadataValue { key } if key == "status" => values(STATUS_VALUES, at),
        Place::MetadataValue { key } if key == "level" => values(LEVEL_VALUES, at),
        Place::MetadataValue { .. } | Place::Other => Vec::new(),
        Place::LogsourceKey => {
            let present: Vec<&str> = rule
                .and_then(|r| r.logsource.as_ref())
                .map(|l| {
                    [&l.category, &l.product, &l.service, &l.definition]
                        .iter()
                        .zip(["category", "product", "service", "definition"])
                        .filter(|(value, _)| value.is_some())
                        .map(|(_, key)| key)
                        .collect()
                })
                .unwrap_or_default();
            LOGSOURCE_KEYS
                .iter()
                .filter(|(key, _)| !present.contains(key))
                .map(|&(key, doc)| {
                    Completion::new(key, CompletionKind::Key, at)
                        .doc(doc)
                        .insert(format!("{key}: "))
                })
                .collect()
        }
        Place::LogsourceValue { key } => logsource_values(key, rule, corpus, at),
        Place::Tag => tags(rule, at),
        Place::DetectionKey => detection_keys(rule, at),
        Place::FieldName { selection } => {
            let beside =
                rule.map_or_else(BTreeSet::new, |r| keys_beside(r, &file.text, selection, at));
            fields(rule, corpus, context.typed(file), at)
                .into_iter()
                .filter(|item| !beside.contains(item.label.as_str()))
                .collect()
        }
        Place::Modifier { written, .. } => modifiers(written, at),
        Place::FieldValue { field, .. } => field_values(file, rule, field, &context, corpus),
        Place::Condition { before } => condition_words(rule, before, at),
    }
}

fn values(values: &[(&str, &str)], at: TextRange) -> Vec<Completion> {
    values
        .iter()
        .enumerate()
        .map(|(i, &(value, doc))| {
            let mut item = Completion::new(value, CompletionKind::Value, at).doc(doc);
            item.sort_text = Some(format!("{i:02}"));
            item
        })
        .collect()
}

fn top_level_keys(file: &RuleFile, rule: Option<&Rule>, at: TextRange) -> Vec<Completion> {
    let root = rule.and_then(|r| file.root(r));
    let present = |key: &str| root.is_some_and(|root| root.entry(key).is_some());
    let mut items: Vec<Completion> = TOP_LEVEL_KEYS
        .iter()
        .filter(|(key, _)| !present(key))
        .map(|&(key, doc)| {
            let insert = if BLOCK_KEYS.contains(&key) {
                format!("{key}:\n    ")
            } else {
                format!("{key}: ")
            };
            Completion::new(key, CompletionKind::Key, at)
                .doc(doc)
                .insert(insert)
        })
        .collect();
    if !present("title") && !present("detection") {
        let mut rule = Completion::new("new rule", CompletionKind::Snippet, at)
            .detail("Sigma rule skeleton with a fresh id and today's date")
            .insert(snippet::new_rule(&snippet::uuid_v4(), &snippet::today()));
        rule.is_snippet = true;
        rule.sort_text = Some("0".into());
        items.push(rule);
    }
    items
}

/// Logsource values the corpus uses, most used first, then the taxonomy's others.
fn logsource_values(
    key: &str,
    rule: Option<&Rule>,
    corpus: &dyn CorpusSource,
    at: TextRange,
) -> Vec<Completion> {
    let logsource = rule.and_then(|r| r.logsource.as_ref());
    let mut items: Vec<Completion> = Vec::new();
    let mut seen = BTreeSet::new();
    for used in corpus.logsource_values(key, &LogSourceKey::of(logsource)) {
        if seen.insert(used.name.clone()) {
            let mut item = Completion::new(&used.name, CompletionKind::Value, at)
                .detail(format!("{key}, {} corpus rules", used.rules));
            item.sort_text = Some(by_count(used.rules));
            items.push(item);
        }
    }
    let product = logsource
        .and_then(|l| l.product.as_ref())
        .map(|p| p.value.to_lowercase());
    // Categories and services narrow down to the rule's product when it has one.
    let for_product = |pick: fn(&crate::reference::TaxonomyLogSource) -> Option<&String>| {
        let listed: BTreeSet<&str> = TAXONOMY
            .logsources
            .iter()
            .filter(|l| product.is_none() || l.product == product)
            .filter_map(|l| pick(l).map(String::as_str))
            .collect();
        listed
    };
    let names: BTreeSet<&str> = match key {
        "category" => for_product(|l| l.category.as_ref()),
        "service" => for_product(|l| l.service.as_ref()),
        "product" => TAXONOMY.products.iter().map(String::as_str).collect(),
        _ => BTreeSet::new(),
    };
    items.extend(
        names
            .into_iter()
            .filter(|name| !seen.contains(*name))
            .map(|name| {
                let mut item = Completion::new(name, CompletionKind::Value, at)
                    .detail(format!("{key} (taxonomy)"));
                item.sort_text = Some(format!("1{name}"));
                item
            }),
    );
    items
}

/// Sorts most used first, ahead of items without counts (`1...`).
fn by_count(rules: u32) -> String {
    format!("0{:010}", u32::MAX - rules)
}

/// `attack.execution` / `attack.defense_evasion` -> the ATT&CK tactic name.
pub(crate) fn tactic_of_tag(tag: &str) -> Option<String> {
    let name = tag.strip_prefix("attack.")?.replace('_', "-");
    ATTACK.is_tactic(&name).then_some(name)
}

fn tags(rule: Option<&Rule>, at: TextRange) -> Vec<Completion> {
    let existing: BTreeSet<String> = rule
        .map(|r| r.tags.iter().map(|t| t.value.to_lowercase()).collect())
        .unwrap_or_default();
    let rule_tactics: BTreeSet<String> = existing.iter().filter_map(|t| tactic_of_tag(t)).collect();
    let tactics = ATTACK.tactics.iter().map(|tactic| {
        Completion::new(format!("attack.{tactic}"), CompletionKind::Value, at)
            .detail("ATT&CK tactic")
    });
    let techniques = ATTACK
        .techniques
        .iter()
        .filter(|(_, t)| !t.revoked && !t.deprecated)
        .filter(|(_, t)| {
            rule_tactics.is_empty()
                || ATTACK
                    .accepted_tactics(t)
                    .iter()
                    .any(|tactic| rule_tactics.contains(*tactic))
        })
        .map(|(id, t)| {
            Completion::new(
                format!("attack.{}", id.to_lowercase()),
                CompletionKind::Value,
                at,
            )
            .detail(t.full_name.as_deref().unwrap_or(&t.name))
            .doc(format!("Tactics: {}", t.tactics.join(", ")))
        });
    tactics
        .chain(techniques)
        .filter(|item| !existing.contains(&item.label))
        .collect()
}

fn detection_keys(rule: Option<&Rule>, at: TextRange) -> Vec<Completion> {
    let detection = rule.and_then(|r| r.detection.as_ref());
    let mut items = Vec::new();
    if detection.is_none_or(|d| d.conditions.is_empty()) {
        items.push(
            Completion::new("condition", CompletionKind::Key, at)
                .doc("How the selections combine: `selection and not 1 of filter_*`.")
                .insert("condition: "),
        );
    }
    if detection.is_none_or(|d| d.timeframe.is_none()) {
        items.push(
            Completion::new("timeframe", CompletionKind::Key, at)
                .doc("Time window for aggregations (`5m`, `1h`).")
                .insert("timeframe: "),
        );
    }
    items
}

fn fields(
    rule: Option<&Rule>,
    corpus: &dyn CorpusSource,
    typed: &str,
    at: TextRange,
) -> Vec<Completion> {
    let logsource = rule.and_then(|r| r.logsource.as_ref());
    let key = LogSourceKey::of(logsource);
    let typed = typed.to_lowercase();
    let mut items: Vec<Completion> = Vec::new();
    let mut seen = BTreeSet::new();
    let in_context = rule.map_or_else(Vec::new, |r| corpus.fields_for_rule(r));
    for usage in corpus.field_usage(&key) {
        if seen.insert(usage.field.clone()) {
            // The count and each vendor's main name; every alias in the documentation.
            let mut detail = format!("{} corpus rules", usage.rules);
            for (vendor, fields) in usage.aliases_by_vendor() {
                detail.push_str(&format!(" · {vendor} {}", fields[0]));
            }
            let mut item = Completion::new(&usage.field, CompletionKind::Field, at).detail(detail);
            if !usage.aliases.is_empty() {
                item.documentation = Some(format!("Aliases:\n{}", usage.aliases_markdown()));
            }
            // Fields the rule's neighbours use first, then by use under the logsource.
            item.sort_text = Some(match in_context.iter().position(|f| *f == usage.field) {
                Some(rank) => format!("0{rank:05}"),
                None => format!("1{}", by_count(usage.rules)),
            });
            // A vendor's name typed (`process.name`): match the canonical field by it.
            if !typed.is_empty() && !usage.field.to_lowercase().starts_with(&typed) {
                item.filter_text = usage
                    .aliases
                    .iter()
                    .find(|a| a.field.to_lowercase().starts_with(&typed))
                    .map(|a| a.field.clone());
            }
            items.push(item);
        }
    }
    for field in taxonomy_fields(&key) {
        if seen.insert(field.to_string()) {
            let mut item = Completion::new(field, CompletionKind::Field, at).detail("taxonomy");
            item.sort_text = Some(format!("2{field}"));
            items.push(item);
        }
    }
    items
}

/// The fields already keys of the map being written, beside the one at
/// `at`: offering them again would write a duplicate key. The map is the
/// selection's last one starting before the cursor, when the cursor's word
/// is indented like its keys and does not open a new list item (`- `).
fn keys_beside<'r>(
    rule: &'r Rule,
    text: &str,
    selection: &str,
    at: TextRange,
) -> BTreeSet<&'r str> {
    // Byte columns: both sides are measured the same way on their lines.
    let column = |offset: u32| {
        let before = text.get(..offset as usize)?;
        let line_start = before.rfind('\n').map_or(0, |n| n + 1);
        Some((offset as usize - line_start, &before[line_start..]))
    };
    let Some((cursor_column, indent)) = column(at.start) else {
        return BTreeSet::new();
    };
    let Some(selection) = rule.detection.as_ref().and_then(|d| d.selection(selection)) else {
        return BTreeSet::new();
    };
    let SelectionBody::Maps { maps, .. } = &selection.body else {
        return BTreeSet::new();
    };
    let Some(map) = maps.iter().rfind(|map| map.range.start <= at.start) else {
        return BTreeSet::new();
    };
    let same_map = !indent.trim_start().starts_with('-')
        && map
            .items
            .first()
            .and_then(|item| column(item.key.range.start))
            .is_some_and(|(key_column, _)| key_column == cursor_column);
    if !same_map {
        return BTreeSet::new();
    }
    map.items
        .iter()
        .filter(|item| !item.key.range.touches(at.start))
        .map(|item| item.field.value.as_str())
        .collect()
}

/// Taxonomy fields of the logsources that agree with every part `key` has.
/// Nothing for a rule without a logsource: every field would be noise.
pub(crate) fn taxonomy_fields(key: &LogSourceKey) -> BTreeSet<&'static str> {
    if key == &LogSourceKey::default() {
        return BTreeSet::new();
    }
    let agrees = |wanted: &str, listed: &Option<String>| {
        wanted.is_empty() || listed.as_deref() == Some(wanted)
    };
    TAXONOMY
        .fields
        .iter()
        .filter(|(source, _)| {
            agrees(&key.category, &source.category)
                && agrees(&key.product, &source.product)
                && agrees(&key.service, &source.service)
        })
        .flat_map(|(_, fields)| fields.iter().map(String::as_str))
        .collect()
}

fn modifiers(written: &[String], at: TextRange) -> Vec<Completion> {
    let written: Vec<Modifier> = written.iter().filter_map(|m| Modifier::parse(m)).collect();
    MODIFIERS
        .iter()
        .filter(|(_, modifier, _)| modifier_fits(*modifier, &written))
        .enumerate()
        .map(|(i, &(name, _, doc))| {
            let mut item = Completion::new(name, CompletionKind::Modifier, at).doc(doc);
            item.sort_text = Some(format!("{i:02}"));
            item
        })
        .collect()
}

/// Whether `next` makes sense after the modifiers already `written`: no
/// pair SL603 rejects, one comparison, flags after `re`, and encodings
/// before the wildcard comparison (pySigma cannot encode a wildcard).
fn modifier_fits(next: Modifier, written: &[Modifier]) -> bool {
    let any = |test: fn(Modifier) -> bool| written.iter().any(|&m| test(m));
    let is_base64 = |m: Modifier| matches!(m, Modifier::Base64 | Modifier::Base64Offset);
    let is_wide = |m: Modifier| m.is_encoding() && !is_base64(m);
    let is_wildcard = |m: Modifier| {
        matches!(
            m,
            Modifier::Contains | Modifier::StartsWith | Modifier::EndsWith
        )
    };
    !(written.contains(&next)
        || written.iter().any(|&m| m.conflicts_with(next))
        || (next.is_encoding() && written.iter().any(|&m| is_wildcard(m)))
        || (next.is_comparison() && any(Modifier::is_comparison))
        || (next.is_regex_flag() && !written.contains(&Modifier::Re))
        || (next.is_time_part() && any(Modifier::is_time_part))
        || (is_base64(next) && written.iter().any(|&m| is_base64(m)))
        || (is_wide(next) && written.iter().any(|&m| is_wide(m))))
}

fn field_values(
    file: &RuleFile,
    rule: Option<&Rule>,
    field_key: &str,
    context: &CursorContext,
    corpus: &dyn CorpusSource,
) -> Vec<Completion> {
    let key = LogSourceKey::of(rule.and_then(|r| r.logsource.as_ref()));
    corpus
        .value_reach(&key, field_key, context.typed(file))
        .into_iter()
        .enumerate()
        .map(|(i, reach)| {
            let mut item = Completion::new(&reach.value, CompletionKind::Value, context.word)
                .detail(format!("{} corpus rules", reach.rules));
            if !reach.vendors.is_empty() {
                item.documentation = Some(format!("Seen in: {}", reach.vendors.join(", ")));
            }
            item.sort_text = Some(format!("{i:05}"));
            item
        })
        .collect()
}

fn condition_words(rule: Option<&Rule>, before: &str, at: TextRange) -> Vec<Completion> {
    let spaced = before.replace(['(', ')'], " ( ");
    let mut tokens: Vec<&str> = spaced.split_whitespace().collect();
    // The word under the cursor is being replaced: judge by the one before it.
    if !before.ends_with([' ', '(', ')']) {
        tokens.pop();
    }
    let previous = tokens.last().map(|t| t.to_ascii_lowercase());
    let names: Vec<&str> = rule
        .and_then(|r| r.detection.as_ref())
        .map(|d| d.selections.iter().map(|s| s.name.value.as_str()).collect())
        .unwrap_or_default();
    let keyword = |word: &str, doc: &str| {
        Completion::new(word, CompletionKind::Keyword, at)
            .doc(doc)
            .insert(format!("{word} "))
    };
    let selection =
        |name: &str| Completion::new(name, CompletionKind::Selection, at).detail("selection");
    match previous.as_deref() {
        Some("of") => {
            let mut items: Vec<Completion> = names.iter().map(|n| selection(n)).collect();
            let prefixes: BTreeSet<&str> = names
                .iter()
                .filter_map(|n| n.find('_').map(|i| &n[..=i]))
                .collect();
            items.extend(prefixes.into_iter().map(|p| {
                Completion::new(format!("{p}*"), CompletionKind::Selection, at)
                    .detail("selections starting with ".to_string() + p)
            }));
            items.push(keyword("them", "Every selection."));
            items
        }
        Some("all") => vec![keyword("of", "`all of x*`: every matching selection.")],
        Some(n) if n.parse::<u32>().is_ok() => {
            vec![keyword("of", "`1 of x*`: at least one matching selection.")]
        }
        None | Some("and" | "or" | "not" | "(") => {
            let mut items: Vec<Completion> = names.iter().map(|n| selection(n)).collect();
            items.push(keyword("1 of", "At least one of the matching selections."));
            items.push(keyword("all of", "Every one of the matching selections."));
            items.push(keyword("not", "Negates what follows."));
            items
        }
        Some(_) => vec![
            keyword("and", "Both sides must match."),
            keyword("or", "Either side must match."),
        ],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::corpus::{NoCorpus, fake::FixedCorpus};
    use crate::analysis::fixture;
    use expect_test::{Expect, expect};

    /// Labels (with detail) of the first `limit` items, one a line.
    fn check_with(corpus: &dyn CorpusSource, text: &str, limit: usize, expect: Expect) {
        let (file, offset) = fixture::parse(text);
        let mut items = completions(&file, offset, corpus);
        // Clients sort by `sortText`, falling back to the label.
        items.sort_by(|a, b| {
            let key = |c: &Completion| c.sort_text.clone().unwrap_or_else(|| c.label.clone());
            key(a).cmp(&key(b))
        });
        let shown: String = items
            .iter()
            .take(limit)
            .map(|i| match &i.detail {
                Some(detail) => format!("{} ({detail})\n", i.label),
                None => format!("{}\n", i.label),
            })
            .collect();
        expect.assert_eq(&format!("{} items\n{shown}", items.len()));
    }

    fn check(text: &str, limit: usize, expect: Expect) {
        check_with(&NoCorpus, text, limit, expect);
    }

    #[test]
    fn modifiers_exclude_a_second_comparison_and_stray_flags() {
        check(
            "detection:\n    sel:\n        CommandLine|contains|$0\n",
            30,
            expect![[r#"
                4 items
                all
                windash
                cased
                expand
            "#]],
        );
        check(
            "detection:\n    sel:\n        CommandLine|re|$0\n",
            30,
            expect![[r#"
                12 items
                all
                i
                m
                s
                base64
                base64offset
                utf16le
                utf16be
                utf16
                wide
                cased
                expand
            "#]],
        );
    }

    #[test]
    fn top_level_keys_skip_present_ones_and_offer_the_snippet_on_an_empty_file() {
        check(
            "$0",
            3,
            expect![[r#"
            18 items
            new rule (Sigma rule skeleton with a fresh id and today's date)
            author
            date
        "#]],
        );
        check(
            "title: x\nlogsource:\n    product: windows\ndetection:\n    sel:\n        a: 1\n    condition: sel\n$0\n",
            30,
            expect![[r#"
                14 items
                author
                date
                description
                falsepositives
                fields
                id
                level
                license
                modified
                name
                references
                related
                status
                tags
            "#]],
        );
    }

    #[test]
    fn status_level_and_logsource() {
        check(
            "status: $0\n",
            10,
            expect![[r#"
            5 items
            stable
            test
            experimental
            deprecated
            unsupported
        "#]],
        );
        check(
            "level: h$0\n",
            10,
            expect![[r#"
            5 items
            informational
            low
            medium
            high
            critical
        "#]],
        );
        check(
            "logsource:\n    product: windows\n    $0\n",
            10,
            expect![[r#"
            3 items
            category
            definition
            service
        "#]],
        );
        check(
            "logsource:\n    product: windows\n    service: $0\n",
            5,
            expect![[r#"
                36 items
                application (service (taxonomy))
                applocker (service (taxonomy))
                appmodel-runtime (service (taxonomy))
                appxdeployment-server (service (taxonomy))
                appxpackaging-om (service (taxonomy))
            "#]],
        );
    }

    #[test]
    fn tags_follow_the_rule_tactics() {
        check(
            "tags:\n    - $0\n",
            3,
            expect![[r#"
            725 items
            attack.collection (ATT&CK tactic)
            attack.command-and-control (ATT&CK tactic)
            attack.credential-access (ATT&CK tactic)
        "#]],
        );
        check(
            "tags:\n    - attack.exfiltration\n    - attack.t$0\n",
            20,
            expect![[r#"
                34 items
                attack.collection (ATT&CK tactic)
                attack.command-and-control (ATT&CK tactic)
                attack.credential-access (ATT&CK tactic)
                attack.defense-evasion (ATT&CK tactic)
                attack.defense-impairment (ATT&CK tactic)
                attack.discovery (ATT&CK tactic)
                attack.execution (ATT&CK tactic)
                attack.impact (ATT&CK tactic)
                attack.initial-access (ATT&CK tactic)
                attack.lateral-movement (ATT&CK tactic)
                attack.persistence (ATT&CK tactic)
                attack.privilege-escalation (ATT&CK tactic)
                attack.reconnaissance (ATT&CK tactic)
                attack.resource-development (ATT&CK tactic)
                attack.stealth (ATT&CK tactic)
                attack.t1011 (Exfiltration Over Other Network Medium)
                attack.t1011.001 (Exfiltration Over Other Network Medium: Exfiltration Over Bluetooth)
                attack.t1020 (Automated Exfiltration)
                attack.t1020.001 (Automated Exfiltration: Traffic Duplication)
                attack.t1029 (Scheduled Transfer)
            "#]],
        );
    }

    #[test]
    fn condition_words() {
        let rule = "detection:\n    selection:\n        a: 1\n    filter_main:\n        b: 2\n    filter_x:\n        c: 3\n";
        check(
            &format!("{rule}    condition: $0\n"),
            10,
            expect![[r#"
            6 items
            1 of
            all of
            filter_main (selection)
            filter_x (selection)
            not
            selection (selection)
        "#]],
        );
        check(
            &format!("{rule}    condition: selection $0\n"),
            10,
            expect![[r#"
            2 items
            and
            or
        "#]],
        );
        check(
            &format!("{rule}    condition: selection and not 1 of $0\n"),
            10,
            expect![[r#"
            5 items
            filter_* (selections starting with filter_)
            filter_main (selection)
            filter_x (selection)
            selection (selection)
            them
        "#]],
        );
        check(
            &format!("{rule}    condition: all $0\n"),
            10,
            expect![[r#"
            1 items
            of
        "#]],
        );
    }

    #[test]
    fn fields_from_the_taxonomy_and_the_corpus_seam() {
        let rule = "logsource:\n    category: process_creation\n    product: windows\ndetection:\n    sel:\n        Ima$0\n";
        check(
            rule,
            3,
            expect![[r#"
            39 items
            Channel (taxonomy)
            CommandLine (taxonomy)
            Company (taxonomy)
        "#]],
        );
        check_with(
            &FixedCorpus,
            rule,
            3,
            expect![[r#"
            39 items
            CommandLine (1200 corpus rules)
            Channel (taxonomy)
            Company (taxonomy)
        "#]],
        );
        check(
            "detection:\n    sel:\n        Ima$0\n",
            3,
            expect![[r#"
                0 items
            "#]],
        );
    }

    #[test]
    fn fields_already_in_the_map_are_not_offered_again() {
        let cases = [
            ("same map", "    sel:\n        Image: x\n        C$0\n"),
            (
                "other selection",
                "    sel:\n        Image: x\n    filter:\n        C$0\n",
            ),
            (
                "new list item",
                "    sel:\n        - Image: x\n        - C$0\n",
            ),
            (
                "same list item",
                "    sel:\n        - Image: x\n          C$0\n",
            ),
        ];
        let shown: String = cases
            .iter()
            .map(|(case, detection)| {
                let text = format!(
                    "logsource:\n    category: process_creation\n    product: windows\ndetection:\n{detection}"
                );
                let (file, offset) = fixture::parse(&text);
                let items = completions(&file, offset, &FixedCorpus);
                let image = items.iter().any(|i| i.label == "Image");
                format!("{case}: Image offered {image}\n")
            })
            .collect();
        expect![[r#"
            same map: Image offered false
            other selection: Image offered true
            new list item: Image offered true
            same list item: Image offered false
        "#]]
        .assert_eq(&shown);
    }

    #[test]
    fn values_come_only_from_the_corpus() {
        let rule = "logsource:\n    category: process_creation\ndetection:\n    sel:\n        Image|endswith: '\\pow$0'\n";
        check(
            rule,
            3,
            expect![[r#"
            0 items
        "#]],
        );
        check_with(
            &FixedCorpus,
            rule,
            3,
            expect![[r#"
            1 items
            \powershell.exe (340 corpus rules)
        "#]],
        );
    }
}
