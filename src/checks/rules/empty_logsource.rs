use crate::checks::{Context, Diagnostic};
use crate::rule::RuleKind;

crate::check! {
    /// ## What it does
    /// Reports a `logsource` without `category`, `product` or `service`.
    ///
    /// ## Why is this bad?
    /// Sigma tools refuse an empty log source: the backend cannot tell which
    /// logs to search.
    ///
    /// ## Example
    /// ```yaml
    /// logsource:
    ///     definition: Sysmon with process creation logging
    /// ```
    ///
    /// ## Fix
    /// Name the log source: `category: process_creation`, `product: windows`.
    code: "SL403",
    name: "empty-logsource",
    severity: Error,
    fixable: false,
    runner: Rule(run),
}

fn run(ctx: &Context, out: &mut Vec<Diagnostic>) {
    // The shared document of a multi-document rule may leave parts to the others.
    if ctx.rule.kind == RuleKind::Global {
        return;
    }
    let Some(entry) = ctx.root().and_then(|root| root.entry("logsource")) else {
        return;
    };
    let named = ctx.rule.logsource.as_ref().is_some_and(|logsource| {
        logsource.category.is_some() || logsource.product.is_some() || logsource.service.is_some()
    });
    if !named {
        out.push(Diagnostic::new(
            &CHECK,
            entry.key.range,
            "logsource names no `category`, `product` or `service`: add at least one",
        ));
    }
}
