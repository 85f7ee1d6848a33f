use crate::checks::{Context, Diagnostic};
use crate::reference::{TAXONOMY, TaxonomyLogSource};

crate::check! {
    /// ## What it does
    /// Reports a field the log source already implies: `EventID` or
    /// `Channel` in a Windows category such as `process_creation`, or
    /// `Provider_Name` naming the only provider of the category.
    ///
    /// ## Why is this bad?
    /// The category stands for several event sources (Sysmon, Security
    /// 4688, EDR telemetry); pinning one event id restricts the rule to one
    /// of them and breaks the pipelines that map the category.
    ///
    /// ## Example
    /// ```yaml
    /// logsource:
    ///     category: process_creation
    ///     product: windows
    /// detection:
    ///     selection:
    ///         EventID: 1
    ///         Image|endswith: '\netsh.exe'
    /// ```
    ///
    /// ## Fix
    /// Remove the field; the log source says it.
    code: "SL632",
    name: "field-implied-by-logsource",
    severity: Warning,
    fixable: false,
    runner: Rule(run),
}

fn run(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let (Some(detection), Some(logsource)) = (&ctx.rule.detection, &ctx.rule.logsource) else {
        return;
    };
    let part = |s: &Option<crate::rule::SpannedStr>| s.as_ref().map(|s| s.value.to_lowercase());
    let Some(category) = part(&logsource.category) else {
        return;
    };
    if part(&logsource.product).as_deref() != Some("windows") {
        return;
    }
    let source = TaxonomyLogSource {
        category: Some(category.clone()),
        product: Some("windows".into()),
        service: part(&logsource.service),
    };
    let redundant = TAXONOMY.redundant.get(&source);
    let without_eventid = TAXONOMY.categories_without_eventid.contains(&category);
    let providers = TAXONOMY.category_providers.get(&category);
    for item in detection.selections.iter().flat_map(|s| s.field_items()) {
        let field = item.field.value.as_str();
        // `EventID` only where the category stands for one event: in
        // `registry_event` it still tells key creation from value setting.
        let implied = (field != "EventID" && redundant.is_some_and(|r| r.contains(field)))
            || (without_eventid && field == "EventID")
            || (field == "Provider_Name"
                && providers.is_some_and(|known| {
                    // With several providers, naming one picks a subset.
                    known.len() == 1
                        && item
                            .values
                            .iter()
                            .all(|v| v.text.eq_ignore_ascii_case(&known[0]))
                }));
        if implied {
            out.push(Diagnostic::new(
                &CHECK,
                item.field.range,
                format!("`{field}` is implied by `category: {category}`; remove it"),
            ));
        }
    }
}
