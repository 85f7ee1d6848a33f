use crate::checks::{Context, Diagnostic};

crate::check! {
    /// ## What it does
    /// Reports `falsepositives` that claim there are none: `none`, `-`, an
    /// empty string or an empty list. (`Unknown` is fine: it is honest.)
    ///
    /// ## Why is this bad?
    /// Almost every rule has false positives; claiming none misleads the
    /// analyst triaging the alert and whoever tunes the rule.
    ///
    /// ## Example
    /// ```yaml
    /// falsepositives:
    ///     - None
    /// ```
    ///
    /// ## Fix
    /// List the legitimate activity that can match, or write `Unknown`.
    code: "SL244",
    name: "falsepositives-none",
    severity: Warning,
    fixable: false,
    runner: Rule(run),
}

const MESSAGE: &str = "list the activity that can match legitimately, or `Unknown`";

fn run(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let Some(node) = ctx.root().and_then(|root| root.get("falsepositives")) else {
        return;
    };
    if node.is_null() || node.as_sequence().is_some_and(<[_]>::is_empty) {
        out.push(Diagnostic::new(
            &CHECK,
            node.range,
            format!("`falsepositives` is empty: {MESSAGE}"),
        ));
        return;
    }
    for item in &ctx.rule.falsepositives {
        let text = item.value.trim();
        if text.is_empty() || text == "-" || text.eq_ignore_ascii_case("none") {
            let message = if text.is_empty() {
                format!("false positive is empty: {MESSAGE}")
            } else {
                format!("false positive `{text}` claims there are none: {MESSAGE}")
            };
            out.push(Diagnostic::new(&CHECK, item.range, message));
        }
    }
}
