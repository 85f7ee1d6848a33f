use crate::checks::util::report_repeats;
use crate::checks::{Context, Diagnostic};

crate::check! {
    /// ## What it does
    /// Reports a reference listed twice in `references` (ignoring a
    /// trailing slash).
    ///
    /// ## Why is this bad?
    /// The copy adds nothing and is usually a paste meant for another link.
    ///
    /// ## Example
    /// ```yaml
    /// references:
    ///     - https://example.org/report
    ///     - https://example.org/report
    /// ```
    ///
    /// ## Fix
    /// Remove the copy, or replace it with the link that was meant.
    code: "SL243",
    name: "duplicate-reference",
    severity: Warning,
    fixable: false,
    runner: Rule(run),
}

fn run(ctx: &Context, out: &mut Vec<Diagnostic>) {
    report_repeats(
        &CHECK,
        "reference",
        &ctx.rule.references,
        |reference| reference.trim().trim_end_matches('/').to_string(),
        out,
    );
}
