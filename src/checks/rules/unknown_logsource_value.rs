use std::collections::BTreeSet;

use crate::checks::util::{did_you_mean, suggestion_suffix};
use crate::checks::{Context, Diagnostic};
use crate::reference::LOGSOURCE_VALUES;
use crate::rule::SpannedStr;

crate::check! {
    /// ## What it does
    /// Reports a logsource `category`, `product` or `service` that neither
    /// SigmaHQ's taxonomy nor any SigmaHQ rule uses, suggesting the closest
    /// known value.
    ///
    /// ## Why is this bad?
    /// Backends map log sources by these names: an unknown one
    /// (`process_creaton`, `window`) maps to no index or table, so the rule
    /// never matches or fails to convert.
    ///
    /// ## Example
    /// ```yaml
    /// logsource:
    ///     category: process_creaton
    ///     product: windows
    /// ```
    ///
    /// ## Fix
    /// Use the taxonomy's name; for a genuinely new log source, document it
    /// in `definition` and ignore this check for the rule.
    code: "SL402",
    name: "unknown-logsource-value",
    severity: Warning,
    fixable: false,
    runner: Rule(run),
}

fn run(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let Some(logsource) = &ctx.rule.logsource else {
        return;
    };
    let known = &*LOGSOURCE_VALUES;
    let parts: [(&str, &Option<SpannedStr>, &BTreeSet<String>); 3] = [
        ("category", &logsource.category, &known.categories),
        ("product", &logsource.product, &known.products),
        ("service", &logsource.service, &known.services),
    ];
    for (key, value, known) in parts {
        let Some(value) = value else { continue };
        if known.contains(&value.value) {
            continue;
        }
        let suggestion = did_you_mean(&value.value, known.iter().map(String::as_str));
        out.push(Diagnostic::new(
            &CHECK,
            value.range,
            format!(
                "unknown logsource {key} `{}`{}",
                value.value,
                suggestion_suffix(suggestion)
            ),
        ));
    }
}
