use crate::checks::corpus::RuleInCorpus;
use crate::checks::util::technique_id;
use crate::checks::{Context, Diagnostic};
use crate::config::Thresholds;
use crate::index::normalize::technique;

crate::check! {
    /// ## What it does
    /// Reports an ATT&CK technique tag that none of the rule's similar corpus
    /// rules (same logsource, positive tests with a Jaccard similarity of at
    /// least `thresholds.unusual-tag-jaccard`, 0.3; at least
    /// `thresholds.corpus-min-rules` / 2 of them) carry, not even as its
    /// parent or a sibling sub-technique.
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
    let thresholds = &ctx.settings.thresholds;
    for tag in &ctx.rule.tags {
        let Some(id) = technique_id(&tag.value) else {
            continue;
        };
        let id = technique(&id);
        if let Some(similar) = uncarried(in_corpus, &id, thresholds) {
            out.push(Diagnostic::new(
                &CHECK,
                tag.range,
                format!(
                    "none of the {similar} most similar corpus rules (sharing at least {:.0}% \
                     of their tests) is tagged {id} or a technique of its family",
                    thresholds.unusual_tag_jaccard * 100.0
                ),
            ));
        }
    }
}

/// How many similar rules (a Jaccard similarity of at least
/// `unusual-tag-jaccard`) were read, when there were at least
/// `corpus-min-rules` / 2 and none of them carries technique `id` (a v19
/// id), its parent or a sibling sub-technique: those are a matter of
/// precision, not the slip this check looks for.
///
/// In `sigmalens eval`, reading every rule sharing a test flagged 16% of
/// real tags (and 25% of tags copied from another rule); from a Jaccard of
/// 0.3 up it flags 1.6% of real tags and 4.6% of copied ones.
pub fn uncarried(in_corpus: &RuleInCorpus, id: &str, thresholds: &Thresholds) -> Option<usize> {
    let min_similar = (thresholds.corpus_min_rules / 2).max(1) as usize;
    let data = in_corpus.data();
    let similar: Vec<_> = in_corpus
        .similar()
        .iter()
        .filter(|s| s.jaccard >= thresholds.unusual_tag_jaccard)
        .take(NEIGHBOURS)
        .collect();
    if similar.len() < min_similar {
        return None;
    }
    let family = |technique: &str| technique.split('.').next().unwrap_or(technique).to_string();
    let wanted = family(id);
    let carried = similar.iter().any(|s| {
        data.rules[s.rule as usize]
            .techniques
            .iter()
            .any(|t| family(&data.techniques[t.to_native() as usize].id) == wanted)
    });
    (!carried).then_some(similar.len())
}
