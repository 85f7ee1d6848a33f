use crate::checks::util::rule_start;
use crate::checks::{Context, Diagnostic};
use crate::rule::RuleKind;

crate::check! {
    /// ## What it does
    /// Reports a rule without an `author`.
    ///
    /// ## Why is this bad?
    /// Whoever tunes or retires the rule later needs someone to ask, and
    /// authors deserve credit.
    ///
    /// ## Example
    /// ```yaml
    /// title: Netsh Port Forwarding
    /// logsource: ...
    /// ```
    ///
    /// ## Fix
    /// Add `author:` with a name or handle (several separated by commas).
    code: "SL242",
    name: "missing-author",
    severity: Warning,
    fixable: false,
    runner: Rule(run),
}

fn run(ctx: &Context, out: &mut Vec<Diagnostic>) {
    if ctx.rule.kind != RuleKind::Global && ctx.rule.author.is_none() {
        out.push(Diagnostic::new(
            &CHECK,
            rule_start(ctx.rule),
            "rule has no `author`: add a name or handle",
        ));
    }
}
