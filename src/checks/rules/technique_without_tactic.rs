use std::collections::BTreeSet;

use crate::checks::util::technique_id;
use crate::checks::{Context, Diagnostic};
use crate::reference::ATTACK;

crate::check! {
    /// ## What it does
    /// Reports an ATT&CK technique tag when none of the technique's tactics
    /// is tagged too (`attack.t1090` without `attack.command-and-control`).
    /// For a technique of `defense-evasion`, the v19 tactics `stealth` and
    /// `defense-impairment` count as well.
    ///
    /// ## Why is this bad?
    /// Coverage maps are drawn per tactic: without one, the rule is missing
    /// from the tactic's column and from tactic-based rule selection.
    ///
    /// ## Example
    /// ```yaml
    /// tags:
    ///     - attack.t1090
    /// ```
    ///
    /// ## Fix
    /// Add the tactic the rule detects (`attack.command-and-control`).
    code: "SL305",
    name: "technique-without-tactic",
    severity: Info,
    fixable: false,
    runner: Rule(run),
}

fn run(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let tagged: BTreeSet<String> = ctx
        .rule
        .tags
        .iter()
        .filter_map(|tag| {
            tag.value
                .to_lowercase()
                .strip_prefix("attack.")
                .map(str::to_string)
        })
        .filter(|value| ATTACK.is_tactic(value))
        .collect();
    for tag in &ctx.rule.tags {
        let Some(technique) = technique_id(&tag.value).and_then(|id| ATTACK.technique(&id)) else {
            continue;
        };
        let accepted = ATTACK.accepted_tactics(technique);
        if accepted.is_empty() || accepted.iter().any(|t| tagged.contains(*t)) {
            continue;
        }
        let options: Vec<String> = accepted.iter().map(|t| format!("`attack.{t}`")).collect();
        out.push(Diagnostic::new(
            &CHECK,
            tag.range,
            format!(
                "technique `{}` has no tactic tag: add {}",
                tag.value,
                options.join(" or ")
            ),
        ));
    }
}
