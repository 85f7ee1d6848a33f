use crate::checks::util::report_repeats;
use crate::checks::{Context, Diagnostic};

crate::check! {
    /// ## What it does
    /// Reports a tag listed twice in `tags` (ignoring case).
    ///
    /// ## Why is this bad?
    /// The copy adds nothing; often it was meant to be another technique
    /// or tactic that is now missing.
    ///
    /// ## Example
    /// ```yaml
    /// tags:
    ///     - attack.t1090
    ///     - attack.t1090
    /// ```
    ///
    /// ## Fix
    /// Remove the copy, or replace it with the tag that was meant.
    code: "SL303",
    name: "duplicate-tag",
    severity: Warning,
    fixable: false,
    runner: Rule(run),
}

fn run(ctx: &Context, out: &mut Vec<Diagnostic>) {
    report_repeats(&CHECK, "tag", &ctx.rule.tags, str::to_lowercase, out);
}
