use crate::checks::{Context, Diagnostic, Fix};

crate::check! {
    /// ## What it does
    /// Reports a tag that is not `namespace.value` in lower case, without
    /// spaces (`attack.t1105`, `cve.2021-44228`, `detection.emerging-threats`).
    ///
    /// ## Why is this bad?
    /// Tools match tags as written: `attack.T1105` or `attack t1105` is not
    /// mapped to ATT&CK, so coverage reports miss the rule.
    ///
    /// ## Example
    /// ```yaml
    /// tags:
    ///     - attack.T1105
    /// ```
    ///
    /// ## Fix
    /// Write the tag in lower case (the fix does, when that is all it takes).
    code: "SL301",
    name: "invalid-tag-format",
    severity: Warning,
    fixable: true,
    runner: Rule(run),
}

/// `namespace.value`, lower case, digits, `-`, `_` and (in the value) `.`.
pub fn is_valid_tag(tag: &str) -> bool {
    let allowed = |b: u8, dot: bool| {
        b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_' || (dot && b == b'.')
    };
    tag.split_once('.').is_some_and(|(namespace, value)| {
        !namespace.is_empty()
            && !value.is_empty()
            && namespace.bytes().all(|b| allowed(b, false))
            && value.bytes().all(|b| allowed(b, true))
    })
}

fn run(ctx: &Context, out: &mut Vec<Diagnostic>) {
    for tag in ctx.rule.tags.iter().filter(|t| !is_valid_tag(&t.value)) {
        let lower = tag.value.to_lowercase();
        if is_valid_tag(&lower) {
            out.push(
                Diagnostic::new(
                    &CHECK,
                    tag.range,
                    format!("tag `{}` must be lower case: write `{lower}`", tag.value),
                )
                .with_fix(Fix::replace(
                    format!("Replace with `{lower}`"),
                    tag.range,
                    lower,
                )),
            );
        } else {
            out.push(Diagnostic::new(
                &CHECK,
                tag.range,
                format!(
                    "tag `{}` is not `namespace.value` in lower case without spaces",
                    tag.value
                ),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::is_valid_tag;

    #[test]
    fn tag_formats() {
        for good in [
            "attack.t1059.001",
            "attack.command-and-control",
            "cve.2021-44228",
            "detection.emerging-threats",
            "car.2013-05-004",
            "tlp.amber_strict",
        ] {
            assert!(is_valid_tag(good), "{good}");
        }
        for bad in [
            "attack.T1105",
            "attack t1105",
            "attack",
            ".t1105",
            "attack.",
            "Attack.x",
        ] {
            assert!(!is_valid_tag(bad), "{bad}");
        }
    }
}
