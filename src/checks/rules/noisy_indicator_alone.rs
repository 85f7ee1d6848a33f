use std::collections::BTreeMap;

use crate::checks::corpus::{RuleInCorpus, sigma_item};
use crate::checks::{Context, Diagnostic};
use crate::index::normalize::IndicatorKey;
use crate::index::query::indicator_position;
use crate::rule::{Condition, Detection, Modifier, Quantifier, Selection, SelectionBody};

crate::check! {
    /// ## What it does
    /// Reports a way for the condition to match (an `or` branch, a selection
    /// standing alone) that needs only high-reach tests: tests at or above
    /// `thresholds.noisy-indicator-percentile` of reach among the tests of the
    /// rule's logsource in the corpus, and in at least
    /// `thresholds.noisy-indicator-min-rules` rules there. A selection joined
    /// by `and` with a specific test is narrowed and not reported; filters
    /// (`and not …`) do not narrow.
    ///
    /// ## Why is this bad?
    /// A test hundreds of rules start from (`Image|endswith: '\powershell.exe'`)
    /// matches constant benign activity; alone, it floods analysts.
    ///
    /// ## Example
    /// ```yaml
    /// detection:
    ///     selection_img:
    ///         Image|endswith: '\powershell.exe'
    ///     selection_cli:
    ///         CommandLine|contains: ' -enc '
    ///     condition: selection_img or selection_cli
    /// ```
    ///
    /// ## Fix
    /// Join the broad selection with a specific one (`and`).
    code: "SL801",
    name: "noisy-indicator-alone",
    severity: Warning,
    fixable: false,
    runner: Rule(run),
}

/// Beyond this many `or` branches the condition is not expanded.
const MAX_BRANCHES: usize = 64;

fn run(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let (Some(in_corpus), Some(detection)) = (ctx.in_corpus(), &ctx.rule.detection) else {
        return;
    };
    let thresholds = &ctx.settings.thresholds;
    let Some(percentile) = in_corpus.reach_percentile(thresholds.noisy_indicator_percentile) else {
        return;
    };
    let high_reach = percentile.max(thresholds.noisy_indicator_min_rules);
    let mut reported: Vec<Vec<&str>> = Vec::new();
    for parsed in detection.parsed_conditions() {
        let Some(branches) = branches(parsed, detection) else {
            continue;
        };
        for branch in branches.iter().filter(|b| !b.is_empty()) {
            let noisy: Option<Vec<Vec<IndicatorKey>>> = branch
                .iter()
                .map(|s| noisy_selection(in_corpus, s, high_reach))
                .collect();
            let Some(keys) = noisy.map(|k| k.concat()) else {
                continue;
            };
            let mut names: Vec<&str> = branch.iter().map(|s| s.name.value.as_str()).collect();
            names.sort_unstable();
            names.dedup();
            if reported.contains(&names) {
                continue;
            }
            let message = describe(in_corpus, &names, &keys);
            out.push(Diagnostic::new(&CHECK, branch[0].name.range, message));
            reported.push(names);
        }
    }
}

/// The ways the condition can match, as the selections each needs
/// (disjunctive form without the negated parts); `None` when too many.
fn branches<'a>(
    condition: &Condition,
    detection: &'a Detection,
) -> Option<Vec<Vec<&'a Selection>>> {
    let branches = match condition {
        Condition::Or(items, _) => {
            let mut all = Vec::new();
            for item in items {
                all.extend(branches(item, detection)?);
            }
            all
        }
        Condition::And(items, _) => {
            let mut product: Vec<Vec<&Selection>> = vec![Vec::new()];
            for item in items {
                let options = branches(item, detection)?;
                product = product
                    .iter()
                    .flat_map(|left| {
                        options
                            .iter()
                            .map(move |right| [left.clone(), right.clone()].concat())
                    })
                    .collect();
                if product.len() > MAX_BRANCHES {
                    return None;
                }
            }
            product
        }
        Condition::Not(..) => vec![Vec::new()],
        Condition::Ident(ident) => vec![detection.selection(&ident.name).into_iter().collect()],
        Condition::Of {
            quantifier, target, ..
        } => {
            let selections = detection.of_target(target);
            match quantifier {
                Quantifier::All => vec![selections],
                Quantifier::AtLeast(_) => selections.into_iter().map(|s| vec![s]).collect(),
            }
        }
    };
    (branches.len() <= MAX_BRANCHES).then_some(branches)
}

/// The high-reach tests a selection can match on alone, if it can: one of
/// its maps whose every item can match on a high-reach value.
fn noisy_selection(
    in_corpus: &RuleInCorpus,
    selection: &Selection,
    high_reach: u32,
) -> Option<Vec<IndicatorKey>> {
    let SelectionBody::Maps { maps, .. } = &selection.body else {
        return None;
    };
    maps.iter().find_map(|map| {
        if map.items.is_empty() {
            return None;
        }
        map.items
            .iter()
            .map(|item| {
                let keys = in_corpus.item_keys(item)?;
                let noisy = |k: &IndicatorKey| in_corpus.reach_in_logsource(k) >= high_reach;
                // `|all` needs every value; otherwise one broad value suffices.
                if item.has(Modifier::All) {
                    (!keys.is_empty() && keys.iter().all(noisy)).then(|| keys[0].clone())
                } else {
                    keys.into_iter().find(|k| noisy(k))
                }
            })
            .collect()
    })
}

fn describe(in_corpus: &RuleInCorpus, names: &[&str], keys: &[IndicatorKey]) -> String {
    let data = in_corpus.data();
    let key = keys
        .iter()
        .max_by_key(|k| in_corpus.reach_in_logsource(k))
        .expect("a noisy branch has a test");
    let shown = sigma_item(key).map_or_else(|| key.value.clone(), |(f, v)| format!("{f}: {v}"));
    let rules = in_corpus.indicator_rules(key);
    let mut per_vendor: BTreeMap<&str, usize> = BTreeMap::new();
    let mut together: BTreeMap<u32, usize> = BTreeMap::new();
    let position = indicator_position(data, key);
    for &rule in &rules {
        let vendor = data.vendors[usize::from(data.rules[rule as usize].vendor)].as_str();
        *per_vendor.entry(vendor).or_default() += 1;
        for &other in &in_corpus.index.tables().indicators[rule as usize] {
            if Some(other) != position {
                *together.entry(other).or_default() += 1;
            }
        }
    }
    let vendors: Vec<String> = per_vendor.iter().map(|(v, n)| format!("{v} {n}")).collect();
    let mut together: Vec<(u32, usize)> = together.into_iter().collect();
    together.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let partners: Vec<String> = together
        .iter()
        .take(3)
        .map(|&(i, n)| {
            let row = &data.indicators[i as usize];
            let field = &data.fields[row.field.to_native() as usize].name;
            format!("`{field}` `{}` ({n})", row.value)
        })
        .collect();
    format!(
        "`{}` can match on high-reach tests alone: `{shown}` is in {} corpus rules ({}), {} under \
         this logsource; it usually comes with {}: narrow it with a specific test",
        names.join(" and "),
        rules.len(),
        vendors.join(", "),
        in_corpus.reach_in_logsource(key),
        if partners.is_empty() {
            "nothing else".to_string()
        } else {
            partners.join(", ")
        }
    )
}
