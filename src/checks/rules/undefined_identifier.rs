use crate::checks::util::{did_you_mean, suggestion_suffix};
use crate::checks::{Context, Diagnostic, Fix};
use crate::rule::Condition;

crate::check! {
    /// ## What it does
    /// Reports a condition that names a selection which does not exist, or
    /// an `x of pattern*` that matches no selection. Also reports a condition
    /// that does not parse.
    ///
    /// ## Why is this bad?
    /// The rule cannot be converted: backends stop at the unknown name.
    ///
    /// ## Example
    /// ```yaml
    /// detection:
    ///     selection:
    ///         Image|endswith: '\netsh.exe'
    ///     condition: selecton
    /// ```
    ///
    /// ## Fix
    /// Use the selection's name (the fix offers the closest one).
    code: "SL501",
    name: "undefined-identifier",
    severity: Error,
    fixable: true,
    runner: Rule(run),
}

fn run(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let Some(detection) = &ctx.rule.detection else {
        return;
    };
    let names = || detection.selections.iter().map(|s| s.name.value.as_str());
    for condition in &detection.conditions {
        let parsed = match &condition.parsed {
            Ok(parsed) => parsed,
            Err(error) => {
                out.push(Diagnostic::new(
                    &CHECK,
                    error.range,
                    format!("invalid condition: {}", error.message),
                ));
                continue;
            }
        };
        parsed.walk(&mut |node| match node {
            Condition::Ident(ident) if detection.selection(&ident.name).is_none() => {
                let suggestion = did_you_mean(&ident.name, names());
                let mut diagnostic = Diagnostic::new(
                    &CHECK,
                    ident.range,
                    format!(
                        "condition names `{}`, which is not a selection{}",
                        ident.name,
                        suggestion_suffix(suggestion)
                    ),
                );
                if let Some(name) = suggestion {
                    diagnostic = diagnostic.with_fix(Fix::replace(
                        format!("Replace with `{name}`"),
                        ident.range,
                        name,
                    ));
                }
                out.push(diagnostic);
            }
            Condition::Of {
                target: crate::rule::OfTarget::Pattern(pattern),
                ..
            } if detection.matching(&pattern.name).next().is_none() => {
                out.push(Diagnostic::new(
                    &CHECK,
                    pattern.range,
                    format!("`{}` matches no selection", pattern.name),
                ));
            }
            _ => {}
        });
    }
}
