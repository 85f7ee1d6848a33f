use crate::checks::{Context, Diagnostic};
use crate::rule::{Condition, OfTarget, Quantifier};

crate::check! {
    /// ## What it does
    /// Reports `all of them` in a condition.
    ///
    /// ## Why is this bad?
    /// `them` takes in every selection, filters too: a filter added later is
    /// ANDed into the match instead of excluded. SigmaHQ discourages it.
    ///
    /// ## Example
    /// ```yaml
    /// detection:
    ///     selection_img:
    ///         Image|endswith: '\netsh.exe'
    ///     selection_cli:
    ///         CommandLine|contains: 'portproxy'
    ///     condition: all of them
    /// ```
    ///
    /// ## Fix
    /// Name the selections (`all of selection_*`, `selection_img and selection_cli`).
    code: "SL505",
    name: "all-of-them",
    severity: Warning,
    fixable: false,
    runner: Rule(run),
}

fn run(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let Some(detection) = &ctx.rule.detection else {
        return;
    };
    for parsed in detection.parsed_conditions() {
        parsed.walk(&mut |node| {
            if let Condition::Of {
                quantifier: Quantifier::All,
                target: OfTarget::Them,
                range,
            } = node
            {
                out.push(Diagnostic::new(
                    &CHECK,
                    *range,
                    "`all of them` also ANDs in every filter; name the selections (`all of selection_*`)",
                ));
            }
        });
    }
}
