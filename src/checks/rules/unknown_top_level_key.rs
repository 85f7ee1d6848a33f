use crate::checks::util::{did_you_mean, suggestion_suffix};
use crate::checks::{Context, Diagnostic, Fix};

crate::check! {
    /// ## What it does
    /// Reports a top-level key that Sigma does not define, suggesting the
    /// closest known key.
    ///
    /// ## Why is this bad?
    /// Sigma tools keep unknown keys as custom attributes, so a misspelt
    /// `refrences` or `falsepositive` is silently dropped from every
    /// conversion and report.
    ///
    /// ## Example
    /// ```yaml
    /// refrences:
    ///     - https://example.org/report
    /// ```
    ///
    /// ## Fix
    /// Correct the key (the fix renames it when one known key is close), or
    /// ignore this check for a deliberate custom attribute.
    code: "SL104",
    name: "unknown-top-level-key",
    severity: Warning,
    fixable: true,
    runner: Rule(run),
}

/// The Sigma specification's keys, plus those SigmaHQ rules use.
const TOP_LEVEL_KEYS: &[&str] = &[
    "action",
    "author",
    "correlation",
    "date",
    "description",
    "detection",
    "falsepositives",
    "fields",
    "filter",
    "generate",
    "id",
    "level",
    "license",
    "logsource",
    "modified",
    "name",
    "references",
    "regression_tests_path",
    "related",
    "scope",
    "simulation",
    "status",
    "tags",
    "taxonomy",
    "title",
];

fn run(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let Some(entries) = ctx.root().and_then(|root| root.as_mapping()) else {
        return;
    };
    let present = |key: &str| entries.iter().any(|e| e.key_str() == Some(key));
    for entry in entries {
        let Some(key) = entry.key_str() else { continue };
        if TOP_LEVEL_KEYS.contains(&key) {
            continue;
        }
        // Renaming onto a key the rule already has would make a duplicate.
        let suggestion =
            did_you_mean(key, TOP_LEVEL_KEYS.iter().copied()).filter(|known| !present(known));
        let mut diagnostic = Diagnostic::new(
            &CHECK,
            entry.key.range,
            format!(
                "unknown top-level key `{key}`{}",
                suggestion_suffix(suggestion)
            ),
        );
        if let Some(known) = suggestion {
            diagnostic = diagnostic.with_fix(Fix::replace(
                format!("Rename to `{known}`"),
                entry.key.range,
                known,
            ));
        }
        out.push(diagnostic);
    }
}
