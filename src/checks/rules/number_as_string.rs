use crate::checks::{Context, Diagnostic, Fix};
use crate::rule::ValueKind;

crate::check! {
    /// ## What it does
    /// Reports a quoted number on a field known to be numeric
    /// (`EventID: '4688'`).
    ///
    /// ## Why is this bad?
    /// Backends with typed fields compare a string with a number: the rule
    /// may never match, or match slowly.
    ///
    /// ## Example
    /// ```yaml
    /// EventID: '4688'
    /// ```
    ///
    /// ## Fix
    /// Remove the quotes (`EventID: 4688`).
    code: "SL614",
    name: "number-as-string",
    severity: Info,
    fixable: true,
    runner: Rule(run),
}

/// Fields whose values are numbers in every log source that has them.
const NUMERIC_FIELDS: &[&str] = &[
    "EventID",
    "LogonType",
    "DestinationPort",
    "SourcePort",
    "ProcessId",
    "ParentProcessId",
    "SourceProcessId",
    "TargetProcessId",
    "ThreadId",
];

fn run(ctx: &Context, out: &mut Vec<Diagnostic>) {
    for item in ctx.rule.field_items() {
        // With a modifier the value may be meant as text (`|contains: '46'`).
        if !item.modifiers.is_empty() || !NUMERIC_FIELDS.contains(&item.field.value.as_str()) {
            continue;
        }
        for value in &item.values {
            // Only canonical decimals: `'0123'` unquoted would change its text.
            let canonical = value.kind == ValueKind::Str
                && value.quoted
                && value
                    .text
                    .parse::<u64>()
                    .is_ok_and(|n| n.to_string() == value.text);
            if canonical {
                out.push(
                    Diagnostic::new(
                        &CHECK,
                        value.range,
                        format!(
                            "`{}` is numeric but `{}` is quoted; remove the quotes",
                            item.field.value, value.text
                        ),
                    )
                    .with_fix(Fix::replace(
                        "Remove the quotes",
                        value.range,
                        value.text.clone(),
                    )),
                );
            }
        }
    }
}
