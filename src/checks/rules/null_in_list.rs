use crate::checks::{Context, Diagnostic};
use crate::rule::ValueKind;

crate::check! {
    /// ## What it does
    /// Reports a null (`~`, `null` or an empty `-`) inside a list of values.
    ///
    /// ## Why is this bad?
    /// It is usually a stray `-` or a lost value; backends treat it
    /// differently (field missing, empty string, or an error).
    ///
    /// ## Example
    /// ```yaml
    /// CommandLine|contains:
    ///     - 'portproxy'
    ///     -
    /// ```
    ///
    /// ## Fix
    /// Remove the entry, or write `''` for an empty value; test a missing
    /// field with `|exists: false`.
    code: "SL615",
    name: "null-in-list",
    severity: Warning,
    fixable: false,
    runner: Rule(run),
}

fn run(ctx: &Context, out: &mut Vec<Diagnostic>) {
    for item in ctx.rule.field_items() {
        if !item.is_list {
            continue;
        }
        for value in item.values.iter().filter(|v| v.kind == ValueKind::Null) {
            out.push(Diagnostic::new(
                &CHECK,
                value.range,
                format!(
                    "null in the values of `{}`; remove it, or use `|exists` to test for a missing field",
                    item.key.value
                ),
            ));
        }
    }
}
