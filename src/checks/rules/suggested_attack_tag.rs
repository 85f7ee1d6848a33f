use std::collections::BTreeMap;

use crate::checks::corpus::RuleInCorpus;
use crate::checks::util::rule_start;
use crate::checks::{Context, Diagnostic};
use crate::index::query::indicator_position;

crate::check! {
    /// ## What it does
    /// Suggests an ATT&CK tag when most of the rule's positive tests (at
    /// least two) are, in most corpus rules using them, tagged with a
    /// technique the rule lacks. Tests in fewer than
    /// `thresholds.corpus-min-rules` rules do not vote.
    ///
    /// ## Why is this bad?
    /// Coverage maps and alert triage read the tags; a missing technique
    /// hides the rule from both.
    ///
    /// ## Example
    /// A rule on `vssadmin delete shadows` without `attack.t1490`.
    ///
    /// ## Fix
    /// Add the tag (`attack.tNNNN`) if it describes the behaviour.
    code: "SL804",
    name: "suggested-attack-tag",
    severity: Info,
    fixable: false,
    runner: Rule(run),
}

fn run(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let Some(index) = ctx.index else { return };
    let in_corpus = RuleInCorpus::new(index, ctx.rule);
    let data = in_corpus.data();
    let min_rules = ctx.settings.thresholds.corpus_min_rules as usize;
    let mut voters = 0;
    let mut votes: BTreeMap<u32, usize> = BTreeMap::new();
    for key in &in_corpus.positive {
        let Some(position) = indicator_position(data, key) else { continue };
        let reach = in_corpus.indicator_rules(key).len();
        if reach < min_rules {
            continue;
        }
        voters += 1;
        for count in data.indicators[position as usize].per_technique.iter() {
            if count.rules.to_native() as usize * 2 > reach {
                *votes.entry(count.key.to_native()).or_default() += 1;
            }
        }
    }
    if voters < 2 {
        return;
    }
    let range = ctx.rule.tags.first().map_or_else(|| rule_start(ctx.rule), |t| t.range);
    for (technique, count) in votes {
        let record = &data.techniques[technique as usize];
        if count * 2 <= voters || in_corpus.techniques.contains(record.id.as_str()) {
            continue;
        }
        out.push(Diagnostic::new(
            &CHECK,
            range,
            format!(
                "{count} of this rule's {voters} widely used tests are mostly tagged {} ({}) in \
                 the corpus: consider `attack.{}`",
                record.id,
                record.name,
                record.id.to_lowercase()
            ),
        ));
    }
}
