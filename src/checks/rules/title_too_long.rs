use crate::checks::{Context, Diagnostic};

crate::check! {
    /// ## What it does
    /// Reports a title longer than `thresholds.title-max-length` characters
    /// (110 by default, SigmaHQ's limit).
    ///
    /// ## Why is this bad?
    /// Titles become alert names in SIEM consoles and tickets, where long
    /// ones are cut off; the details belong in `description`.
    ///
    /// ## Example
    /// ```yaml
    /// title: Suspicious Netsh Port Forwarding Configuration Change Observed On A Windows Host Through The Command Line By An Attacker
    /// ```
    ///
    /// ## Fix
    /// Shorten the title and move the details to `description`.
    code: "SL201",
    name: "title-too-long",
    severity: Warning,
    fixable: false,
    runner: Rule(run),
}

fn run(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let Some(title) = &ctx.rule.title else { return };
    let limit = ctx.settings.thresholds.title_max_length;
    let length = title.value.chars().count();
    if length > limit {
        out.push(Diagnostic::new(
            &CHECK,
            title.range,
            format!("title is {length} characters long: shorten it to at most {limit}"),
        ));
    }
}
