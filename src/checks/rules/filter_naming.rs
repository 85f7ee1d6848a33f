use crate::checks::{Context, Diagnostic};

crate::check! {
    /// ## What it does
    /// Reports a selection named `filter…` that is neither `filter_main_…`
    /// nor `filter_optional_…`.
    ///
    /// ## Why is this bad?
    /// SigmaHQ tells filters apart by name: `filter_main_*` removes false
    /// positives every environment has, `filter_optional_*` ones that only
    /// some have, which users may drop. Tools rely on the prefixes.
    ///
    /// ## Example
    /// ```yaml
    /// detection:
    ///     filter_system:
    ///         User|contains: 'SYSTEM'
    /// ```
    ///
    /// ## Fix
    /// Rename to `filter_main_system` or `filter_optional_system`, and the
    /// condition with it.
    code: "SL710",
    name: "filter-naming",
    severity: Warning,
    profile: SigmaHq,
    fixable: false,
    runner: Rule(run),
}

fn run(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let Some(detection) = &ctx.rule.detection else {
        return;
    };
    for selection in &detection.selections {
        let name = selection.name.value.as_str();
        if name.starts_with("filter")
            && !name.starts_with("filter_main_")
            && !name.starts_with("filter_optional_")
        {
            out.push(Diagnostic::new(
                &CHECK,
                selection.name.range,
                format!("filter `{name}` should be named `filter_main_…` or `filter_optional_…`"),
            ));
        }
    }
}
