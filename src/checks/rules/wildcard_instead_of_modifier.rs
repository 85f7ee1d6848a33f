use crate::checks::util::{
    has_leading_wildcard, has_trailing_wildcard, single_quoted, verbatim_range,
};
use crate::checks::{Context, Diagnostic, Edit, Fix};
use crate::rule::{FieldItem, Modifier, Value, ValueKind};
use crate::syntax::TextRange;

crate::check! {
    /// ## What it does
    /// Reports values that spell `contains`, `startswith` or `endswith` with
    /// wildcards (`'*http*'`), and wildcards a modifier already adds
    /// (`|contains: '*http*'`).
    ///
    /// ## Why is this bad?
    /// Modifiers say what the rule means and let backends pick fast
    /// operators; leading wildcards in a plain value are slow in several
    /// backends, and redundant stars are noise.
    ///
    /// ## Example
    /// ```yaml
    /// CommandLine: '*http*'
    /// ```
    ///
    /// ## Fix
    /// Use the modifier and drop the stars (`CommandLine|contains: 'http'`).
    /// A list gets a fix only when all its values have the same shape.
    code: "SL610",
    name: "wildcard-instead-of-modifier",
    severity: Warning,
    fixable: true,
    runner: Rule(run),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Shape {
    leading: bool,
    trailing: bool,
}

impl Shape {
    fn of(value: &Value) -> Option<Shape> {
        if value.kind != ValueKind::Str || value.text.trim_matches('*').is_empty() {
            return None;
        }
        let shape = Shape {
            leading: has_leading_wildcard(&value.text),
            trailing: has_trailing_wildcard(&value.text),
        };
        (shape.leading || shape.trailing).then_some(shape)
    }

    fn modifier(self) -> Modifier {
        match (self.leading, self.trailing) {
            (true, true) => Modifier::Contains,
            (true, false) => Modifier::EndsWith,
            _ => Modifier::StartsWith,
        }
    }
}

fn run(ctx: &Context, out: &mut Vec<Diagnostic>) {
    for item in ctx.rule.field_items() {
        if item.modifiers.is_empty() {
            wildcards_without_modifier(ctx, item, out);
        } else {
            redundant_wildcards(ctx, item, out);
        }
    }
}

/// `Field: '*x*'`: flagged when every value has the same shape (a mixed
/// list cannot be written with one modifier).
fn wildcards_without_modifier(ctx: &Context, item: &FieldItem, out: &mut Vec<Diagnostic>) {
    if item.field.value.is_empty() {
        return;
    }
    let Some(Some(shape)) = item.values.first().map(Shape::of) else {
        return;
    };
    if !item.values.iter().all(|v| Shape::of(v) == Some(shape)) {
        return;
    }
    let modifier = shape.modifier().name();
    let key_is_verbatim = item.field.range.slice(ctx.text()) == item.field.value;
    let fix = key_is_verbatim
        .then(|| {
            let mut edits = vec![Edit {
                range: TextRange::empty(item.field.range.end),
                replacement: format!("|{modifier}"),
            }];
            for value in &item.values {
                edits.push(strip(ctx, value, shape)?);
            }
            Some(Fix {
                title: format!("Use `|{modifier}`"),
                edits,
            })
        })
        .flatten();
    for (index, value) in item.values.iter().enumerate() {
        let mut diagnostic = Diagnostic::new(
            &CHECK,
            value.range,
            format!(
                "`{}` spells `|{modifier}` with wildcards; write `{}|{modifier}` without the stars",
                value.text, item.field.value
            ),
        );
        if index == 0 {
            if let Some(fix) = &fix {
                diagnostic = diagnostic.with_fix(fix.clone());
            }
        }
        out.push(diagnostic);
    }
}

/// `Field|contains: '*x*'`: the modifier already adds the stars.
fn redundant_wildcards(ctx: &Context, item: &FieldItem, out: &mut Vec<Diagnostic>) {
    // Stars under encodings, regexes and the like are not wildcards to drop.
    let plain_matching = item.known_modifiers().all(|m| {
        matches!(
            m,
            Modifier::Contains
                | Modifier::StartsWith
                | Modifier::EndsWith
                | Modifier::All
                | Modifier::Cased
                | Modifier::Windash
        )
    });
    if !plain_matching || item.modifiers.iter().any(|m| m.value.is_err()) {
        return;
    }
    let added = Shape {
        leading: item.has(Modifier::Contains) || item.has(Modifier::EndsWith),
        trailing: item.has(Modifier::Contains) || item.has(Modifier::StartsWith),
    };
    for value in &item.values {
        let Some(shape) = Shape::of(value) else {
            continue;
        };
        let redundant = Shape {
            leading: shape.leading && added.leading,
            trailing: shape.trailing && added.trailing,
        };
        if !redundant.leading && !redundant.trailing {
            continue;
        }
        let mut diagnostic = Diagnostic::new(
            &CHECK,
            value.range,
            format!(
                "`{}`: the modifier already adds this wildcard; drop the `*`",
                value.text
            ),
        );
        if let Some(edit) = strip(ctx, value, redundant) {
            diagnostic = diagnostic.with_fix(Fix {
                title: "Remove the redundant `*`".into(),
                edits: vec![edit],
            });
        }
        out.push(diagnostic);
    }
}

/// The edit that removes the wildcards of `shape` from a value, keeping the
/// YAML valid: the quoted text is cut in place, anything else is re-quoted.
fn strip(ctx: &Context, value: &Value, shape: Shape) -> Option<Edit> {
    let mut text = value.text.as_str();
    if shape.leading {
        text = text.trim_start_matches('*');
    }
    while shape.trailing && has_trailing_wildcard(text) {
        text = &text[..text.len() - 1];
    }
    if text.is_empty() || text.chars().any(char::is_control) {
        return None;
    }
    match verbatim_range(ctx.text(), value.range, &value.text).filter(|_| value.quoted) {
        Some(inner) => Some(Edit {
            range: inner,
            replacement: text.to_string(),
        }),
        None => Some(Edit {
            range: value.range,
            replacement: single_quoted(text),
        }),
    }
}
