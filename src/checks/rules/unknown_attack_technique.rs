use crate::checks::util::{did_you_mean, suggestion_suffix, technique_id};
use crate::checks::{Context, Diagnostic, Fix};
use crate::reference::ATTACK;

crate::check! {
    /// ## What it does
    /// Reports an `attack.` tag that is no ATT&CK Enterprise technique,
    /// tactic, group (`g0069`) or software (`s0029`) id, or names a revoked
    /// or deprecated technique. Knows ATT&CK v18.1 and the v19 techniques
    /// SigmaHQ moved to.
    ///
    /// ## Why is this bad?
    /// ATT&CK coverage maps built from the rules miss the rule, or count it
    /// for a technique that no longer exists.
    ///
    /// ## Example
    /// ```yaml
    /// tags:
    ///     - attack.t1002        # revoked
    ///     - attack.comand-and-control
    /// ```
    ///
    /// ## Fix
    /// Use the current technique (ATT&CK names what replaced a revoked one),
    /// or correct the tactic (the fix does when one tactic is close).
    code: "SL304",
    name: "unknown-attack-technique",
    severity: Warning,
    fixable: true,
    runner: Rule(run),
}

/// `g0069` or `s0029`: ATT&CK group and software ids.
fn is_group_or_software(value: &str) -> bool {
    value.len() == 5
        && value.starts_with(['g', 's'])
        && value[1..].bytes().all(|b| b.is_ascii_digit())
}

fn run(ctx: &Context, out: &mut Vec<Diagnostic>) {
    for tag in &ctx.rule.tags {
        let lower = tag.value.to_lowercase();
        let Some(value) = lower.strip_prefix("attack.") else {
            continue;
        };
        if let Some(id) = technique_id(&lower) {
            let problem = match ATTACK.technique(&id) {
                None => "is not an ATT&CK technique",
                Some(technique) if technique.revoked => "is a revoked ATT&CK technique",
                Some(technique) if technique.deprecated => "is a deprecated ATT&CK technique",
                Some(_) => continue,
            };
            out.push(Diagnostic::new(
                &CHECK,
                tag.range,
                format!("`{}` {problem}: use a current technique id", tag.value),
            ));
            continue;
        }
        if ATTACK.is_tactic(value) || is_group_or_software(value) {
            continue;
        }
        let suggestion = did_you_mean(value, ATTACK.tactics.iter().map(String::as_str))
            .map(|tactic| format!("attack.{tactic}"));
        let mut diagnostic = Diagnostic::new(
            &CHECK,
            tag.range,
            format!(
                "`{}` is no ATT&CK tactic, technique, group or software id{}",
                tag.value,
                suggestion_suffix(suggestion.as_deref())
            ),
        );
        if let Some(tactic) = suggestion {
            diagnostic = diagnostic.with_fix(Fix::replace(
                format!("Replace with `{tactic}`"),
                tag.range,
                tactic,
            ));
        }
        out.push(diagnostic);
    }
}
