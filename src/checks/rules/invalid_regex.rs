use crate::checks::util::{RegexProblem, regex_problem};
use crate::checks::{Context, Diagnostic};
use crate::rule::{Modifier, ValueKind};

crate::check! {
    /// ## What it does
    /// Reports a `|re` value that is not a regular expression in any engine:
    /// an unclosed group or class, a quantifier with nothing to repeat, a
    /// trailing backslash.
    ///
    /// ## Why is this bad?
    /// Converters reject the rule, or the SIEM rejects the query.
    ///
    /// ## Example
    /// ```yaml
    /// CommandLine|re: '(powershell|pwsh.*-enc'
    /// ```
    ///
    /// ## Fix
    /// Close the group or escape the character (`\(`).
    code: "SL620",
    name: "invalid-regex",
    severity: Error,
    fixable: false,
    runner: Rule(run),
}

fn run(ctx: &Context, out: &mut Vec<Diagnostic>) {
    for item in ctx.rule.items_with(Modifier::Re) {
        for value in item.values.iter().filter(|v| v.kind == ValueKind::Str) {
            if let Some(RegexProblem::Invalid(reason)) = regex_problem(&value.text) {
                out.push(Diagnostic::new(
                    &CHECK,
                    value.range,
                    format!("invalid regex `{}`: {reason}", value.text),
                ));
            }
        }
    }
}
