use crate::checks::{Context, Diagnostic};
use crate::rule::SelectionBody;

crate::check! {
    /// ## What it does
    /// Reports a selection with nothing to match: an empty map, an empty
    /// list or no value at all.
    ///
    /// ## Why is this bad?
    /// Backends reject the rule or, worse, turn the selection into "match
    /// everything" or "match nothing".
    ///
    /// ## Example
    /// ```yaml
    /// detection:
    ///     selection:
    ///     condition: selection
    /// ```
    ///
    /// ## Fix
    /// Add field items to the selection, or delete it.
    code: "SL506",
    name: "empty-selection",
    severity: Error,
    fixable: false,
    runner: Rule(run),
}

fn run(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let Some(detection) = &ctx.rule.detection else {
        return;
    };
    for selection in &detection.selections {
        let empty = match &selection.body {
            SelectionBody::Maps { maps, .. } => maps.iter().any(|m| m.items.is_empty()),
            SelectionBody::Keywords(_) => false,
            // Null or an empty list; an alias (`*name`) is not judged here.
            SelectionBody::Invalid => !selection.value_range.slice(ctx.text()).starts_with('*'),
        };
        if empty {
            out.push(Diagnostic::new(
                &CHECK,
                selection.name.range,
                format!(
                    "selection `{}` is empty; add field items or remove it",
                    selection.name.value
                ),
            ));
        }
    }
}
