use std::collections::BTreeSet;

use crate::checks::{Context, Diagnostic, Fix};
use crate::reference::TAXONOMY;
use crate::rule::LogSource;

crate::check! {
    /// ## What it does
    /// Reports a field name that differs only in case from a field the
    /// taxonomy knows for the rule's log source (`commandline`).
    ///
    /// ## Why is this bad?
    /// Field mappings and many backends match field names exactly: the item
    /// silently tests a field that does not exist.
    ///
    /// ## Example
    /// ```yaml
    /// logsource:
    ///     category: process_creation
    ///     product: windows
    /// detection:
    ///     selection:
    ///         commandline|contains: 'portproxy'
    /// ```
    ///
    /// ## Fix
    /// Use the taxonomy's spelling (`CommandLine`).
    code: "SL631",
    name: "field-name-case",
    severity: Warning,
    fixable: true,
    runner: Rule(run),
}

fn run(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let (Some(detection), Some(logsource)) = (&ctx.rule.detection, &ctx.rule.logsource) else {
        return;
    };
    let known = fields_under(logsource);
    if known.is_empty() {
        return;
    }
    for item in detection.selections.iter().flat_map(|s| s.field_items()) {
        let field = item.field.value.as_str();
        // A spelling some log source uses is not a mistake.
        if field.is_empty() || TAXONOMY.fields.values().any(|f| f.contains(field)) {
            continue;
        }
        let Some(&spelling) = known.iter().find(|k| k.eq_ignore_ascii_case(field)) else {
            continue;
        };
        let mut diagnostic = Diagnostic::new(
            &CHECK,
            item.field.range,
            format!("field `{field}` is spelled `{spelling}` in this log source; fix the case"),
        );
        if item.field.range.slice(ctx.text()) == field {
            diagnostic = diagnostic.with_fix(Fix::replace(
                format!("Replace with `{spelling}`"),
                item.field.range,
                spelling,
            ));
        }
        out.push(diagnostic);
    }
}

/// Fields of the taxonomy log sources the rule's log source falls under:
/// those whose category, product and service are absent or equal to the rule's.
fn fields_under(logsource: &LogSource) -> BTreeSet<&'static str> {
    let part = |s: &Option<crate::rule::SpannedStr>| s.as_ref().map(|s| s.value.to_lowercase());
    let (category, product, service) = (
        part(&logsource.category),
        part(&logsource.product),
        part(&logsource.service),
    );
    let fits = |known: &Option<String>, own: &Option<String>| {
        known.is_none() || known.as_deref() == own.as_deref()
    };
    TAXONOMY
        .fields
        .iter()
        .filter(|(source, _)| {
            fits(&source.category, &category)
                && fits(&source.product, &product)
                && fits(&source.service, &service)
        })
        .flat_map(|(_, fields)| fields.iter().map(String::as_str))
        .collect()
}
