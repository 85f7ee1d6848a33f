use crate::checks::util::{did_you_mean, suggestion_suffix, verbatim_range};
use crate::checks::{Context, Diagnostic, Fix};
use crate::syntax::TextRange;

crate::check! {
    /// ## What it does
    /// Reports a tag whose namespace Sigma does not define: the known ones
    /// are `attack`, `car`, `cve`, `d3fend`, `detection`, `stp` and `tlp`.
    ///
    /// ## Why is this bad?
    /// A misspelt namespace (`atack.t1105`) hides the tag from ATT&CK
    /// coverage and from every tool that reads tags.
    ///
    /// ## Example
    /// ```yaml
    /// tags:
    ///     - atack.t1105
    /// ```
    ///
    /// ## Fix
    /// Correct the namespace (the fix does when one known namespace is
    /// close), or ignore this check for a deliberate custom namespace.
    code: "SL302",
    name: "unknown-tag-namespace",
    severity: Warning,
    fixable: true,
    runner: Rule(run),
}

const NAMESPACES: &[&str] = &["attack", "car", "cve", "d3fend", "detection", "stp", "tlp"];

fn run(ctx: &Context, out: &mut Vec<Diagnostic>) {
    for tag in &ctx.rule.tags {
        // A tag without a namespace is a format error (SL301).
        let Some((namespace, _)) = tag.value.split_once('.') else {
            continue;
        };
        if NAMESPACES.contains(&namespace.to_lowercase().as_str()) {
            continue;
        }
        let suggestion = did_you_mean(namespace, NAMESPACES.iter().copied());
        let mut diagnostic = Diagnostic::new(
            &CHECK,
            tag.range,
            format!(
                "tag `{}` has an unknown namespace `{namespace}`{}",
                tag.value,
                suggestion_suffix(suggestion)
            ),
        );
        let inner = verbatim_range(ctx.text(), tag.range, &tag.value);
        if let (Some(known), Some(inner)) = (suggestion, inner) {
            let range = TextRange::new(inner.start, inner.start + namespace.len() as u32);
            diagnostic = diagnostic.with_fix(Fix::replace(
                format!("Replace with `{known}`"),
                range,
                known,
            ));
        }
        out.push(diagnostic);
    }
}
