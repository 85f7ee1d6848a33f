use std::collections::{BTreeMap, BTreeSet};

use crate::checks::corpus::RuleInCorpus;
use crate::checks::util::rule_start;
use crate::checks::{Context, Diagnostic};
use crate::config::Thresholds;

crate::check! {
    /// ## What it does
    /// Suggests an ATT&CK tag when, for most of the rule's positive tests
    /// (at least two), the technique most corpus rules using the test carry
    /// (at least `thresholds.suggested-tag-share`, 0.35, of them) is one the rule lacks. Tests in fewer
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

fn run(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let Some(in_corpus) = ctx.in_corpus() else {
        return;
    };
    let range = ctx
        .rule
        .tags
        .first()
        .map_or_else(|| rule_start(ctx.rule), |t| t.range);
    let data = in_corpus.data();
    for suggestion in suggest_techniques(in_corpus, &in_corpus.techniques, &ctx.settings.thresholds)
    {
        let record = &data.techniques[suggestion.technique as usize];
        out.push(Diagnostic::new(
            &CHECK,
            range,
            format!(
                "for {} of this rule's {} widely used tests, corpus rules most often \
                 carry {} ({}): consider `attack.{}`",
                suggestion.votes,
                suggestion.voters,
                record.id,
                record.name,
                record.id.to_lowercase()
            ),
        ));
    }
}

/// A technique most of a rule's widely used tests point to.
pub struct TechniqueSuggestion {
    /// Position in the index's `techniques`.
    pub technique: u32,
    /// Tests whose top technique it is, of `voters` widely used tests.
    pub votes: usize,
    pub voters: usize,
}

/// The techniques, not among `techniques` (v19 ids, a parent covering its
/// sub-techniques), that most of the rule's tests used by at least
/// `corpus-min-rules` corpus rules point to; a test points to the technique
/// that at least `suggested-tag-share` of its rules carry.
///
/// In `sigmalens eval`, a share of 0.25 suggested a tag for 4.6% of fully
/// tagged rules while recovering 2.4% of techniques removed from them; 0.35
/// suggests one for 0.3% and recovers 1.8% (0.4 loses `rundll32` -> T1218.011).
pub fn suggest_techniques(
    in_corpus: &RuleInCorpus,
    techniques: &BTreeSet<String>,
    thresholds: &Thresholds,
) -> Vec<TechniqueSuggestion> {
    let min_rules = thresholds.corpus_min_rules as usize;
    let data = in_corpus.data();
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
        if let Some((technique, _)) = top.filter(|&(_, top_rules)| {
            top_rules as f64 >= thresholds.suggested_tag_share * rules.len() as f64
        }) {
            *votes.entry(technique).or_default() += 1;
        }
    }
    if voters < 2 {
        return Vec::new();
    }
    votes
        .into_iter()
        .filter(|&(technique, count)| {
            let id = data.techniques[technique as usize].id.as_str();
            // A tag for the technique or one of its sub-techniques is enough.
            count * 2 > voters && !techniques.iter().any(|t| t.starts_with(id))
        })
        .map(|(technique, votes)| TechniqueSuggestion {
            technique,
            votes,
            voters,
        })
        .collect()
}
