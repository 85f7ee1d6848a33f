//! Small helpers shared by checks.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::checks::{Check, Diagnostic, Fix, ProjectFile};
use crate::rule::{
    Condition, Detection, FieldItem, Modifier, Rule, Selection, SelectionBody, SpannedStr, Value,
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

/// The selections a condition reaches: by name, by `x of pattern*` or
/// `them` (which leaves out names starting with `_`).
pub fn reached_selections<'a>(
    detection: &'a Detection,
    condition: &Condition,
) -> Vec<&'a Selection> {
    let mut reached: Vec<&Selection> = Vec::new();
    condition.walk(&mut |node| match node {
        Condition::Ident(ident) => reached.extend(detection.selection(&ident.name)),
        Condition::Of { target, .. } => reached.extend(detection.of_target(target)),
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

/// The range of a scalar's value inside its node `range`, when the value is
/// written verbatim (plain, or quoted without escapes): an edit inside it
/// keeps the YAML valid and the quoting intact.
pub fn verbatim_range(text: &str, range: TextRange, value: &str) -> Option<TextRange> {
    let source = range.slice(text);
    if source == value {
        return Some(range);
    }
    let quoted = (source.starts_with('\'') && source.ends_with('\''))
        || (source.starts_with('"') && source.ends_with('"'));
    let inner = source.get(1..source.len().checked_sub(1)?)?;
    (quoted && inner == value).then(|| TextRange::new(range.start + 1, range.end - 1))
}

/// An empty range at the start of the rule, for a key it lacks.
pub fn rule_start(rule: &Rule) -> TextRange {
    TextRange::empty(rule.range.start)
}

/// Reports `value` of `key` when it is not one of `allowed`, suggesting and
/// fixing to the closest one.
pub fn check_enum(
    check: &Check,
    key: &str,
    value: &SpannedStr,
    allowed: &[&'static str],
    out: &mut Vec<Diagnostic>,
) {
    if allowed.contains(&value.value.as_str()) {
        return;
    }
    let suggestion = did_you_mean(&value.value, allowed.iter().copied());
    let mut diagnostic = Diagnostic::new(
        check,
        value.range,
        format!(
            "`{}` is not a valid {key} (one of {}){}",
            value.value,
            allowed.join(", "),
            suggestion_suffix(suggestion)
        ),
    );
    if let Some(known) = suggestion {
        diagnostic = diagnostic.with_fix(Fix::replace(
            format!("Replace with `{known}`"),
            value.range,
            known,
        ));
    }
    out.push(diagnostic);
}

/// A calendar date; fields in order, so dates compare chronologically.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date {
    pub year: u32,
    pub month: u32,
    pub day: u32,
}

impl Date {
    /// A real `YYYY-MM-DD` date; with `separator` another one (`/`, `.`).
    fn parse_with(text: &str, separator: char) -> Option<Date> {
        let mut parts = text.split(separator);
        let (year, month, day) = (parts.next()?, parts.next()?, parts.next()?);
        let digits = |s: &str, len: usize| {
            (s.len() == len && s.bytes().all(|b| b.is_ascii_digit())).then(|| s.parse().ok())?
        };
        let date = Date {
            year: digits(year, 4)?,
            month: digits(month, 2)?,
            day: digits(day, 2)?,
        };
        (parts.next().is_none() && date.is_real()).then_some(date)
    }

    /// A strict Sigma date: `YYYY-MM-DD`, existing in the calendar.
    pub fn parse(text: &str) -> Option<Date> {
        Date::parse_with(text, '-')
    }

    /// A real date written with `/` or `.` between the parts.
    pub fn parse_loose(text: &str) -> Option<Date> {
        ['/', '.']
            .into_iter()
            .find_map(|sep| Date::parse_with(text, sep))
    }

    fn is_real(self) -> bool {
        let leap = self.year.is_multiple_of(4)
            && (!self.year.is_multiple_of(100) || self.year.is_multiple_of(400));
        let days = match self.month {
            2 if leap => 29,
            2 => 28,
            4 | 6 | 9 | 11 => 30,
            1..=12 => 31,
            _ => return false,
        };
        (1..=days).contains(&self.day)
    }
}

impl std::fmt::Display for Date {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// Reports `key: value` that is not a real `YYYY-MM-DD` date; a real date
/// with other separators gets a fix.
pub fn check_date(check: &Check, key: &str, value: &SpannedStr, out: &mut Vec<Diagnostic>) {
    if Date::parse(&value.value).is_some() {
        return;
    }
    let text = &value.value;
    match Date::parse_loose(text) {
        Some(date) => out.push(
            Diagnostic::new(
                check,
                value.range,
                format!("`{key}` is `{text}`: write dates as `YYYY-MM-DD` (`{date}`)"),
            )
            .with_fix(Fix::replace(
                format!("Replace with `{date}`"),
                value.range,
                date.to_string(),
            )),
        ),
        None => out.push(Diagnostic::new(
            check,
            value.range,
            format!("`{key}` is `{text}`, not a real date: write it as `YYYY-MM-DD`"),
        )),
    }
}

/// The ATT&CK technique id of an `attack.t1059.001` tag, upper case.
pub fn technique_id(tag: &str) -> Option<String> {
    let id = tag.strip_prefix("attack.")?;
    let number = id.strip_prefix(['t', 'T'])?;
    let (base, sub) = number.split_once('.').unwrap_or((number, "000"));
    let all_digits = |s: &str, len| s.len() == len && s.bytes().all(|b| b.is_ascii_digit());
    (all_digits(base, 4) && all_digits(sub, 3)).then(|| id.to_ascii_uppercase())
}

/// Reports every rule whose `key` (an id, a title) another rule linted
/// together also has; each finding names the other file and line.
pub fn report_duplicates(
    check: &Check,
    what: &str,
    files: &[ProjectFile],
    key: fn(&Rule) -> Option<&SpannedStr>,
    normalize: fn(&str) -> String,
    out: &mut Vec<(usize, Diagnostic)>,
) {
    let mut seen: BTreeSet<(usize, u32)> = BTreeSet::new();
    let mut groups: BTreeMap<String, Vec<(usize, &SpannedStr)>> = BTreeMap::new();
    for (index, project_file) in files.iter().enumerate() {
        for value in project_file.file.rules.iter().filter_map(key) {
            // Documents of a multi-document rule inherit the global one's keys.
            if seen.insert((index, value.range.start)) {
                groups
                    .entry(normalize(&value.value))
                    .or_default()
                    .push((index, value));
            }
        }
    }
    for group in groups.values().filter(|g| g.len() > 1) {
        for (position, &(index, value)) in group.iter().enumerate() {
            let (other_index, other) = group[usize::from(position == 0)];
            let other_file = &files[other_index];
            let line = other_file.file.lines.line_of(other.range.start) + 1;
            let mut diagnostic = Diagnostic::new(
                check,
                value.range,
                format!(
                    "{what} `{}` is also used by the rule at {}:{line}: give each rule its own {what}",
                    value.value,
                    display_path(other_file.path)
                ),
            );
            if other_index == index {
                diagnostic = diagnostic.with_related(other.range, "also used here");
            }
            out.push((index, diagnostic));
        }
    }
}

/// A path relative to the working folder when it lies inside it.
pub fn display_path(path: &Path) -> String {
    std::env::current_dir()
        .ok()
        .and_then(|cwd| path.strip_prefix(cwd).ok())
        .unwrap_or(path)
        .display()
        .to_string()
}

/// Reports each item of `items` equal (after `normalize`) to an earlier one.
pub fn report_repeats(
    check: &Check,
    what: &str,
    items: &[SpannedStr],
    normalize: fn(&str) -> String,
    out: &mut Vec<Diagnostic>,
) {
    let mut first: BTreeMap<String, TextRange> = BTreeMap::new();
    for item in items {
        match first.get(&normalize(&item.value)) {
            Some(&earlier) => out.push(
                Diagnostic::new(
                    check,
                    item.range,
                    format!("{what} `{}` is listed twice: remove the copy", item.value),
                )
                .with_related(earlier, "first listed here"),
            ),
            None => {
                first.insert(normalize(&item.value), item.range);
            }
        }
    }
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

    #[test]
    fn dates_must_exist_in_the_calendar() {
        assert_eq!(
            Date::parse("2024-02-29"),
            Some(Date {
                year: 2024,
                month: 2,
                day: 29
            })
        );
        for bad in [
            "2023-02-29",
            "1900-02-29",
            "2024-04-31",
            "2024-13-01",
            "2024-00-10",
            "2024-1-5",
            "24-01-05",
            "2024-01-05x",
            "2024/01/05",
        ] {
            assert_eq!(Date::parse(bad), None, "{bad}");
        }
        assert!(Date::parse("2000-02-29").is_some());
        assert_eq!(
            Date::parse_loose("2026/11/23").unwrap().to_string(),
            "2026-11-23"
        );
        assert_eq!(Date::parse_loose("2026/02/30"), None);
        assert!(Date::parse("2024-01-05") < Date::parse("2024-02-01"));
    }

    #[test]
    fn technique_ids() {
        assert_eq!(
            technique_id("attack.t1059.001").as_deref(),
            Some("T1059.001")
        );
        assert_eq!(technique_id("attack.T1105").as_deref(), Some("T1105"));
        assert_eq!(technique_id("attack.execution"), None);
        assert_eq!(technique_id("attack.t105"), None);
        assert_eq!(technique_id("attack.g0069"), None);
    }

    #[test]
    fn verbatim_ranges() {
        let text = "title: 'Foo.'\nother: \"a\\tb\"";
        let quoted = TextRange::new(7, 13);
        assert_eq!(
            verbatim_range(text, quoted, "Foo.").map(|r| r.slice(text)),
            Some("Foo.")
        );
        let escaped = TextRange::new(21, 27);
        assert_eq!(verbatim_range(text, escaped, "a\tb"), None);
    }
}
