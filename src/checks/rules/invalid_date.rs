use crate::checks::util::check_date;
use crate::checks::{Context, Diagnostic};

crate::check! {
    /// ## What it does
    /// Reports a `date` that is not a real date written `YYYY-MM-DD`.
    ///
    /// ## Why is this bad?
    /// Sigma dates are ISO 8601; tools reject other forms, and an
    /// impossible date (`2024-02-30`) is a typo that hides the real one.
    ///
    /// ## Example
    /// ```yaml
    /// date: 2026/11/23
    /// ```
    ///
    /// ## Fix
    /// Write `date: 2026-11-23` (the fix rewrites dates with `/` or `.`).
    code: "SL230",
    name: "invalid-date",
    severity: Error,
    fixable: true,
    runner: Rule(run),
}

fn run(ctx: &Context, out: &mut Vec<Diagnostic>) {
    if let Some(date) = &ctx.rule.date {
        check_date(&CHECK, "date", date, out);
    }
}
