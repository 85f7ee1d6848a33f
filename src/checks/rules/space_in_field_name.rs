use crate::checks::{Context, Diagnostic};

crate::check! {
    /// ## What it does
    /// Reports a field name with a space in it.
    ///
    /// ## Why is this bad?
    /// Sigma field names are identifiers (`CommandLine`, `Image`); a space
    /// is usually a typo or a label copied from an event viewer, and field
    /// mappings will not find it.
    ///
    /// ## Example
    /// ```yaml
    /// Command Line|contains: 'portproxy'
    /// ```
    ///
    /// ## Fix
    /// Use the field's name from the taxonomy (`CommandLine`).
    code: "SL630",
    name: "space-in-field-name",
    severity: Warning,
    fixable: false,
    runner: Rule(run),
}

fn run(ctx: &Context, out: &mut Vec<Diagnostic>) {
    for item in ctx.rule.field_items() {
        if item.field.value.contains(' ') {
            out.push(Diagnostic::new(
                &CHECK,
                item.field.range,
                format!(
                    "field name `{}` has a space; use the field's name from the taxonomy",
                    item.field.value
                ),
            ));
        }
    }
}
