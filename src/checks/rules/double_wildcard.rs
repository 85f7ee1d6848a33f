use crate::checks::util::{detection_values, is_escaped, is_wildcard_string, verbatim_range};
use crate::checks::{Context, Diagnostic, Fix};
use crate::syntax::TextRange;

crate::check! {
    /// ## What it does
    /// Reports `**` in a value: two wildcards in a row.
    ///
    /// ## Why is this bad?
    /// `**` matches the same as `*`; it is usually a slip, and some backends
    /// build slower patterns from it.
    ///
    /// ## Example
    /// ```yaml
    /// CommandLine|contains: 'http**://'
    /// ```
    ///
    /// ## Fix
    /// Write a single `*`.
    code: "SL611",
    name: "double-wildcard",
    severity: Warning,
    fixable: true,
    runner: Rule(run),
}

fn run(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let Some(detection) = &ctx.rule.detection else {
        return;
    };
    for (item, value) in detection_values(detection) {
        if !is_wildcard_string(item) {
            continue;
        }
        // Overlapping search: in `\***` the first pair is an escaped star.
        let Some(at) = (0..value.text.len()).find(|&i| {
            value.text.as_bytes()[i..].starts_with(b"**") && !is_escaped(&value.text, i)
        }) else {
            continue;
        };
        let mut diagnostic = Diagnostic::new(
            &CHECK,
            value.range,
            format!(
                "`{}` has `**`, which matches the same as `*`; write one `*`",
                value.text
            ),
        );
        if let Some(inner) = verbatim_range(ctx.text(), value.range, &value.text) {
            let star = inner.start + at as u32;
            diagnostic = diagnostic.with_fix(Fix::replace(
                "Remove the extra `*`",
                TextRange::new(star, star + 1),
                "",
            ));
        }
        out.push(diagnostic);
    }
}
