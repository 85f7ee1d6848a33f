//! Go to definition, references and rename between condition identifiers
//! and selections; the document outline and folding ranges.

use super::rule_at;
use crate::checks::Edit;
use crate::rule::condition::pattern_matches;
use crate::rule::{Ident, Rule, RuleFile, Selection};
use crate::syntax::TextRange;
use crate::syntax::yaml::{Node, NodeKind};

/// The condition identifier or `of` pattern at `offset`, with the selections it names.
pub fn condition_reference_at(rule: &Rule, offset: u32) -> Option<(&Ident, Vec<&Selection>)> {
    let detection = rule.detection.as_ref()?;
    let ident = detection
        .conditions
        .iter()
        .filter_map(|c| c.parsed.as_ref().ok())
        .flat_map(|c| c.references())
        .find(|ident| ident.range.touches(offset))?;
    Some((ident, detection.matching(&ident.name).collect()))
}

fn selection_named_at(rule: &Rule, offset: u32) -> Option<&Selection> {
    rule.detection
        .as_ref()?
        .selections
        .iter()
        .find(|s| s.name.range.touches(offset))
}

/// The selections under the cursor: the one whose name it is on, or those a
/// condition identifier refers to.
fn target_selections(rule: &Rule, offset: u32) -> Vec<&Selection> {
    match selection_named_at(rule, offset) {
        Some(selection) => vec![selection],
        None => condition_reference_at(rule, offset).map_or(Vec::new(), |(_, found)| found),
    }
}

pub fn definition(file: &RuleFile, offset: u32) -> Vec<TextRange> {
    let Some(rule) = rule_at(file, offset) else {
        return Vec::new();
    };
    condition_reference_at(rule, offset)
        .map(|(_, selections)| selections.iter().map(|s| s.name.range).collect())
        .unwrap_or_default()
}

/// Condition identifiers and patterns referring to the selection(s) under
/// the cursor, and their names when `include_declaration`.
pub fn references(file: &RuleFile, offset: u32, include_declaration: bool) -> Vec<TextRange> {
    let Some(rule) = rule_at(file, offset) else {
        return Vec::new();
    };
    let targets = target_selections(rule, offset);
    let mut ranges: Vec<TextRange> = Vec::new();
    if include_declaration {
        ranges.extend(targets.iter().map(|s| s.name.range));
    }
    ranges.extend(
        condition_idents(rule)
            .filter(|ident| {
                targets
                    .iter()
                    .any(|s| pattern_matches(&ident.name, &s.name.value))
            })
            .map(|ident| ident.range),
    );
    ranges.sort();
    ranges.dedup();
    ranges
}

fn condition_idents(rule: &Rule) -> impl Iterator<Item = &Ident> {
    rule.detection
        .iter()
        .flat_map(|d| d.conditions.iter())
        .filter_map(|c| c.parsed.as_ref().ok())
        .flat_map(|c| c.references())
}

const CONDITION_WORDS: &[&str] = &["and", "or", "not", "of", "them", "all"];
const DETECTION_KEYS: &[&str] = &["condition", "timeframe", "rules"];

/// The selection name to rename at `offset` and its range (without quotes).
pub fn prepare_rename(file: &RuleFile, offset: u32) -> Result<TextRange, String> {
    let rule = rule_at(file, offset).ok_or("not in a rule")?;
    let selection = rename_target(rule, offset)?;
    if let Some(ident) = condition_idents(rule).find(|i| i.range.touches(offset)) {
        return Ok(ident.range);
    }
    Ok(unquoted(file, selection.name.range))
}

fn rename_target(rule: &Rule, offset: u32) -> Result<&Selection, String> {
    if let Some((ident, _)) = condition_reference_at(rule, offset) {
        if ident.name.contains('*') {
            return Err("a pattern names several selections: rename one of them".into());
        }
    }
    match target_selections(rule, offset).as_slice() {
        [selection] => Ok(selection),
        [] => Err("no selection here".into()),
        _ => Err("several selections share this name".into()),
    }
}

/// Renames the selection at `offset` and every condition reference to it.
pub fn rename(file: &RuleFile, offset: u32, new_name: &str) -> Result<Vec<Edit>, String> {
    let rule = rule_at(file, offset).ok_or("not in a rule")?;
    let selection = rename_target(rule, offset)?;
    let old_name = &selection.name.value;
    validate_name(rule, new_name)?;
    let mut edits = vec![Edit {
        range: unquoted(file, selection.name.range),
        replacement: new_name.to_string(),
    }];
    for ident in condition_idents(rule) {
        if !pattern_matches(&ident.name, old_name) {
            continue;
        }
        if ident.range.slice(&file.text) != ident.name {
            return Err("the condition is written in a way that cannot be edited in place".into());
        }
        if ident.name == *old_name {
            edits.push(Edit {
                range: ident.range,
                replacement: new_name.to_string(),
            });
        } else if !pattern_matches(&ident.name, new_name) {
            return Err(format!(
                "`{}` in the condition would no longer match `{new_name}`",
                ident.name
            ));
        }
    }
    edits.sort_by_key(|e| e.range);
    edits.dedup();
    Ok(edits)
}

fn validate_name(rule: &Rule, name: &str) -> Result<(), String> {
    let valid_chars = name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'));
    if name.is_empty() || !valid_chars || name.starts_with(['-', '.']) {
        return Err(format!(
            "`{name}` is not a selection name: use letters, digits, `_`, `-` and `.`"
        ));
    }
    let lower = name.to_ascii_lowercase();
    if CONDITION_WORDS.contains(&lower.as_str())
        || DETECTION_KEYS.contains(&name)
        || name.parse::<u32>().is_ok()
    {
        return Err(format!("`{name}` is reserved in a detection"));
    }
    if rule
        .detection
        .as_ref()
        .is_some_and(|d| d.selection(name).is_some())
    {
        return Err(format!("a selection named `{name}` exists already"));
    }
    Ok(())
}

/// A key's range without its quotes.
fn unquoted(file: &RuleFile, range: TextRange) -> TextRange {
    let text = range.slice(&file.text);
    if text.len() >= 2 && (text.starts_with('\'') || text.starts_with('"')) {
        TextRange::new(range.start + 1, range.end - 1)
    } else {
        range
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SymbolKind {
    Document,
    Metadata,
    List,
    LogSource,
    Detection,
    Selection,
    Condition,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Symbol {
    pub name: String,
    pub detail: Option<String>,
    pub kind: SymbolKind,
    pub range: TextRange,
    /// The part to highlight: the key.
    pub name_range: TextRange,
    pub children: Vec<Symbol>,
}

/// The outline: metadata keys, `logsource` with its keys, `detection` with
/// its selections and condition; one level more per document in a
/// multi-document file.
pub fn document_symbols(file: &RuleFile) -> Vec<Symbol> {
    let per_document: Vec<(usize, Vec<Symbol>)> = file
        .yaml
        .documents
        .iter()
        .enumerate()
        .filter_map(|(i, doc)| Some((i, top_level_symbols(doc.root.as_ref()?))))
        .collect();
    if per_document.len() <= 1 {
        return per_document.into_iter().flat_map(|(_, s)| s).collect();
    }
    per_document
        .into_iter()
        .map(|(i, children)| {
            let doc = &file.yaml.documents[i];
            let title = doc
                .root
                .as_ref()
                .and_then(|r| r.get("title"))
                .and_then(Node::as_str);
            Symbol {
                name: format!("document {}", i + 1),
                detail: title.map(str::to_string),
                kind: SymbolKind::Document,
                range: doc.range,
                name_range: TextRange::empty(doc.range.start),
                children,
            }
        })
        .collect()
}

fn top_level_symbols(root: &Node) -> Vec<Symbol> {
    let Some(entries) = root.as_mapping() else {
        return Vec::new();
    };
    entries
        .iter()
        .filter_map(|entry| {
            let key = entry.key_str()?;
            let (kind, children) = match key {
                "logsource" => (SymbolKind::LogSource, child_symbols(&entry.value, false)),
                "detection" | "filter" => {
                    (SymbolKind::Detection, child_symbols(&entry.value, true))
                }
                _ if entry.value.as_scalar().is_some() => (SymbolKind::Metadata, Vec::new()),
                _ => (SymbolKind::List, Vec::new()),
            };
            Some(symbol(entry, kind, children))
        })
        .collect()
}

fn child_symbols(node: &Node, detection: bool) -> Vec<Symbol> {
    node.as_mapping()
        .unwrap_or_default()
        .iter()
        .filter(|e| e.key_str().is_some())
        .map(|entry| {
            let kind = match (detection, entry.key_str()) {
                (true, Some("condition")) => SymbolKind::Condition,
                (true, Some("timeframe" | "rules")) => SymbolKind::Metadata,
                (true, _) => SymbolKind::Selection,
                (false, _) => SymbolKind::Metadata,
            };
            symbol(entry, kind, Vec::new())
        })
        .collect()
}

fn symbol(entry: &crate::syntax::yaml::Entry, kind: SymbolKind, children: Vec<Symbol>) -> Symbol {
    Symbol {
        name: entry.key_str().unwrap_or_default().to_string(),
        detail: entry.value.as_str().filter(|v| !v.is_empty()).map(|v| {
            v.lines()
                .next()
                .unwrap_or_default()
                .chars()
                .take(80)
                .collect()
        }),
        kind,
        range: entry.range(),
        name_range: entry.key.range,
        children,
    }
}

/// A foldable span of lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fold {
    pub start_line: u32,
    pub end_line: u32,
}

/// Every mapping entry and list item spanning several lines.
pub fn folding_ranges(file: &RuleFile) -> Vec<Fold> {
    let mut folds = Vec::new();
    for root in file.yaml.documents.iter().filter_map(|d| d.root.as_ref()) {
        collect_folds(file, root, &mut folds);
    }
    folds
}

fn collect_folds(file: &RuleFile, node: &Node, folds: &mut Vec<Fold>) {
    let fold = |range: TextRange, folds: &mut Vec<Fold>| {
        let start_line = file.lines.line_of(range.start);
        let end_line = file.lines.line_of(range.end);
        if end_line > start_line {
            folds.push(Fold {
                start_line,
                end_line,
            });
        }
    };
    match &node.kind {
        NodeKind::Mapping(entries) => {
            for entry in entries {
                fold(entry.range(), folds);
                collect_folds(file, &entry.value, folds);
            }
        }
        NodeKind::Sequence(items) => {
            for item in items {
                if item.as_mapping().is_some() {
                    fold(item.range, folds);
                }
                collect_folds(file, item, folds);
            }
        }
        NodeKind::Scalar(_) | NodeKind::Alias => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::fixture;
    use expect_test::{Expect, expect};

    const RULE: &str = "\
title: t
logsource:
    product: windows
detection:
    selection:
        Image: x
    filter_main:
        User: SYSTEM
    filter_other:
        - User: a
        - User: b
    condition: selection and not 1 of filter_* and not filter_main
level: high
";

    /// `RULE` with `$0` put where `^` is in `needle`.
    fn at(needle: &str) -> (RuleFile, u32) {
        let plain = needle.replace('^', "");
        assert!(RULE.contains(&plain), "{plain}");
        fixture::parse(&RULE.replacen(&plain, &needle.replace('^', "$0"), 1))
    }

    fn check_definition(needle: &str, expect: Expect) {
        let (file, offset) = at(needle);
        expect.assert_eq(&fixture::show_ranges(&file, definition(&file, offset)));
    }

    fn check_references(needle: &str, expect: Expect) {
        let (file, offset) = at(needle);
        expect.assert_eq(&fixture::show_ranges(
            &file,
            references(&file, offset, true),
        ));
    }

    fn check_rename(needle: &str, new_name: &str, expect: Expect) {
        let (file, offset) = at(needle);
        let shown = match rename(&file, offset, new_name) {
            Ok(edits) => {
                let (text, _) = crate::lint::apply_fixes_unchecked(
                    &file.text,
                    &[crate::checks::Diagnostic {
                        code: "test",
                        severity: crate::checks::Severity::Hint,
                        message: String::new(),
                        range: TextRange::default(),
                        related: Vec::new(),
                        fix: Some(crate::checks::Fix {
                            title: String::new(),
                            edits,
                        }),
                    }],
                );
                let renamed = RuleFile::parse(text.clone());
                assert!(renamed.yaml.errors.is_empty());
                text
            }
            Err(message) => format!("error: {message}"),
        };
        expect.assert_eq(&shown);
    }

    #[test]
    fn definition_of_identifiers_and_patterns() {
        check_definition(
            "condition: sel^ection",
            expect![[r#"
            4:4 "selection"
        "#]],
        );
        check_definition(
            "filter^_* and",
            expect![[r#"
            6:4 "filter_main"
            8:4 "filter_other"
        "#]],
        );
        check_definition(
            "not filter_ma^in",
            expect![[r#"
            6:4 "filter_main"
        "#]],
        );
        check_definition("Ima^ge", expect![[r#""#]]);
    }

    #[test]
    fn references_include_patterns() {
        check_references(
            "    filter_m^ain:",
            expect![[r#"
            6:4 "filter_main"
            11:38 "filter_*"
            11:55 "filter_main"
        "#]],
        );
        check_references(
            "condition: ^selection",
            expect![[r#"
            4:4 "selection"
            11:15 "selection"
        "#]],
        );
    }

    #[test]
    fn rename_updates_the_condition() {
        check_rename(
            "    sel^ection:",
            "process",
            expect![[r#"
            title: t
            logsource:
                product: windows
            detection:
                process:
                    Image: x
                filter_main:
                    User: SYSTEM
                filter_other:
                    - User: a
                    - User: b
                condition: process and not 1 of filter_* and not filter_main
            level: high
        "#]],
        );
        check_rename(
            "    filter_m^ain:",
            "filter_system",
            expect![[r#"
            title: t
            logsource:
                product: windows
            detection:
                selection:
                    Image: x
                filter_system:
                    User: SYSTEM
                filter_other:
                    - User: a
                    - User: b
                condition: selection and not 1 of filter_* and not filter_system
            level: high
        "#]],
        );
    }

    #[test]
    fn rename_refuses_what_would_break_the_rule() {
        check_rename(
            "    filter_m^ain:",
            "main",
            expect!["error: `filter_*` in the condition would no longer match `main`"],
        );
        check_rename(
            "    sel^ection:",
            "not",
            expect!["error: `not` is reserved in a detection"],
        );
        check_rename(
            "    sel^ection:",
            "a b",
            expect!["error: `a b` is not a selection name: use letters, digits, `_`, `-` and `.`"],
        );
        check_rename(
            "    sel^ection:",
            "filter_other",
            expect!["error: a selection named `filter_other` exists already"],
        );
        check_rename(
            "filter^_* and",
            "x",
            expect!["error: a pattern names several selections: rename one of them"],
        );
    }

    #[test]
    fn outline_and_folds() {
        let file = RuleFile::parse(RULE);
        fn show(symbols: &[Symbol], depth: usize, out: &mut String) {
            for s in symbols {
                out.push_str(&format!(
                    "{}{} {:?} {:?}\n",
                    "  ".repeat(depth),
                    s.name,
                    s.kind,
                    s.detail
                ));
                show(&s.children, depth + 1, out);
            }
        }
        let mut out = String::new();
        show(&document_symbols(&file), 0, &mut out);
        expect![[r#"
            title Metadata Some("t")
            logsource LogSource None
              product Metadata Some("windows")
            detection Detection None
              selection Selection None
              filter_main Selection None
              filter_other Selection None
              condition Condition Some("selection and not 1 of filter_* and not filter_main")
            level Metadata Some("high")
        "#]]
        .assert_eq(&out);
        let folds: Vec<String> = folding_ranges(&file)
            .iter()
            .map(|f| format!("{}-{}", f.start_line, f.end_line))
            .collect();
        expect!["1-2 3-11 4-5 6-7 8-10"].assert_eq(&folds.join(" "));
    }
}
