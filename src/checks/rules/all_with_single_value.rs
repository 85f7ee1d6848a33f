use crate::checks::{Context, Diagnostic, Fix};
use crate::rule::Modifier;
use crate::syntax::TextRange;

crate::check! {
    /// ## What it does
    /// Reports `|all` on a field item with a single value.
    ///
    /// ## Why is this bad?
    /// `|all` ANDs the values of a list; with one value it does nothing and
    /// suggests values were lost.
    ///
    /// ## Example
    /// ```yaml
    /// CommandLine|contains|all: 'portproxy'
    /// ```
    ///
    /// ## Fix
    /// Drop `|all`, or add the missing values.
    code: "SL602",
    name: "all-with-single-value",
    severity: Warning,
    fixable: true,
    runner: Rule(run),
}

fn run(ctx: &Context, out: &mut Vec<Diagnostic>) {
    for item in ctx.rule.field_items() {
        if item.values.len() != 1 {
            continue;
        }
        for modifier in item
            .modifiers
            .iter()
            .filter(|m| m.value == Ok(Modifier::All))
        {
            let with_bar = TextRange::new(modifier.range.start - 1, modifier.range.end);
            let mut diagnostic = Diagnostic::new(
                &CHECK,
                modifier.range,
                "`|all` with a single value does nothing; drop it or add values",
            );
            if with_bar.slice(ctx.text()) == "|all" {
                diagnostic = diagnostic.with_fix(Fix::replace("Remove `|all`", with_bar, ""));
            }
            out.push(diagnostic);
        }
    }
}
