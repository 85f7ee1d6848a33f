use crate::checks::corpus::{ExclusionSuggestion, sigma_item};
use crate::checks::util::verbatim_range;
use crate::checks::{Context, Diagnostic, Edit, Fix, Severity};
use crate::corpus::predicate::Operator;
use crate::index::normalize::IndicatorKey;
use crate::rule::{Condition, Detection, OfTarget};
use crate::syntax::TextRange;

crate::check! {
    /// ## What it does
    /// Finds corpus rules similar to this one (same logsource, shared
    /// positive tests, shared ATT&CK techniques), collects the exclusions
    /// they make (Sigma filters, other vendors' negated clauses) and suggests
    /// those this rule lacks, ranked by how similar the rules making them are
    /// (an exclusion on a field the rule selects on counts half), with counts
    /// and example rules. Only suggestions made by at least
    /// `thresholds.exclusion-min-rules` similar rules are shown (in the
    /// evaluation, fewer is no better than chance and made most of the
    /// output); one made by at least `thresholds.exclusion-strong-rules` is
    /// info, weaker ones are hints; `thresholds.exclusion-neighbours` and
    /// `thresholds.exclusion-suggestions` bound the search and the output.
    ///
    /// ## Why is this bad?
    /// False positives other authors already met (an updater, a management
    /// agent) will reach this rule's analysts too.
    ///
    /// ## Example
    /// ```yaml
    /// detection:
    ///     selection:
    ///         Image|endswith: '\rundll32.exe'
    ///     condition: selection
    /// ```
    ///
    /// ## Fix
    /// Adds a `filter_main_…` (strong) or `filter_optional_…` (weak) selection
    /// with the excluded value and appends `and not 1 of filter_main_*` (or
    /// `filter_optional_*`) to the condition, parenthesised as needed.
    code: "SL802",
    name: "missing-community-exclusion",
    severity: Info,
    // The edit is a code action, not a safe fix: a filter changes what matches.
    fixable: false,
    runner: Rule(run),
}

fn run(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let (Some(in_corpus), Some(detection)) = (ctx.in_corpus(), &ctx.rule.detection) else {
        return;
    };
    let [condition] = detection.conditions.as_slice() else {
        return;
    };
    if in_corpus.positive.is_empty() {
        return;
    }
    let thresholds = &ctx.settings.thresholds;
    for suggestion in in_corpus
        .suggest_exclusions(
            thresholds.exclusion_neighbours,
            thresholds.exclusion_min_rules,
        )
        .filter(|s| sigma_item(&s.key).is_some())
        .take(thresholds.exclusion_suggestions)
    {
        let strong = suggestion.rules.len() >= thresholds.exclusion_strong_rules;
        let (field, value) = sigma_item(&suggestion.key).expect("filtered above");
        let examples: Vec<String> = suggestion
            .rules
            .iter()
            .take(2)
            .map(|&r| in_corpus.describe(r))
            .collect();
        let evidence = if examples.is_empty() {
            format!(
                "{} corpus rules under this logsource exclude it, or rules sharing its tests do",
                in_corpus.exclusion_rules_in_logsource(suggestion.exclusion)
            )
        } else {
            format!(
                "{} of the {} most similar corpus rules exclude it, e.g. {}",
                suggestion.rules.len(),
                thresholds.exclusion_neighbours,
                examples.join(", ")
            )
        };
        let message = format!("consider excluding `{field}: {value}`: {evidence}");
        let mut diagnostic = Diagnostic::new(&CHECK, condition.text.range, message);
        if !strong {
            diagnostic.severity = Severity::Hint;
        }
        let kind = if strong { "main" } else { "optional" };
        if let Some(fix) = filter_fix(ctx.text(), detection, &suggestion, kind) {
            diagnostic = diagnostic.with_fix(fix);
        }
        out.push(diagnostic);
    }
}

/// Adds `filter_<kind>_<name>` after the last selection and, unless the
/// condition already excludes `1 of filter_<kind>_*`, appends that exclusion.
fn filter_fix(
    text: &str,
    detection: &Detection,
    suggestion: &ExclusionSuggestion,
    kind: &str,
) -> Option<Fix> {
    let condition = detection.conditions.first()?;
    let parsed = condition.parsed.as_ref().ok()?;
    let pattern = format!("filter_{kind}_*");
    let already_excluded = excludes_pattern(parsed, &pattern);
    // Existing filters of that kind not excluded as a group would change meaning.
    if !already_excluded && detection.matching(&pattern).next().is_some() {
        return None;
    }
    let (field, value) = sigma_item(&suggestion.key)?;
    let name = unique_name(detection, kind, &suggestion.key);
    let last = detection.selections.last()?;
    let line_start = text[..last.name.range.start as usize]
        .rfind('\n')
        .map_or(0, |i| i + 1);
    let indent = &text[line_start..last.name.range.start as usize];
    if !indent.chars().all(|c| c == ' ') {
        return None;
    }
    let mut edits = vec![Edit {
        range: TextRange::empty(last.value_range.end),
        replacement: format!("\n{indent}{name}:\n{indent}    {field}: {value}"),
    }];
    if !already_excluded {
        let range = verbatim_range(text, condition.text.range, &condition.text.value)?;
        let original = range.slice(text);
        let positive = if matches!(parsed, Condition::Or(..)) {
            format!("({original})")
        } else {
            original.to_string()
        };
        edits.push(Edit {
            range,
            replacement: format!("{positive} and not 1 of {pattern}"),
        });
    }
    Some(Fix {
        title: format!("Add `{name}` excluding `{field}: {value}`"),
        edits,
    })
}

/// Is `not 1 of pattern` one of the condition's top-level conjuncts?
fn excludes_pattern(condition: &Condition, pattern: &str) -> bool {
    let Condition::And(items, _) = condition else {
        return false;
    };
    items.iter().any(|item| {
        matches!(item, Condition::Not(inner, _) if matches!(
            inner.as_ref(),
            Condition::Of { target: OfTarget::Pattern(p), .. } if p.name == pattern
        ))
    })
}

/// `filter_main_msiexec_exe` from the excluded value's last path part;
/// values that are no path are named whole (`filter_main_10_0_0_0_8`) or,
/// when they say nothing readable, by their field (`filter_main_commandline_null`).
fn unique_name(detection: &Detection, kind: &str, key: &IndicatorKey) -> String {
    let last_part = match key.op {
        Operator::Cidr => key.value.clone(),
        Operator::RegexMatch => key.field.clone(),
        Operator::IsNull => format!("{}_null", key.field),
        _ => key
            .value
            .rsplit(['\\', '/'])
            .find(|p| p.chars().any(|c| c.is_ascii_alphanumeric()))
            .map_or_else(|| format!("{}_empty", key.field), str::to_string),
    };
    let mut slug: String = last_part
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    slug = slug.trim_matches('_').chars().take(30).collect();
    if slug.is_empty() {
        slug = "corpus".into();
    }
    let base = format!("filter_{kind}_{slug}");
    (1..)
        .map(|n| {
            if n == 1 {
                base.clone()
            } else {
                format!("{base}_{n}")
            }
        })
        .find(|name| detection.selection(name).is_none())
        .expect("some name is free")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rule::RuleFile;

    #[test]
    fn fix_adds_a_filter_and_keeps_the_condition_valid() {
        let text = "title: t\nlogsource:\n    category: process_creation\ndetection:\n    \
                    a:\n        Image|endswith: '\\x.exe'\n    b:\n        CommandLine: y\n    \
                    condition: a or b\n";
        let file = RuleFile::parse(text);
        let detection = file.rules[0].detection.as_ref().unwrap();
        let suggestion = ExclusionSuggestion {
            exclusion: 0,
            key: IndicatorKey {
                field: "ParentImage".into(),
                op: Operator::EndsWith,
                value: "\\msiexec.exe".into(),
            },
            rules: vec![],
            score: 1.0,
        };
        let fix = filter_fix(text, detection, &suggestion, "main").unwrap();
        let diagnostic = Diagnostic::new(&CHECK, TextRange::empty(0), "").with_fix(fix);
        let (fixed, _) = crate::lint::apply_fixes_unchecked(text, &[diagnostic]);
        assert!(fixed.contains(
            "    filter_main_msiexec_exe:\n        ParentImage|endswith: '\\msiexec.exe'\n"
        ));
        let parsed = RuleFile::parse(fixed.as_str());
        let detection = parsed.rules[0].detection.as_ref().unwrap();
        assert_eq!(
            detection.conditions[0].text.value,
            "(a or b) and not 1 of filter_main_*"
        );
        assert!(detection.conditions[0].parsed.is_ok());
        assert!(detection.selection("filter_main_msiexec_exe").is_some());
    }

    #[test]
    fn filters_are_named_from_their_value_and_unique() {
        let text = "title: t\ndetection:\n    filter_main_svchost_exe:\n        Image: x\n    \
                    condition: not filter_main_svchost_exe\n";
        let file = RuleFile::parse(text);
        let detection = file.rules[0].detection.as_ref().unwrap();
        let name = |field: &str, op, value: &str| {
            let key = IndicatorKey {
                field: field.into(),
                op,
                value: value.into(),
            };
            unique_name(detection, "main", &key)
        };
        assert_eq!(
            name("Image", Operator::EndsWith, "\\svchost.exe"),
            "filter_main_svchost_exe_2"
        );
        assert_eq!(
            name("Image", Operator::StartsWith, "c:\\program files\\"),
            "filter_main_program_files"
        );
        assert_eq!(
            name("DestinationIp", Operator::Cidr, "10.0.0.0/8"),
            "filter_main_10_0_0_0_8"
        );
        assert_eq!(
            name("CommandLine", Operator::IsNull, ""),
            "filter_main_commandline_null"
        );
        assert_eq!(
            name("CommandLine", Operator::Eq, ""),
            "filter_main_commandline_empty"
        );
        assert_eq!(
            name("CommandLine", Operator::RegexMatch, "\".*"),
            "filter_main_commandline"
        );
    }
}
