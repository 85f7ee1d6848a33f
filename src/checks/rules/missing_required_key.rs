use crate::checks::{Context, Diagnostic};
use crate::rule::RuleKind;
use crate::syntax::TextRange;
use crate::syntax::yaml::YamlErrorKind;

crate::check! {
    /// ## What it does
    /// Reports a rule without `title`, `logsource`, `detection` or a
    /// `condition` inside `detection` (correlation rules need `title` and
    /// `correlation`; filter rules `title`, `logsource` and `filter`).
    ///
    /// ## Why is this bad?
    /// Sigma tools refuse such a rule: it cannot be converted or run.
    ///
    /// ## Example
    /// ```yaml
    /// title: Netsh port forwarding
    /// detection:
    ///     selection:
    ///         Image|endswith: '\netsh.exe'
    /// ```
    ///
    /// ## Fix
    /// Add the missing key (here `logsource` and `condition: selection`).
    code: "SL103",
    name: "missing-required-key",
    severity: Error,
    fixable: false,
    runner: Rule(run),
}

fn run(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let rule = ctx.rule;
    let Some(root) = ctx.root() else { return };
    // After a syntax error the tree is cut short; SL101 already reports it.
    if ctx
        .file
        .yaml
        .errors
        .iter()
        .any(|e| e.kind == YamlErrorKind::Syntax)
    {
        return;
    }
    let at = TextRange::new(rule.range.start, rule.range.start);
    let required: &[&str] = match rule.kind {
        RuleKind::Detection => &["title", "logsource", "detection"],
        RuleKind::Correlation => &["title", "correlation"],
        RuleKind::Filter => &["title", "logsource", "filter"],
        RuleKind::Global => &[],
    };
    let has = |key: &str| match key {
        "title" => rule.title.is_some(),
        "logsource" => rule.logsource.is_some() || root.entry(key).is_some(),
        _ => root.entry(key).is_some() || (key == "detection" && rule.detection.is_some()),
    };
    for key in required.iter().filter(|k| !has(k)) {
        out.push(Diagnostic::new(
            &CHECK,
            at,
            format!("missing required key `{key}`"),
        ));
    }
    if let Some(detection) = &rule.detection {
        if rule.kind != RuleKind::Global && detection.conditions.is_empty() {
            let key = root
                .entry(if rule.kind == RuleKind::Filter {
                    "filter"
                } else {
                    "detection"
                })
                .map_or(detection.range, |e| e.key.range);
            out.push(Diagnostic::new(&CHECK, key, "detection has no `condition`"));
        }
    }
}
