use crate::checks::util::verbatim_range;
use crate::checks::{Context, Diagnostic, Fix};
use crate::syntax::TextRange;

crate::check! {
    /// ## What it does
    /// Reports a title that ends with a dot.
    ///
    /// ## Why is this bad?
    /// A title is a name, not a sentence; SigmaHQ titles never end with a
    /// dot, and alert names read oddly with one.
    ///
    /// ## Example
    /// ```yaml
    /// title: Netsh Port Forwarding.
    /// ```
    ///
    /// ## Fix
    /// Remove the dot (the fix does, when the title is written without
    /// escapes).
    code: "SL202",
    name: "title-trailing-dot",
    severity: Warning,
    fixable: true,
    runner: Rule(run),
}

fn run(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let Some(title) = &ctx.rule.title else { return };
    // An ellipsis is deliberate.
    if !title.value.ends_with('.') || title.value.ends_with("..") {
        return;
    }
    let mut diagnostic = Diagnostic::new(
        &CHECK,
        title.range,
        format!("title `{}` ends with a dot: remove it", title.value),
    );
    if let Some(inner) = verbatim_range(ctx.text(), title.range, &title.value) {
        let dot = TextRange::new(inner.end - 1, inner.end);
        diagnostic = diagnostic.with_fix(Fix::replace("Remove the dot", dot, ""));
    }
    out.push(diagnostic);
}
