use crate::checks::util::{did_you_mean, suggestion_suffix};
use crate::checks::{Context, Diagnostic, Fix};
use crate::rule::modifier::MODIFIERS;

crate::check! {
    /// ## What it does
    /// Reports a value modifier Sigma does not define (`|contain`, `|regex`).
    ///
    /// ## Why is this bad?
    /// Converters reject the rule, or worse, some ignore the modifier and
    /// compare the value exactly.
    ///
    /// ## Example
    /// ```yaml
    /// CommandLine|contain: 'portproxy'
    /// ```
    ///
    /// ## Fix
    /// Use a modifier from the specification (`|contains`).
    code: "SL601",
    name: "unknown-modifier",
    severity: Error,
    fixable: true,
    runner: Rule(run),
}

fn run(ctx: &Context, out: &mut Vec<Diagnostic>) {
    for item in ctx.rule.field_items() {
        for modifier in &item.modifiers {
            let Err(name) = &modifier.value else { continue };
            if name.is_empty() {
                // `Field|: x` or `Field||contains`: a stray `|`, nothing to suggest.
                let range =
                    crate::syntax::TextRange::new(modifier.range.start - 1, modifier.range.end);
                out.push(Diagnostic::new(
                    &CHECK,
                    range,
                    "empty modifier: remove the stray `|`",
                ));
                continue;
            }
            let suggestion = did_you_mean(name, MODIFIERS.iter().map(|(n, _, _)| *n));
            let mut diagnostic = Diagnostic::new(
                &CHECK,
                modifier.range,
                format!("unknown modifier `{name}`{}", suggestion_suffix(suggestion)),
            );
            if let Some(known) = suggestion {
                diagnostic = diagnostic.with_fix(Fix::replace(
                    format!("Replace with `{known}`"),
                    modifier.range,
                    known,
                ));
            }
            out.push(diagnostic);
        }
    }
}
