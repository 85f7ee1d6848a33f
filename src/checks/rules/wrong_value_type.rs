use crate::checks::{Context, Diagnostic};
use crate::syntax::yaml::{Node, ScalarKind};

crate::check! {
    /// ## What it does
    /// Reports a known top-level key whose value has the wrong YAML type:
    /// `title`, `id`, `status`, `description`, `author`, `date`,
    /// `modified`, `level` and `license` take a string; `tags`,
    /// `references`, `falsepositives` and `fields` a list of strings;
    /// `logsource` and `detection` a mapping; `related` a list of mappings
    /// with `id` and `type`.
    ///
    /// ## Why is this bad?
    /// Sigma tools reject the rule, or read something else than intended: a
    /// `tags` string is not a list of tags.
    ///
    /// ## Example
    /// ```yaml
    /// tags: attack.t1090
    /// references:
    ///     url: https://example.org/report
    /// ```
    ///
    /// ## Fix
    /// Write the value with the expected type (`tags: [attack.t1090]`).
    code: "SL105",
    name: "wrong-value-type",
    severity: Error,
    fixable: false,
    runner: Rule(run),
}

enum Expected {
    String,
    Strings,
    Mapping,
    Related,
}

fn expected(key: &str) -> Option<Expected> {
    Some(match key {
        "title" | "id" | "name" | "status" | "description" | "author" | "date" | "modified"
        | "level" | "license" => Expected::String,
        "tags" | "references" | "falsepositives" | "fields" => Expected::Strings,
        "logsource" | "detection" => Expected::Mapping,
        "related" => Expected::Related,
        _ => return None,
    })
}

fn is_string(node: &Node) -> bool {
    node.as_scalar()
        .is_some_and(|s| s.kind() == ScalarKind::Str)
}

fn run(ctx: &Context, out: &mut Vec<Diagnostic>) {
    let Some(entries) = ctx.root().and_then(|root| root.as_mapping()) else {
        return;
    };
    let mut report = |node: &Node, message: String| {
        out.push(Diagnostic::new(&CHECK, node.range, message));
    };
    for entry in entries {
        let (Some(key), value) = (entry.key_str(), &entry.value) else {
            continue;
        };
        // An empty value is a missing one; the missing-key checks report it.
        if value.is_null() {
            continue;
        }
        let found = value.type_name();
        match expected(key) {
            Some(Expected::String) if !is_string(value) => {
                report(value, format!("`{key}` must be a string, not a {found}"));
            }
            Some(Expected::Strings) => match value.as_sequence() {
                None => report(
                    value,
                    format!("`{key}` must be a list of strings, not a {found}"),
                ),
                Some(items) => {
                    for item in items.iter().filter(|i| !is_string(i)) {
                        let found = item.type_name();
                        report(
                            item,
                            format!("items of `{key}` must be strings, not a {found}"),
                        );
                    }
                }
            },
            Some(Expected::Mapping) if value.as_mapping().is_none() => {
                report(value, format!("`{key}` must be a mapping, not a {found}"));
            }
            Some(Expected::Related) => match value.as_sequence() {
                None => report(
                    value,
                    format!("`related` must be a list of `id`/`type` mappings, not a {found}"),
                ),
                Some(items) => {
                    for item in items {
                        let has = |k: &str| item.get(k).is_some_and(is_string);
                        if !(has("id") && has("type")) {
                            report(
                                item,
                                "each `related` item must be a mapping with an `id` and a `type`"
                                    .to_string(),
                            );
                        }
                    }
                }
            },
            _ => {}
        }
    }
}
