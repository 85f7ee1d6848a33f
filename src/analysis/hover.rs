//! Hover: what a modifier does, what a tag names, what a condition
//! identifier refers to, what is known about a field.

use super::completion::{tactic_of_tag, taxonomy_fields};
use super::corpus::{CorpusSource, LogSourceKey, RuleCount};
use super::navigation::condition_reference_at;
use super::rule_at;
use crate::reference::ATTACK;
use crate::rule::{FieldItem, Rule, RuleFile};
use crate::syntax::TextRange;

/// Values a field hover lists.
const TOP_VALUES: usize = 5;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HoverInfo {
    pub range: TextRange,
    pub markdown: String,
}

pub fn hover(file: &RuleFile, offset: u32, corpus: &dyn CorpusSource) -> Option<HoverInfo> {
    let rule = rule_at(file, offset)?;
    condition_hover(file, rule, offset)
        .or_else(|| field_item_hover(rule, offset, corpus))
        .or_else(|| tag_hover(rule, offset, corpus))
}

fn condition_hover(file: &RuleFile, rule: &Rule, offset: u32) -> Option<HoverInfo> {
    let (ident, selections) = condition_reference_at(rule, offset)?;
    let markdown = if selections.is_empty() {
        format!("No selection matches `{}`.", ident.name)
    } else {
        selections
            .iter()
            .map(|s| {
                // From the start of the line, so the excerpt keeps its indentation.
                let line_start = file.lines.line_start(file.lines.line_of(s.range().start));
                let excerpt = TextRange::new(line_start, s.range().end).slice(&file.text);
                format!("```yaml\n{excerpt}\n```")
            })
            .collect::<Vec<_>>()
            .join("\n")
    };
    Some(HoverInfo {
        range: ident.range,
        markdown,
    })
}

fn field_item_hover(rule: &Rule, offset: u32, corpus: &dyn CorpusSource) -> Option<HoverInfo> {
    let detection = rule.detection.as_ref()?;
    let item = detection
        .selections
        .iter()
        .flat_map(|s| s.field_items())
        .find(|item| item.range().touches(offset))?;
    if !item.key.range.touches(offset) {
        return value_hover(rule, item, offset, corpus);
    }
    if let Some(modifier) = item.modifiers.iter().find(|m| m.range.touches(offset)) {
        let markdown = match &modifier.value {
            Ok(known) => format!("**{}** modifier\n\n{}", known.name(), known.doc()),
            Err(unknown) => format!("`{unknown}` is not a Sigma modifier."),
        };
        return Some(HoverInfo {
            range: modifier.range,
            markdown,
        });
    }
    if !item.field.range.touches(offset) || item.field.value.is_empty() {
        return None;
    }
    let field = &item.field.value;
    let key = LogSourceKey::of(rule.logsource.as_ref());
    let source = format!("`{}/{}/{}`", key.category, key.product, key.service);
    let mut markdown = format!("**{field}**\n\n");
    if key == LogSourceKey::default() {
        markdown.push_str("The rule has no logsource to look the field up in.");
    } else if taxonomy_fields(&key).contains(field.as_str()) {
        markdown.push_str(&format!("In the SigmaHQ taxonomy for {source}."));
    } else {
        markdown.push_str(&format!("Not in the SigmaHQ taxonomy for {source}."));
    }
    if let Some(usage) = corpus
        .field_usage(&key)
        .into_iter()
        .find(|u| u.field.eq_ignore_ascii_case(field))
    {
        markdown.push_str(&format!(
            "\n\nUsed by {} corpus rules with this logsource.",
            usage.rules
        ));
        let aliases = usage.aliases_markdown();
        if !aliases.is_empty() {
            markdown.push_str(&format!("\n\nAliases:\n{}", aliases.trim_end()));
        }
    }
    let top_values = corpus.value_reach(&key, &item.key.value, "");
    if !top_values.is_empty() {
        markdown.push_str("\n\nTop values:");
        for value in top_values.iter().take(TOP_VALUES) {
            markdown.push_str(&format!("\n- `{}` ({} rules)", value.value, value.rules));
        }
    }
    Some(HoverInfo {
        range: item.field.range,
        markdown,
    })
}

/// What the corpus knows of the value under the cursor.
fn value_hover(
    rule: &Rule,
    item: &FieldItem,
    offset: u32,
    corpus: &dyn CorpusSource,
) -> Option<HoverInfo> {
    let value = item.values.iter().find(|v| v.range.touches(offset))?;
    let key = LogSourceKey::of(rule.logsource.as_ref());
    let info = corpus.value_info(&key, &item.key.value, &value.text)?;
    let mut markdown = format!(
        "**{} {} `{}`**\n\nReach: {} corpus rules, {} with `{}`.",
        info.field,
        info.op,
        info.value,
        info.reach,
        info.in_logsource,
        key.key()
    );
    if info.is_high_reach() {
        markdown.push_str(&format!(
            "\n\n**High reach**: more rules of this logsource test it than the 95th \
             percentile ({}); on its own it matches broadly.",
            info.high_reach_above
        ));
    }
    markdown.push_str(&format!("\n\nPer vendor: {}", counts(&info.per_vendor)));
    if !info.techniques.is_empty() {
        markdown.push_str(&format!("\n\nTechniques: {}", counts(&info.techniques)));
    }
    markdown.push_str("\n\nRules:");
    for example in &info.examples {
        markdown.push_str(&format!(
            "\n- {} ({}, by {})",
            example.title, example.vendor, example.author
        ));
    }
    Some(HoverInfo {
        range: value.range,
        markdown,
    })
}

/// `sigma 12, elastic 3`.
fn counts(rows: &[RuleCount]) -> String {
    rows.iter()
        .map(|row| format!("{} {}", row.name, row.rules))
        .collect::<Vec<_>>()
        .join(", ")
}

fn tag_hover(rule: &Rule, offset: u32, corpus: &dyn CorpusSource) -> Option<HoverInfo> {
    let tag = rule.tags.iter().find(|t| t.range.touches(offset))?;
    let name = tag.value.to_lowercase();
    let markdown = if let Some(tactic) = tactic_of_tag(&name) {
        format!("ATT&CK tactic **{tactic}**")
    } else {
        let id = name.strip_prefix("attack.")?;
        match ATTACK.technique(id) {
            Some(technique) => {
                let mut text = format!(
                    "**{}** {}\n\nTactics: {}",
                    id.to_uppercase(),
                    technique.full_name.as_deref().unwrap_or(&technique.name),
                    technique.tactics.join(", ")
                );
                if technique.revoked || technique.deprecated {
                    text.push_str("\n\nRevoked or deprecated in ATT&CK.");
                }
                if let Some(successor) = ATTACK.successor(id) {
                    text.push_str(&format!(
                        "\n\nSigmaHQ moved it to `{successor}` (ATT&CK v19)."
                    ));
                }
                let per_vendor = corpus.technique_rules(id);
                if !per_vendor.is_empty() {
                    let total: u32 = per_vendor.iter().map(|row| row.rules).sum();
                    text.push_str(&format!(
                        "\n\nCorpus rules: {total} ({})",
                        counts(&per_vendor)
                    ));
                }
                text
            }
            None => format!("`{id}` is not an ATT&CK technique or tactic."),
        }
    };
    Some(HoverInfo {
        range: tag.range,
        markdown,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::corpus::{NoCorpus, fake::FixedCorpus};
    use crate::analysis::fixture;
    use expect_test::{Expect, expect};

    const RULE: &str = "\
title: t
tags:
    - attack.execution
    - attack.t1059.001
logsource:
    category: process_creation
    product: windows
detection:
    selection:
        Image|endswith: '\\powershell.exe'
        CommandLine|contains: ' -enc '
    filter_main:
        User: SYSTEM
    condition: selection and not 1 of filter_*
";

    fn check_with(corpus: &dyn CorpusSource, needle: &str, expect: Expect) {
        let plain = needle.replace('^', "");
        assert!(RULE.contains(&plain), "{plain}");
        let (file, offset) = fixture::parse(&RULE.replacen(&plain, &needle.replace('^', "$0"), 1));
        let shown = match hover(&file, offset, corpus) {
            Some(info) => format!("{:?}\n{}", info.range.slice(&file.text), info.markdown),
            None => "none".to_string(),
        };
        expect.assert_eq(&shown);
    }

    fn check(needle: &str, expect: Expect) {
        check_with(&NoCorpus, needle, expect);
    }

    #[test]
    fn modifier() {
        check(
            "ends^with",
            expect![[r#"
            "endswith"
            **endswith** modifier

            Field ends with the value (`*value`)."#]],
        );
    }

    #[test]
    fn tags() {
        check(
            "t1059^.001",
            expect![[r#"
            "attack.t1059.001"
            **T1059.001** Command and Scripting Interpreter: PowerShell

            Tactics: execution"#]],
        );
        check(
            "attack.exe^cution",
            expect![[r#"
            "attack.execution"
            ATT&CK tactic **execution**"#]],
        );
    }

    #[test]
    fn condition_identifiers_show_their_selections() {
        check(
            "condition: sel^ection",
            expect![[r#"
            "selection"
            ```yaml
                selection:
                    Image|endswith: '\powershell.exe'
                    CommandLine|contains: ' -enc '
            ```"#]],
        );
        check(
            "filter_^*",
            expect![[r#"
            "filter_*"
            ```yaml
                filter_main:
                    User: SYSTEM
            ```"#]],
        );
    }

    #[test]
    fn fields() {
        check(
            "Command^Line",
            expect![[r#"
            "CommandLine"
            **CommandLine**

            In the SigmaHQ taxonomy for `process_creation/windows/`."#]],
        );
        check(
            "Us^er",
            expect![[r#"
            "User"
            **User**

            In the SigmaHQ taxonomy for `process_creation/windows/`."#]],
        );
        check_with(
            &FixedCorpus,
            "Command^Line",
            expect![[r#"
            "CommandLine"
            **CommandLine**

            In the SigmaHQ taxonomy for `process_creation/windows/`.

            Used by 1200 corpus rules with this logsource."#]],
        );
    }

    #[test]
    fn nothing_on_plain_text() {
        check("ti^tle", expect!["none"]);
    }
}
