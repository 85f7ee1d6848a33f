//! Small helpers shared by checks.

use crate::rule::{
    Condition, Detection, FieldItem, Modifier, OfTarget, Selection, SelectionBody, Value,
};
use crate::syntax::TextRange;

/// Edit distance where swapping two neighbours costs one (optimal string
/// alignment), for did-you-mean suggestions: `hihg` is one step from `high`.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let width = b.len() + 1;
    let mut d: Vec<usize> = vec![0; (a.len() + 1) * width];
    for i in 0..=a.len() {
        for j in 0..=b.len() {
            d[i * width + j] = if i == 0 || j == 0 {
                i + j
            } else {
                let cost = usize::from(a[i - 1] != b[j - 1]);
                let mut best = (d[(i - 1) * width + j] + 1)
                    .min(d[i * width + j - 1] + 1)
                    .min(d[(i - 1) * width + j - 1] + cost);
                if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                    best = best.min(d[(i - 2) * width + j - 2] + 1);
                }
                best
            };
        }
    }
    d[a.len() * width + b.len()]
}

/// The closest candidate within a third of the word's length, ignoring case.
pub fn did_you_mean<'a, I>(word: &str, candidates: I) -> Option<&'a str>
where
    I: IntoIterator<Item = &'a str>,
{
    let lower = word.to_lowercase();
    let limit = (word.chars().count() / 3).max(1);
    candidates
        .into_iter()
        .map(|c| (edit_distance(&lower, &c.to_lowercase()), c))
        .filter(|&(distance, c)| distance <= limit && c != word)
        .min_by_key(|&(distance, c)| (distance, c))
        .map(|(_, c)| c)
}

/// `, did you mean `x`?` or nothing.
pub fn suggestion_suffix(suggestion: Option<&str>) -> String {
    suggestion.map_or_else(String::new, |s| format!("; did you mean `{s}`?"))
}

/// Is the character at byte `index` escaped by an odd run of backslashes
/// (Sigma's `\*` and `\?` are literal)?
pub fn is_escaped(text: &str, index: usize) -> bool {
    let backslashes = text.as_bytes()[..index]
        .iter()
        .rev()
        .take_while(|&&b| b == b'\\')
        .count();
    backslashes % 2 == 1
}

/// Does the value start with an unescaped `*`? The keycap emoji `*️⃣` is a
/// star followed by a variation selector or combining keycap, not a wildcard.
pub fn has_leading_wildcard(text: &str) -> bool {
    text.strip_prefix('*')
        .is_some_and(|rest| !rest.starts_with(['\u{FE0F}', '\u{20E3}']))
}

/// Does the value end with an unescaped `*`?
pub fn has_trailing_wildcard(text: &str) -> bool {
    text.len() > 1 && text.ends_with('*') && !is_escaped(text, text.len() - 1)
}

/// `text` as a single-quoted YAML scalar.
pub fn single_quoted(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

/// The range of a scalar value's text inside the file, when the source is a
/// verbatim copy of it (plain, or quoted without escapes and line folding).
pub fn verbatim_range(text: &str, value: &crate::rule::Value) -> Option<TextRange> {
    let source = value.range.slice(text);
    let (inner, start) = if value.quoted {
        (
            source.get(1..source.len().checked_sub(1)?)?,
            value.range.start + 1,
        )
    } else {
        (source, value.range.start)
    };
    (inner == value.text && !inner.contains('\n'))
        .then(|| TextRange::new(start, start + inner.len() as u32))
}

/// An edit that removes one value from a YAML list: its whole line in a block
/// list (`- 'x'`), or the value and the comma before it in a flow list.
pub fn remove_list_item(text: &str, value: TextRange) -> Option<crate::checks::Edit> {
    let (start, end) = (value.start as usize, value.end as usize);
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[end..].find('\n').map_or(text.len(), |i| end + i + 1);
    let before = &text[line_start..start];
    let after = text[end..line_end].trim();
    let range = if before.trim() == "-" && after.is_empty() {
        TextRange::new(line_start as u32, line_end as u32)
    } else {
        let comma = text[..start].trim_end();
        if !comma.ends_with(',') {
            return None;
        }
        TextRange::new(comma.len() as u32 - 1, value.end)
    };
    Some(crate::checks::Edit {
        range,
        replacement: String::new(),
    })
}

/// The selections a condition reaches: by name, by `x of pattern*` or `them`.
pub fn reached_selections<'a>(
    detection: &'a Detection,
    condition: &Condition,
) -> Vec<&'a Selection> {
    let mut reached: Vec<&Selection> = Vec::new();
    condition.walk(&mut |node| match node {
        Condition::Ident(ident) => reached.extend(detection.selection(&ident.name)),
        Condition::Of { target, .. } => match target {
            OfTarget::Them => reached.extend(&detection.selections),
            OfTarget::Pattern(pattern) => reached.extend(detection.matching(&pattern.name)),
        },
        _ => {}
    });
    reached
}

/// What is wrong with a `|re` value, if anything.
#[derive(Debug, PartialEq, Eq)]
pub enum RegexProblem {
    /// Rejected by every regex engine (PCRE too): an unclosed group, ...
    Invalid(String),
    /// Valid PCRE that other engines (RE2, Rust, Go) lack, or that the
    /// parser here cannot judge: lookaround, backreferences, ...
    Unsupported(String),
}

/// PCRE-only constructs, by the text that introduces them.
const PCRE_CONSTRUCTS: &[(&str, &str)] = &[
    ("(?=", "lookahead"),
    ("(?!", "negative lookahead"),
    ("(?<=", "lookbehind"),
    ("(?<!", "negative lookbehind"),
    ("(?>", "atomic group"),
    ("*+", "possessive quantifier"),
    ("++", "possessive quantifier"),
    ("?+", "possessive quantifier"),
    ("}+", "possessive quantifier"),
    ("\\k<", "named backreference"),
];

pub fn regex_problem(pattern: &str) -> Option<RegexProblem> {
    use regex_syntax::ast::{ErrorKind, parse::Parser};
    for (marker, construct) in PCRE_CONSTRUCTS {
        let unescaped = pattern
            .match_indices(marker)
            .any(|(i, _)| !is_escaped(pattern, i));
        if unescaped {
            return Some(RegexProblem::Unsupported(format!("{construct} `{marker}`")));
        }
    }
    let error = Parser::new().parse(pattern).err()?;
    let message = error.kind().to_string();
    Some(match error.kind() {
        ErrorKind::GroupUnclosed
        | ErrorKind::GroupUnopened
        | ErrorKind::ClassUnclosed
        | ErrorKind::ClassRangeInvalid
        | ErrorKind::RepetitionMissing
        | ErrorKind::RepetitionCountInvalid
        | ErrorKind::EscapeUnexpectedEof => RegexProblem::Invalid(message),
        ErrorKind::UnsupportedBackreference => {
            RegexProblem::Unsupported("backreference".to_string())
        }
        ErrorKind::UnsupportedLookAround => RegexProblem::Unsupported("lookaround".to_string()),
        _ => RegexProblem::Unsupported(message),
    })
}

/// Every value of a detection with the field item it belongs to (`None` for
/// keyword searches).
pub fn detection_values(detection: &Detection) -> Vec<(Option<&FieldItem>, &Value)> {
    let mut values = Vec::new();
    for selection in &detection.selections {
        if let SelectionBody::Keywords(keywords) = &selection.body {
            values.extend(keywords.iter().map(|v| (None, v)));
        }
        for item in selection.field_items() {
            values.extend(item.values.iter().map(|v| (Some(item), v)));
        }
    }
    values
}

/// Are the values of this item matched as Sigma strings, wildcards and all
/// (not regexes, networks, numbers or field names)?
pub fn is_wildcard_string(item: Option<&FieldItem>) -> bool {
    item.is_none_or(|item| {
        !item.known_modifiers().any(|m| {
            matches!(
                m,
                Modifier::Re | Modifier::Cidr | Modifier::Exists | Modifier::FieldRef
            ) || m.is_numeric()
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions() {
        assert_eq!(edit_distance("categorie", "category"), 2);
        assert_eq!(
            did_you_mean("categorie", ["category", "product"]),
            Some("category")
        );
        assert_eq!(did_you_mean("stable", ["test", "experimental"]), None);
        assert_eq!(did_you_mean("Hihg", ["high", "low"]), Some("high"));
    }

    #[test]
    fn wildcards_and_escapes() {
        assert!(has_leading_wildcard("*x"));
        assert!(!has_leading_wildcard("*\u{FE0F}\u{20E3}"));
        assert!(has_trailing_wildcard("x*"));
        assert!(!has_trailing_wildcard("x\\*"));
        assert!(has_trailing_wildcard("x\\\\*"));
        assert!(!has_trailing_wildcard("*"));
        assert_eq!(single_quoted("it's"), "'it''s'");
    }

    #[test]
    fn regex_classification() {
        assert_eq!(regex_problem(r"^cmd\.exe /c (whoami|net)"), None);
        assert!(matches!(
            regex_problem("(abc"),
            Some(RegexProblem::Invalid(_))
        ));
        assert!(matches!(
            regex_problem("abc)"),
            Some(RegexProblem::Invalid(_))
        ));
        assert!(matches!(
            regex_problem("[abc"),
            Some(RegexProblem::Invalid(_))
        ));
        assert!(matches!(
            regex_problem("*abc"),
            Some(RegexProblem::Invalid(_))
        ));
        assert!(matches!(
            regex_problem("abc\\"),
            Some(RegexProblem::Invalid(_))
        ));
        for pcre in [
            "foo(?=bar)",
            "foo(?!bar)",
            "(?<=a)b",
            "(?<!a)b",
            r"(a)\1",
            "(?>a+)b",
            "a++",
            r"\Qa.b\E",
        ] {
            assert!(
                matches!(regex_problem(pcre), Some(RegexProblem::Unsupported(_))),
                "{pcre}"
            );
        }
        // An escaped `(` before `?=` is a literal, not a lookahead.
        assert_eq!(regex_problem(r"\(?=x"), None);
    }

    #[test]
    fn list_item_removal() {
        let text = "x:\n    - a\n    - b\n";
        let b = text.find('b').unwrap() as u32;
        let edit = remove_list_item(text, TextRange::new(b, b + 1)).unwrap();
        assert_eq!(edit.range.slice(text), "    - b\n");
        let flow = "x: [a, b]";
        let b = flow.find('b').unwrap() as u32;
        let edit = remove_list_item(flow, TextRange::new(b, b + 1)).unwrap();
        assert_eq!(edit.range.slice(flow), ", b");
    }
}
