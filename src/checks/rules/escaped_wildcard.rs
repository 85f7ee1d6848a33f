use crate::checks::util::{detection_values, is_escaped, is_wildcard_string};
use crate::checks::{Context, Diagnostic};

crate::check! {
    /// ## What it does
    /// Reports `\*` or `\?` in a value: in Sigma they are a literal `*` and
    /// `?`, not a backslash and a wildcard.
    ///
    /// ## Why is this bad?
    /// In a Windows path (`'C:\Users\*\AppData'`) the author almost always
    /// meant "a backslash, then anything"; the rule instead looks for a
    /// literal star and never matches.
    ///
    /// ## Example
    /// ```yaml
    /// Image|startswith: 'C:\Users\*\AppData\'
    /// ```
    ///
    /// ## Fix
    /// Write `\\*` for a backslash followed by a wildcard; keep `\*` only
    /// when a literal star is meant.
    code: "SL612",
    name: "escaped-wildcard",
    severity: Info,
    fixable: false,
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
        let escaped = value
            .text
            .char_indices()
            .find(|&(i, c)| matches!(c, '*' | '?') && is_escaped(&value.text, i));
        if let Some((_, wildcard)) = escaped {
            out.push(Diagnostic::new(
                &CHECK,
                value.range,
                format!(
                    "`\\{wildcard}` in `{}` is a literal `{wildcard}`; write `\\\\{wildcard}` for a backslash and a wildcard",
                    value.text
                ),
            ));
        }
    }
}
