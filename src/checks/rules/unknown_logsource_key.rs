use crate::checks::util::{did_you_mean, suggestion_suffix};
use crate::checks::{Context, Diagnostic, Fix};

crate::check! {
    /// ## What it does
    /// Reports a key in `logsource` other than `category`, `product`,
    /// `service` and `definition`.
    ///
    /// ## Why is this bad?
    /// Backends pick the log source from those keys only: a misspelt
    /// `categorie` is ignored, so the rule searches far more logs than
    /// intended, or none.
    ///
    /// ## Example
    /// ```yaml
    /// logsource:
    ///     categorie: process_creation
    ///     product: windows
    /// ```
    ///
    /// ## Fix
    /// Correct the key (the fix does when one known key is close).
    code: "SL401",
    name: "unknown-logsource-key",
    severity: Warning,
    fixable: true,
    runner: Rule(run),
}

const KEYS: &[&str] = &["category", "product", "service", "definition"];

fn run(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let Some(entries) = ctx
        .root()
        .and_then(|root| root.get("logsource"))
        .and_then(|node| node.as_mapping())
    else {
        return;
    };
    let present = |key: &str| entries.iter().any(|e| e.key_str() == Some(key));
    for entry in entries {
        let Some(key) = entry.key_str() else { continue };
        if KEYS.contains(&key) {
            continue;
        }
        let suggestion = did_you_mean(key, KEYS.iter().copied()).filter(|known| !present(known));
        let mut diagnostic = Diagnostic::new(
            &CHECK,
            entry.key.range,
            format!(
                "unknown logsource key `{key}` (use category, product, service or definition){}",
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
