use crate::checks::{Context, Diagnostic};
use crate::rule::{Modifier, ValueKind};

crate::check! {
    /// ## What it does
    /// Reports an `|exists` item whose value is not a single `true` or `false`.
    ///
    /// ## Why is this bad?
    /// `|exists` tests whether the field is present; converters reject any
    /// other value, a quoted `'true'` (a string) included.
    ///
    /// ## Example
    /// ```yaml
    /// CommandLine|exists: 'yes'
    /// ```
    ///
    /// ## Fix
    /// Write `true` or `false`, unquoted.
    code: "SL606",
    name: "exists-not-boolean",
    severity: Error,
    fixable: false,
    runner: Rule(run),
}

fn run(ctx: &Context, out: &mut Vec<Diagnostic>) {
    for item in ctx.rule.items_with(Modifier::Exists) {
        if item.is_list {
            out.push(Diagnostic::new(
                &CHECK,
                item.value_range,
                "`exists` takes one value, `true` or `false`, not a list",
            ));
            continue;
        }
        for value in &item.values {
            if !matches!(value.kind, ValueKind::Bool(_)) {
                let shown = value.range.slice(ctx.text());
                out.push(Diagnostic::new(
                    &CHECK,
                    value.range,
                    format!("`exists` needs `true` or `false`, not `{shown}`"),
                ));
            }
        }
    }
}
