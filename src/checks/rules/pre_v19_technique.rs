use crate::checks::util::technique_id;
use crate::checks::{Context, Diagnostic, Fix};
use crate::reference::{AMBIGUOUS_SUCCESSORS, ATTACK};

crate::check! {
    /// ## What it does
    /// Reports ATT&CK tags that SigmaHQ replaced when it moved to ATT&CK v19:
    /// techniques such as `attack.t1562.001` (now `attack.t1685`), and the
    /// tactic `attack.defense-evasion`, split into `attack.stealth` and
    /// `attack.defense-impairment`.
    ///
    /// ## Why is this bad?
    /// Coverage maps built on v19 do not know the old ids, and the rule
    /// disagrees with the rest of the SigmaHQ repository.
    ///
    /// ## Example
    /// ```yaml
    /// tags:
    ///     - attack.defense-evasion
    ///     - attack.t1562.001
    /// ```
    ///
    /// ## Fix
    /// Use the v19 technique (the fix does when SigmaHQ always moved the old
    /// one to the same technique), and `attack.stealth` or
    /// `attack.defense-impairment`, whichever fits the technique.
    code: "SL306",
    name: "pre-v19-technique",
    severity: Warning,
    fixable: true,
    runner: Rule(run),
}

fn run(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let has_tag = |wanted: &str| {
        ctx.rule
            .tags
            .iter()
            .any(|t| t.value.eq_ignore_ascii_case(wanted))
    };
    for tag in &ctx.rule.tags {
        if tag.value.eq_ignore_ascii_case("attack.defense-evasion") {
            out.push(Diagnostic::new(
                &CHECK,
                tag.range,
                "ATT&CK v19 split `attack.defense-evasion` into `attack.stealth` and \
                 `attack.defense-impairment`: use the one that fits the technique",
            ));
            continue;
        }
        let Some(id) = technique_id(&tag.value) else {
            continue;
        };
        let Some(successor) = ATTACK.successor(&id) else {
            continue;
        };
        let replacement = format!("attack.{}", successor.to_ascii_lowercase());
        // Where SigmaHQ chose different successors, the right one depends on
        // the rule: no fix. An existing successor tag would only be duplicated.
        let ambiguous = AMBIGUOUS_SUCCESSORS.contains(&id);
        let message = if ambiguous {
            format!(
                "`{}` was split in ATT&CK v19 (SigmaHQ mostly uses `{replacement}`): use the v19 technique that fits",
                tag.value
            )
        } else {
            format!(
                "`{}` moved to `{replacement}` in ATT&CK v19: use the new technique",
                tag.value
            )
        };
        let mut diagnostic = Diagnostic::new(&CHECK, tag.range, message);
        if !ambiguous && !has_tag(&replacement) {
            diagnostic = diagnostic.with_fix(Fix::replace(
                format!("Replace with `{replacement}`"),
                tag.range,
                replacement,
            ));
        }
        out.push(diagnostic);
    }
}
