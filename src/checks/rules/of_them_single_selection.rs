use crate::checks::{Context, Diagnostic};
use crate::rule::{Condition, OfTarget, Quantifier, RuleKind};

crate::check! {
    /// ## What it does
    /// Reports `1 of them` or `all of them` in a detection with a single
    /// selection.
    ///
    /// ## Why is this bad?
    /// With one selection the quantifier means nothing and hides what the
    /// rule matches.
    ///
    /// ## Example
    /// ```yaml
    /// detection:
    ///     selection:
    ///         Image|endswith: '\netsh.exe'
    ///     condition: 1 of them
    /// ```
    ///
    /// ## Fix
    /// Name the selection (`condition: selection`).
    code: "SL504",
    name: "of-them-single-selection",
    severity: Info,
    fixable: false,
    runner: Rule(run),
}

fn run(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let Some(detection) = &ctx.rule.detection else {
        return;
    };
    // A global document's condition may count selections of other documents.
    if ctx.rule.kind == RuleKind::Global || detection.selections.len() != 1 {
        return;
    }
    let only = &detection.selections[0].name.value;
    for parsed in detection.parsed_conditions() {
        parsed.walk(&mut |node| {
            if let Condition::Of {
                quantifier,
                target: OfTarget::Them,
                range,
            } = node
            {
                let word = match quantifier {
                    Quantifier::All => "all".to_string(),
                    Quantifier::AtLeast(n) => n.to_string(),
                };
                out.push(Diagnostic::new(
                    &CHECK,
                    *range,
                    format!("`{word} of them` covers only `{only}`; name the selection directly"),
                ));
            }
        });
    }
}
