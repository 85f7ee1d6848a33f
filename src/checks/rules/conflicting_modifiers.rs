use crate::checks::{Context, Diagnostic};
use crate::rule::Modifier;

crate::check! {
    /// ## What it does
    /// Reports modifiers that cannot be combined: two ways of comparing
    /// (`contains|endswith`), `re` with `contains`/`startswith`/`endswith` or
    /// `windash`, the regex flags `i`/`m`/`s` without `re`, `gt`/`gte`/`lt`/`lte`
    /// or a time part (`hour`, ...) with string matching, and `cidr` or
    /// `exists` with any other modifier.
    ///
    /// ## Why is this bad?
    /// Converters reject the rule, or apply one modifier and silently drop
    /// the other.
    ///
    /// ## Example
    /// ```yaml
    /// CommandLine|contains|endswith: 'portproxy'
    /// ```
    ///
    /// ## Fix
    /// Keep the modifier that says what you mean.
    code: "SL603",
    name: "conflicting-modifiers",
    severity: Error,
    fixable: false,
    runner: Rule(run),
}

fn run(ctx: &Context, out: &mut Vec<Diagnostic>) {
    for item in ctx.rule.field_items() {
        let known: Vec<(Modifier, _)> = item
            .modifiers
            .iter()
            .filter_map(|m| Some((m.value.clone().ok()?, m.range)))
            .collect();
        if let Some((flag, range)) = known.iter().find(|(m, _)| m.is_regex_flag()) {
            if !item.has(Modifier::Re) {
                out.push(Diagnostic::new(
                    &CHECK,
                    *range,
                    format!(
                        "regex flag `{}` needs `re`; add `|re` or drop the flag",
                        flag.name()
                    ),
                ));
            }
        }
        let conflict = known.iter().enumerate().find_map(|(i, (second, range))| {
            known[..i]
                .iter()
                .find(|(first, _)| first.conflicts_with(*second))
                .map(|(first, _)| (*first, *second, *range))
        });
        if let Some((first, second, range)) = conflict {
            out.push(Diagnostic::new(
                &CHECK,
                range,
                format!(
                    "`{}` conflicts with `{}`; keep the one that says what you mean",
                    second.name(),
                    first.name()
                ),
            ));
        }
    }
}
