use crate::checks::util::check_enum;
use crate::checks::{Context, Diagnostic};

crate::check! {
    /// ## What it does
    /// Reports a `status` other than `stable`, `test`, `experimental`,
    /// `deprecated` or `unsupported`.
    ///
    /// ## Why is this bad?
    /// Tools filter rules by status (only `stable` and `test` in
    /// production, say); an unknown status is rejected or never selected.
    ///
    /// ## Example
    /// ```yaml
    /// status: testing
    /// ```
    ///
    /// ## Fix
    /// Use one of the five statuses (the fix picks the closest).
    code: "SL220",
    name: "invalid-status",
    severity: Error,
    fixable: true,
    runner: Rule(run),
}

const STATUSES: &[&str] = &[
    "stable",
    "test",
    "experimental",
    "deprecated",
    "unsupported",
];

fn run(ctx: &Context, out: &mut Vec<Diagnostic>) {
    if let Some(status) = &ctx.rule.status {
        check_enum(&CHECK, "status", status, STATUSES, out);
    }
}
