use crate::checks::util::reached_selections;
use crate::checks::{Context, Diagnostic};
use crate::rule::{Selection, SelectionBody};

crate::check! {
    /// ## What it does
    /// Reports a condition that only uses keyword (field-less) selections.
    ///
    /// ## Why is this bad?
    /// Keyword searches scan every field of every event: slow in most
    /// backends, and imprecise, since the value may appear anywhere.
    ///
    /// ## Example
    /// ```yaml
    /// detection:
    ///     keywords:
    ///         - 'portproxy'
    ///     condition: keywords
    /// ```
    ///
    /// ## Fix
    /// Match the value in the field it appears in (`CommandLine|contains`).
    code: "SL507",
    name: "keyword-only-detection",
    severity: Info,
    fixable: false,
    runner: Rule(run),
}

fn run(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let Some(detection) = &ctx.rule.detection else {
        return;
    };
    for condition in &detection.conditions {
        let Ok(parsed) = &condition.parsed else {
            continue;
        };
        let reached = reached_selections(detection, parsed);
        if !reached.is_empty() && reached.iter().all(|s| is_keyword_search(s)) {
            out.push(Diagnostic::new(
                &CHECK,
                condition.text.range,
                "the condition only uses keyword searches; match the values in named fields",
            ));
        }
    }
}

fn is_keyword_search(selection: &Selection) -> bool {
    match &selection.body {
        SelectionBody::Keywords(_) => true,
        SelectionBody::Maps { .. } => selection.field_items().all(|i| i.field.value.is_empty()),
        SelectionBody::Invalid => false,
    }
}
