use crate::checks::{Context, Diagnostic};

crate::check! {
    /// ## What it does
    /// Reports a rule with a `modified` date but no creation `date`.
    ///
    /// ## Why is this bad?
    /// The creation date is the reference `modified` is measured against;
    /// without it the rule's age is unknown.
    ///
    /// ## Example
    /// ```yaml
    /// modified: 2024-03-10
    /// ```
    ///
    /// ## Fix
    /// Add `date:` with the day the rule was written.
    code: "SL234",
    name: "modified-without-date",
    severity: Warning,
    fixable: false,
    runner: Rule(run),
}

fn run(ctx: &Context, out: &mut Vec<Diagnostic>) {
    if let (None, Some(modified)) = (&ctx.rule.date, &ctx.rule.modified) {
        out.push(Diagnostic::new(
            &CHECK,
            modified.range,
            "rule has `modified` but no `date`: add the creation date",
        ));
    }
}
