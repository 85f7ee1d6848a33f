use crate::checks::util::rule_start;
use crate::checks::{Context, Diagnostic};
use crate::rule::RuleKind;

crate::check! {
    /// ## What it does
    /// Reports a rule without a `description`.
    ///
    /// ## Why is this bad?
    /// The analyst who gets the alert needs to know what the rule looks for
    /// and why it matters; the title is too short for that.
    ///
    /// ## Example
    /// ```yaml
    /// title: Netsh Port Forwarding
    /// logsource: ...
    /// ```
    ///
    /// ## Fix
    /// Add `description:` saying what the rule detects and why it matters.
    code: "SL240",
    name: "missing-description",
    severity: Warning,
    fixable: false,
    runner: Rule(run),
}

fn run(ctx: &Context, out: &mut Vec<Diagnostic>) {
    if ctx.rule.kind != RuleKind::Global && ctx.rule.description.is_none() {
        out.push(Diagnostic::new(
            &CHECK,
            rule_start(ctx.rule),
            "rule has no `description`: say what it detects and why it matters",
        ));
    }
}
