use crate::checks::util::check_date;
use crate::checks::{Context, Diagnostic};

crate::check! {
    /// ## What it does
    /// Reports a `modified` date that is not a real date written
    /// `YYYY-MM-DD`.
    ///
    /// ## Why is this bad?
    /// Sigma dates are ISO 8601; tools reject other forms, and an
    /// impossible date (`2024-02-30`) is a typo that hides the real one.
    ///
    /// ## Example
    /// ```yaml
    /// modified: 2026/11/23
    /// ```
    ///
    /// ## Fix
    /// Write `modified: 2026-11-23` (the fix rewrites dates with `/` or `.`).
    code: "SL231",
    name: "invalid-modified",
    severity: Error,
    fixable: true,
    runner: Rule(run),
}

fn run(ctx: &Context, out: &mut Vec<Diagnostic>) {
    if let Some(modified) = &ctx.rule.modified {
        check_date(&CHECK, "modified", modified, out);
    }
}
