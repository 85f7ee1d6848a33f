use crate::checks::{Context, Diagnostic};
use crate::rule::Modifier;

crate::check! {
    /// ## What it does
    /// Reports modifiers that cannot be combined: two ways of comparing
    /// (`contains|endswith`), `re` with `contains`/`startswith`/`endswith` or
    /// `windash`, the regex flags `i`/`m`/`s` without `re`, `gt`/`gte`/`lt`/`lte`
    /// with string matching, and `cidr` or `exists` with any other modifier.
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
                .find(|(first, _)| conflicts(*first, *second))
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

fn is_string_matching(modifier: Modifier) -> bool {
    matches!(
        modifier,
        Modifier::Contains
            | Modifier::StartsWith
            | Modifier::EndsWith
            | Modifier::Re
            | Modifier::Windash
            | Modifier::Cased
    ) || modifier.is_encoding()
}

/// Can `a` and `b` not appear on the same field item?
fn conflicts(a: Modifier, b: Modifier) -> bool {
    use Modifier::*;
    let pair = |x: Modifier, y: Modifier| (a == x && b == y) || (a == y && b == x);
    let wildcards = |m: Modifier| matches!(m, Contains | StartsWith | EndsWith);
    if a == b {
        return false;
    }
    (wildcards(a) && wildcards(b))
        || (a == Re && wildcards(b))
        || (b == Re && wildcards(a))
        || pair(Windash, Re)
        || (a.is_numeric() && b.is_numeric())
        || (a.is_numeric() && is_string_matching(b))
        || (b.is_numeric() && is_string_matching(a))
        || a == Cidr
        || b == Cidr
        || a == Exists
        || b == Exists
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs() {
        use Modifier::*;
        assert!(conflicts(Contains, EndsWith));
        assert!(conflicts(Re, StartsWith));
        assert!(conflicts(Windash, Re));
        assert!(conflicts(Gt, Contains));
        assert!(conflicts(Cidr, All));
        assert!(!conflicts(Contains, All));
        assert!(!conflicts(Windash, Contains));
        assert!(!conflicts(Base64Offset, Contains));
        assert!(!conflicts(Hour, Gte));
        assert!(!conflicts(FieldRef, EndsWith));
    }
}
