use crate::checks::util::rule_start;
use crate::checks::{Context, Diagnostic};
use crate::rule::RuleKind;

crate::check! {
    /// ## What it does
    /// Reports a rule without an `id`.
    ///
    /// ## Why is this bad?
    /// The id is how tools, `related` links, filters and correlations refer
    /// to a rule across renames; without one, alerts cannot be traced back
    /// to a stable rule.
    ///
    /// ## Example
    /// ```yaml
    /// title: Netsh Port Forwarding
    /// logsource: ...
    /// ```
    ///
    /// ## Fix
    /// Add `id:` with a freshly generated UUID (`uuidgen`).
    code: "SL210",
    name: "missing-id",
    severity: Warning,
    fixable: false,
    runner: Rule(run),
}

fn run(ctx: &Context, out: &mut Vec<Diagnostic>) {
    if ctx.rule.kind != RuleKind::Global && ctx.rule.id.is_none() {
        out.push(Diagnostic::new(
            &CHECK,
            rule_start(ctx.rule),
            "rule has no `id`: add one with a new UUID",
        ));
    }
}
