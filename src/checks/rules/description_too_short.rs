use crate::checks::{Context, Diagnostic};

crate::check! {
    /// ## What it does
    /// Reports a `description` shorter than
    /// `thresholds.description-min-length` characters (16 by default).
    ///
    /// ## Why is this bad?
    /// A few words cannot tell the analyst what the rule looks for and why
    /// it matters.
    ///
    /// ## Example
    /// ```yaml
    /// description: Netsh
    /// ```
    ///
    /// ## Fix
    /// Describe what the rule detects and why it is suspicious.
    code: "SL241",
    name: "description-too-short",
    severity: Warning,
    fixable: false,
    runner: Rule(run),
}

fn run(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let Some(description) = &ctx.rule.description else {
        return;
    };
    let minimum = ctx.settings.thresholds.description_min_length;
    let length = description.value.trim().chars().count();
    if length < minimum {
        out.push(Diagnostic::new(
            &CHECK,
            description.range,
            format!(
                "description is {length} characters long: describe the detection in at least {minimum}"
            ),
        ));
    }
}
