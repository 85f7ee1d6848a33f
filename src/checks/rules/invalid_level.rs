use crate::checks::util::check_enum;
use crate::checks::{Context, Diagnostic};

crate::check! {
    /// ## What it does
    /// Reports a `level` other than `informational`, `low`, `medium`,
    /// `high` or `critical`.
    ///
    /// ## Why is this bad?
    /// The level sets an alert's priority; backends reject an unknown one
    /// or map it to a default, so the alert is triaged wrongly.
    ///
    /// ## Example
    /// ```yaml
    /// level: hihg
    /// ```
    ///
    /// ## Fix
    /// Use one of the five levels (the fix picks the closest).
    code: "SL221",
    name: "invalid-level",
    severity: Error,
    fixable: true,
    runner: Rule(run),
}

const LEVELS: &[&str] = &["informational", "low", "medium", "high", "critical"];

fn run(ctx: &Context, out: &mut Vec<Diagnostic>) {
    if let Some(level) = &ctx.rule.level {
        check_enum(&CHECK, "level", level, LEVELS, out);
    }
}
