use crate::checks::util::Date;
use crate::checks::{Context, Diagnostic};

crate::check! {
    /// ## What it does
    /// Reports a `modified` date earlier than the rule's creation `date`.
    ///
    /// ## Why is this bad?
    /// A rule cannot change before it exists: one of the two dates is a
    /// typo, and reviews that sort by date see the rule in the wrong place.
    ///
    /// ## Example
    /// ```yaml
    /// date: 2024-03-10
    /// modified: 2023-03-10
    /// ```
    ///
    /// ## Fix
    /// Correct whichever date is wrong.
    code: "SL232",
    name: "modified-before-date",
    severity: Warning,
    fixable: false,
    runner: Rule(run),
}

fn run(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let (Some(date), Some(modified)) = (&ctx.rule.date, &ctx.rule.modified) else {
        return;
    };
    // Invalid dates are reported by SL230/SL231.
    if let (Some(created), Some(changed)) = (Date::parse(&date.value), Date::parse(&modified.value))
    {
        if changed < created {
            out.push(
                Diagnostic::new(
                    &CHECK,
                    modified.range,
                    format!(
                        "`modified` ({changed}) is before `date` ({created}): correct one of them"
                    ),
                )
                .with_related(date.range, "created here"),
            );
        }
    }
}
