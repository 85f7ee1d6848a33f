use crate::checks::{Context, Diagnostic, Fix};
use crate::rule::Modifier;
use crate::syntax::TextRange;

crate::check! {
    /// ## What it does
    /// Reports `|base64offset` without `|contains`.
    ///
    /// ## Why is this bad?
    /// The three offset encodings drop the characters that depend on the
    /// surrounding text, so they only make sense as substrings: an exact
    /// match never hits.
    ///
    /// ## Example
    /// ```yaml
    /// CommandLine|base64offset: 'http://'
    /// ```
    ///
    /// ## Fix
    /// Add `|contains` after `|base64offset`.
    code: "SL604",
    name: "base64offset-without-contains",
    severity: Warning,
    fixable: true,
    runner: Rule(run),
}

fn run(ctx: &Context, out: &mut Vec<Diagnostic>) {
    for item in ctx.rule.field_items() {
        let Some(modifier) = item
            .modifiers
            .iter()
            .find(|m| m.value == Ok(Modifier::Base64Offset))
        else {
            continue;
        };
        if item.has(Modifier::Contains) {
            continue;
        }
        let mut diagnostic = Diagnostic::new(
            &CHECK,
            modifier.range,
            "`base64offset` only matches substrings; add `|contains`",
        );
        // Appending is unambiguous only when no other comparison is given.
        if !item.known_modifiers().any(Modifier::is_comparison)
            && modifier.range.slice(ctx.text()) == "base64offset"
        {
            diagnostic = diagnostic.with_fix(Fix::replace(
                "Add `|contains`",
                TextRange::empty(modifier.range.end),
                "|contains",
            ));
        }
        out.push(diagnostic);
    }
}
