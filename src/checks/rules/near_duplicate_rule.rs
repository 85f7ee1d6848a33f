use crate::checks::util::rule_start;
use crate::checks::{Context, Diagnostic};

crate::check! {
    /// ## What it does
    /// Reports a rule whose positive tests and logsource closely match an
    /// existing corpus rule: Jaccard similarity of the normalized positive
    /// tests at least `thresholds.near-duplicate-jaccard` (0.8), with at
    /// least three tests. Names the rule (title, vendor, path).
    ///
    /// ## Why is this bad?
    /// A second rule for the same behaviour doubles alerts and maintenance;
    /// improving the existing rule helps everyone using it.
    ///
    /// ## Example
    /// A rule re-testing the selections of SigmaHQ's rule for the same tool.
    ///
    /// ## Fix
    /// Extend the existing rule, or make the difference explicit.
    code: "SL803",
    name: "near-duplicate-rule",
    severity: Info,
    fixable: false,
    runner: Rule(run),
}

/// Fewer tests make any overlap look like a duplicate.
const MIN_TESTS: usize = 3;

fn run(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let Some(in_corpus) = ctx.in_corpus() else {
        return;
    };
    if in_corpus.positive.len() < MIN_TESTS {
        return;
    }
    let closest = in_corpus
        .similar()
        .iter()
        .max_by(|a, b| a.jaccard.total_cmp(&b.jaccard).then(b.rule.cmp(&a.rule)));
    let Some(closest) = closest else { return };
    if closest.jaccard < ctx.settings.thresholds.near_duplicate_jaccard {
        return;
    }
    let path = &in_corpus.data().rules[closest.rule as usize].path;
    let range = ctx
        .rule
        .title
        .as_ref()
        .map_or_else(|| rule_start(ctx.rule), |t| t.range);
    out.push(Diagnostic::new(
        &CHECK,
        range,
        format!(
            "nearly the same tests as corpus rule {} at `{path}` (Jaccard {:.2}, {} shared tests)",
            in_corpus.describe(closest.rule),
            closest.jaccard,
            closest.shared
        ),
    ));
}
