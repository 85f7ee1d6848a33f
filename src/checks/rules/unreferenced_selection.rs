use crate::checks::util::{did_you_mean, reached_selections};
use crate::checks::{Context, Diagnostic};
use crate::rule::{Condition, Detection, OfTarget, RuleKind};

crate::check! {
    /// ## What it does
    /// Reports a selection that no condition reaches, by name, by
    /// `x of pattern*` or by `them` (which, as the Sigma specification says,
    /// leaves out names starting with `_`).
    ///
    /// ## Why is this bad?
    /// The selection does nothing: usually a filter that was meant to be
    /// excluded (`and not filter`) or a typo in the condition.
    ///
    /// ## Example
    /// ```yaml
    /// detection:
    ///     selection:
    ///         Image|endswith: '\netsh.exe'
    ///     filter_main_system:
    ///         User|contains: 'SYSTEM'
    ///     condition: selection
    /// ```
    ///
    /// ## Fix
    /// Use the selection in the condition, or delete it.
    code: "SL502",
    name: "unreferenced-selection",
    severity: Warning,
    fixable: false,
    runner: Rule(run),
}

fn run(ctx: &Context, out: &mut Vec<Diagnostic>) {
    // A global document's selections are checked in the documents that use them.
    if ctx.rule.kind == RuleKind::Global {
        return;
    }
    let Some(detection) = &ctx.rule.detection else {
        return;
    };
    let mut reached = Vec::new();
    for condition in &detection.conditions {
        // Unparsable conditions are SL501's; judging reach from them would guess.
        let Ok(parsed) = &condition.parsed else {
            return;
        };
        reached.extend(reached_selections(detection, parsed));
    }
    if detection.conditions.is_empty() {
        return;
    }
    let misspelled = misspelled_selections(detection);
    for selection in &detection.selections {
        let unreached = !reached.iter().any(|r| std::ptr::eq(*r, selection));
        if unreached && !misspelled.contains(&selection.name.value.as_str()) {
            let why = if selection.name.value.starts_with('_') && uses_them(detection) {
                " (`them` leaves out names starting with `_`)"
            } else {
                ""
            };
            out.push(Diagnostic::new(
                &CHECK,
                selection.name.range,
                format!(
                    "selection `{}` is not used by the condition{why}; use it or remove it",
                    selection.name.value
                ),
            ));
        }
    }
}

fn uses_them(detection: &Detection) -> bool {
    let mut them = false;
    for condition in detection.parsed_conditions() {
        condition.walk(&mut |node| {
            them |= matches!(
                node,
                Condition::Of {
                    target: OfTarget::Them,
                    ..
                }
            );
        });
    }
    them
}

/// Selections the condition names with a typo: SL501 reports those, with a
/// fix, so they are not reported twice.
fn misspelled_selections(detection: &Detection) -> Vec<&str> {
    let names = || detection.selections.iter().map(|s| s.name.value.as_str());
    let mut misspelled = Vec::new();
    for condition in detection.parsed_conditions() {
        condition.walk(&mut |node| {
            if let Condition::Ident(ident) = node {
                if detection.selection(&ident.name).is_none() {
                    misspelled.extend(did_you_mean(&ident.name, names()));
                }
            }
        });
    }
    misspelled
}
