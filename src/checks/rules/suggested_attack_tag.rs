use std::collections::BTreeMap;

use crate::checks::util::rule_start;
use crate::checks::{Context, Diagnostic};

crate::check! {
    /// ## What it does
    /// Suggests an ATT&CK tag when, for most of the rule's positive tests
    /// (at least two), the technique most corpus rules using the test carry
    /// (at least a quarter of them) is one the rule lacks. Tests in fewer
    /// than `thresholds.corpus-min-rules` rules do not vote.
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

/// The share of a test's rules its top technique needs to speak for it.
const MIN_SHARE: f64 = 0.25;

fn run(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let Some(in_corpus) = ctx.in_corpus() else {
        return;
    };
    let data = in_corpus.data();
    let min_rules = ctx.settings.thresholds.corpus_min_rules as usize;
    let mut voters = 0;
    let mut votes: BTreeMap<u32, usize> = BTreeMap::new();
    for &position in in_corpus.positive_indicators() {
        let rules: Vec<u32> = in_corpus.rules_testing(position).collect();
        if rules.len() < min_rules {
            continue;
        }
        voters += 1;
        let mut per_technique: BTreeMap<u32, usize> = BTreeMap::new();
        for &rule in &rules {
            for technique in data.rules[rule as usize].techniques.iter() {
                *per_technique.entry(technique.to_native()).or_default() += 1;
            }
        }
        let top = per_technique
            .into_iter()
            .max_by_key(|&(technique, rules)| (rules, std::cmp::Reverse(technique)));
        if let Some((technique, _)) =
            top.filter(|&(_, top_rules)| top_rules as f64 >= MIN_SHARE * rules.len() as f64)
        {
            *votes.entry(technique).or_default() += 1;
        }
    }
    if voters < 2 {
        return;
    }
    let range = ctx
        .rule
        .tags
        .first()
        .map_or_else(|| rule_start(ctx.rule), |t| t.range);
    for (technique, count) in votes {
        let record = &data.techniques[technique as usize];
        // A tag for the technique or one of its sub-techniques is enough.
        let tagged = in_corpus
            .techniques
            .iter()
            .any(|t| t.starts_with(record.id.as_str()));
        if count * 2 <= voters || tagged {
            continue;
        }
        out.push(Diagnostic::new(
            &CHECK,
            range,
            format!(
                "for {count} of this rule's {voters} widely used tests, corpus rules most often \
                 carry {} ({}): consider `attack.{}`",
                record.id,
                record.name,
                record.id.to_lowercase()
            ),
        ));
    }
}
