use crate::checks::{Context, Diagnostic};

crate::check! {
    /// ## What it does
    /// Reports a `modified` date equal to the creation `date`.
    ///
    /// ## Why is this bad?
    /// `modified` records a later change; on the day of creation it says
    /// nothing, and readers look for a change that never happened.
    ///
    /// ## Example
    /// ```yaml
    /// date: 2024-03-10
    /// modified: 2024-03-10
    /// ```
    ///
    /// ## Fix
    /// Remove `modified` until the rule changes.
    code: "SL233",
    name: "modified-equals-date",
    severity: Warning,
    fixable: false,
    runner: Rule(run),
}

fn run(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let (Some(date), Some(modified)) = (&ctx.rule.date, &ctx.rule.modified) else {
        return;
    };
    if date.value == modified.value {
        out.push(
            Diagnostic::new(
                &CHECK,
                modified.range,
                format!(
                    "`modified` is the creation date `{}`: remove it until the rule changes",
                    modified.value
                ),
            )
            .with_related(date.range, "created here"),
        );
    }
}
