use crate::checks::util::technique_id;
use crate::checks::{Context, Diagnostic};
use crate::index::normalize::technique;

crate::check! {
    /// ## What it does
    /// Reports an ATT&CK technique tag that none of the rule's similar corpus
    /// rules (same logsource, shared positive tests; at least
    /// `thresholds.corpus-min-rules` / 2 of them) carry.
    ///
    /// ## Why is this bad?
    /// An unusual tag is often a typo in the id or a copy-paste from another
    /// rule; coverage maps then count the rule for the wrong technique.
    ///
    /// ## Example
    /// A `certutil -urlcache` download rule tagged `attack.t1003`.
    ///
    /// ## Fix
    /// Check the technique; keep it if the rule really detects it.
    code: "SL805",
    name: "unusual-attack-tag",
    severity: Info,
    fixable: false,
    runner: Rule(run),
}

/// How many similar rules the comparison reads.
const NEIGHBOURS: usize = 20;

fn run(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let Some(in_corpus) = ctx.in_corpus() else {
        return;
    };
    let data = in_corpus.data();
    let similar: Vec<_> = in_corpus.similar().iter().take(NEIGHBOURS).collect();
    if similar.len() < (ctx.settings.thresholds.corpus_min_rules / 2).max(1) as usize {
        return;
    }
    for tag in &ctx.rule.tags {
        let Some(id) = technique_id(&tag.value) else {
            continue;
        };
        let id = technique(&id);
        let carried = similar.iter().any(|s| {
            data.rules[s.rule as usize]
                .techniques
                .iter()
                .any(|t| data.techniques[t.to_native() as usize].id == id.as_str())
        });
        if !carried {
            out.push(Diagnostic::new(
                &CHECK,
                tag.range,
                format!(
                    "none of the {} most similar corpus rules is tagged {id}",
                    similar.len()
                ),
            ));
        }
    }
}
