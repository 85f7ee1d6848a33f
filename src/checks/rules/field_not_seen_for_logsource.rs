use crate::checks::util::edit_distance;
use crate::checks::{Context, Diagnostic};
use crate::corpus::rule::Vendor;
use crate::index::normalize::NORMALIZER;
use crate::index::query::field_position;

crate::check! {
    /// ## What it does
    /// Reports a field that no corpus rule tests under the rule's logsource
    /// although rules of other logsources do (at least a quarter of
    /// `thresholds.corpus-min-rules`), with the closest field names the
    /// corpus uses there. Only logsources with at least
    /// `thresholds.corpus-min-rules` corpus rules are judged.
    ///
    /// ## Why is this bad?
    /// A field the log source does not have never matches: the selection is
    /// dead, often from copying a selection between rule types.
    ///
    /// ## Example
    /// ```yaml
    /// logsource:
    ///     category: dns_query
    ///     product: windows
    /// detection:
    ///     selection:
    ///         CommandLine|contains: 'nslookup'
    /// ```
    ///
    /// ## Fix
    /// Use a field of the log source (`QueryName`), or change the logsource.
    code: "SL806",
    name: "field-not-seen-for-logsource",
    severity: Warning,
    fixable: false,
    runner: Rule(run),
}

fn run(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let (Some(in_corpus), Some(detection)) = (ctx.in_corpus(), &ctx.rule.detection) else {
        return;
    };
    // A product alone (`windows`) pools unrelated sources: absence there says nothing.
    if in_corpus.logsource.category.is_empty() && in_corpus.logsource.service.is_empty() {
        return;
    }
    let Some(position) = in_corpus.logsource_position else {
        return;
    };
    let data = in_corpus.data();
    let logsource = &data.logsources[position as usize];
    let own = in_corpus.own_in_logsource();
    if logsource.rules.to_native().saturating_sub(own) < ctx.settings.thresholds.corpus_min_rules {
        return;
    }
    let min_elsewhere = (ctx.settings.thresholds.corpus_min_rules / 4).max(1);
    let known: Vec<(&str, u32)> = logsource
        .fields
        .iter()
        .map(|c| {
            let name = data.fields[c.key.to_native() as usize].name.as_str();
            (name, c.rules.to_native())
        })
        .collect();
    for item in detection.selections.iter().flat_map(|s| s.field_items()) {
        if item.field.value.is_empty() {
            continue;
        }
        let (canonical, _) =
            NORMALIZER.canonical_field(Vendor::Sigma, &item.field.value, &in_corpus.logsource);
        // The rule's own index entry used the field too: it does not count.
        let seen = known
            .iter()
            .any(|&(name, rules)| name.eq_ignore_ascii_case(&canonical) && rules > own);
        // A field rare everywhere is just rare; one common elsewhere is misplaced.
        let elsewhere = field_position(data, &canonical)
            .map_or(0, |f| data.fields[f as usize].rules.to_native());
        if seen || elsewhere < min_elsewhere {
            continue;
        }
        let mut closest: Vec<(usize, &str)> = known
            .iter()
            .filter(|(name, _)| !name.eq_ignore_ascii_case(&canonical))
            .map(|&(name, _)| {
                let distance = edit_distance(&canonical.to_lowercase(), &name.to_lowercase());
                (distance, name)
            })
            .collect();
        closest.sort();
        let names: Vec<String> = closest
            .iter()
            .take(3)
            .map(|(_, n)| format!("`{n}`"))
            .collect();
        out.push(Diagnostic::new(
            &CHECK,
            item.field.range,
            format!(
                "no corpus rule tests `{}` under `{}` ({} rules), though {elsewhere} rules \
                 elsewhere do; closest fields there: {}",
                item.field.value,
                ctx.rule
                    .logsource
                    .as_ref()
                    .map_or(String::new(), |l| l.key()),
                logsource.rules.to_native(),
                names.join(", ")
            ),
        ));
    }
}
