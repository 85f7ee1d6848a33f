use crate::checks::{Context, Diagnostic, Fix};
use crate::syntax::TextRange;

crate::check! {
    /// ## What it does
    /// Reports a modifier written twice on one field (`|contains|contains`).
    /// Encoding modifiers are left alone: `base64|base64` encodes twice.
    ///
    /// ## Why is this bad?
    /// The repeat does nothing, or makes a converter reject the rule.
    ///
    /// ## Example
    /// ```yaml
    /// CommandLine|contains|all|all:
    ///     - 'interface'
    ///     - 'portproxy'
    /// ```
    ///
    /// ## Fix
    /// Remove the repeat.
    code: "SL605",
    name: "duplicate-modifier",
    severity: Warning,
    fixable: true,
    runner: Rule(run),
}

fn run(ctx: &Context, out: &mut Vec<Diagnostic>) {
    for item in ctx.rule.field_items() {
        for (i, modifier) in item.modifiers.iter().enumerate() {
            let Ok(known) = modifier.value else { continue };
            if known.is_encoding() || !item.modifiers[..i].iter().any(|m| m.value == Ok(known)) {
                continue;
            }
            let with_bar = TextRange::new(modifier.range.start - 1, modifier.range.end);
            let mut diagnostic = Diagnostic::new(
                &CHECK,
                modifier.range,
                format!("modifier `{}` is repeated; remove it", known.name()),
            );
            if with_bar.slice(ctx.text()) == format!("|{}", known.name()) {
                diagnostic = diagnostic.with_fix(Fix::replace(
                    format!("Remove the second `{}`", known.name()),
                    with_bar,
                    "",
                ));
            }
            out.push(diagnostic);
        }
    }
}
