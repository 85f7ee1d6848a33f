use std::collections::HashMap;
use std::collections::hash_map::Entry;

use crate::checks::util::remove_list_item;
use crate::checks::{Context, Diagnostic, Fix};
use crate::rule::{Modifier, SelectionBody, Value, ValueKind};

crate::check! {
    /// ## What it does
    /// Reports a value listed twice for one field (or in one keyword list).
    /// Sigma compares case-insensitively, so `'Foo'` repeats `'foo'`, except
    /// under `|cased`, encodings (`|base64offset`) and case-sensitive `|re`.
    ///
    /// ## Why is this bad?
    /// The repeat adds nothing; often another value was meant.
    ///
    /// ## Example
    /// ```yaml
    /// Image|endswith:
    ///     - '\cmd.exe'
    ///     - '\CMD.exe'
    /// ```
    ///
    /// ## Fix
    /// Remove the repeat.
    code: "SL616",
    name: "duplicate-value",
    severity: Warning,
    fixable: true,
    runner: Rule(run),
}

fn run(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let Some(detection) = &ctx.rule.detection else {
        return;
    };
    for selection in &detection.selections {
        if let SelectionBody::Keywords(keywords) = &selection.body {
            report_repeats(ctx, keywords, false, out);
        }
        for item in selection.field_items() {
            // Encodings turn case into different bytes: `IEX` and `iex` differ.
            let case_sensitive = item.has(Modifier::Cased)
                || item.known_modifiers().any(Modifier::is_encoding)
                || (item.has(Modifier::Re) && !item.has(Modifier::ReIgnoreCase));
            report_repeats(ctx, &item.values, case_sensitive, out);
        }
    }
}

fn report_repeats(
    ctx: &Context,
    values: &[Value],
    case_sensitive: bool,
    out: &mut Vec<Diagnostic>,
) {
    let key = |v: &Value| {
        let text = if case_sensitive {
            v.text.clone()
        } else {
            v.text.to_lowercase()
        };
        (v.kind == ValueKind::Str, text)
    };
    // First occurrence per key: one pass, so a huge list stays linear.
    let mut seen: HashMap<(bool, String), &Value> = HashMap::new();
    for value in values {
        if matches!(value.kind, ValueKind::Invalid(_)) {
            continue;
        }
        let first = match seen.entry(key(value)) {
            Entry::Vacant(slot) => {
                slot.insert(value);
                continue;
            }
            Entry::Occupied(slot) => *slot.get(),
        };
        let mut diagnostic = Diagnostic::new(
            &CHECK,
            value.range,
            format!(
                "`{}` is already in this list; remove the repeat",
                value.text
            ),
        )
        .with_related(first.range, "first listed here");
        if let Some(edit) = remove_list_item(ctx.text(), value.range) {
            diagnostic = diagnostic.with_fix(Fix {
                title: "Remove the repeated value".into(),
                edits: vec![edit],
            });
        }
        out.push(diagnostic);
    }
}
