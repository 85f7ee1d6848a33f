use crate::checks::{Context, Diagnostic};
use crate::rule::{Condition, OfTarget, Quantifier};

crate::check! {
    /// ## What it does
    /// Reports `1 of sel*` or `all of sel*` whose pattern matches exactly one
    /// selection.
    ///
    /// ## Why is this bad?
    /// The quantifier suggests several selections; with one, the condition
    /// reads as more than it is. (SigmaHQ keeps `1 of filter_main_*` on
    /// purpose so filters can be added later: hence only info.)
    ///
    /// ## Example
    /// ```yaml
    /// detection:
    ///     selection_img:
    ///         Image|endswith: '\netsh.exe'
    ///     condition: all of selection_*
    /// ```
    ///
    /// ## Fix
    /// Name the selection (`condition: selection_img`).
    code: "SL503",
    name: "of-pattern-single-match",
    severity: Info,
    fixable: false,
    runner: Rule(run),
}

fn run(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let Some(detection) = &ctx.rule.detection else {
        return;
    };
    for parsed in detection.parsed_conditions() {
        parsed.walk(&mut |node| {
            let Condition::Of {
                quantifier: quantifier @ (Quantifier::All | Quantifier::AtLeast(1)),
                target: OfTarget::Pattern(pattern),
                range,
            } = node
            else {
                return;
            };
            let mut matches = detection.matching(&pattern.name);
            if let (Some(only), None) = (matches.next(), matches.next()) {
                let word = if *quantifier == Quantifier::All {
                    "all"
                } else {
                    "1"
                };
                out.push(Diagnostic::new(
                    &CHECK,
                    *range,
                    format!(
                        "`{word} of {}` matches only `{}`; name the selection directly",
                        pattern.name, only.name.value
                    ),
                ));
            }
        });
    }
}
