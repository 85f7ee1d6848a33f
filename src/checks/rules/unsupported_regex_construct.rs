use crate::checks::util::{RegexProblem, regex_problem};
use crate::checks::{Context, Diagnostic};
use crate::rule::{Modifier, ValueKind};

crate::check! {
    /// ## What it does
    /// Reports a `|re` value that uses PCRE constructs other regex engines
    /// lack: lookahead and lookbehind, backreferences, atomic groups,
    /// possessive quantifiers, or syntax the RE2/Rust family rejects.
    ///
    /// ## Why is this bad?
    /// Backends built on RE2 or similar engines (Go, Rust, many SIEMs)
    /// cannot convert the rule, or reject the query at run time.
    ///
    /// ## Example
    /// ```yaml
    /// CommandLine|re: 'powershell(?!.*-NoProfile)'
    /// ```
    ///
    /// ## Fix
    /// Express the exclusion as a separate selection (`and not filter`), or
    /// keep it when every target backend supports PCRE.
    code: "SL621",
    name: "unsupported-regex-construct",
    severity: Warning,
    fixable: false,
    runner: Rule(run),
}

fn run(ctx: &Context, out: &mut Vec<Diagnostic>) {
    for item in ctx.rule.items_with(Modifier::Re) {
        for value in item.values.iter().filter(|v| v.kind == ValueKind::Str) {
            if let Some(RegexProblem::Unsupported(construct)) = regex_problem(&value.text) {
                out.push(Diagnostic::new(
                    &CHECK,
                    value.range,
                    format!(
                        "regex uses {construct}, which RE2-style engines lack; check your backends support it"
                    ),
                ));
            }
        }
    }
}
