//! Predicate extractor for Kibana query language (KQL / kuery).
//!
//! A recursive-descent parser over characters, following the shape of
//! Kibana's kuery grammar: `or` over `and` over `not` over sub-queries, where a
//! sub-query is a parenthesised query, `field : value`, `field : (a or b)`,
//! `field >= 10`, or a nested `field : { sub : x }` (read as `field.sub`).
//! Unquoted values keep running across spaces until a keyword or a special
//! character, as in Kibana, so `field : New York` tests one value. Quoted
//! values are exact; unquoted values with `*` are wildcards; `field : *` is a
//! presence test. Free text without a field is skipped (`kuery:free-text`).

use super::elastic::{Expr, MAX_DEPTH};
use crate::corpus::predicate::{Extraction, Operator};

/// Extracts the field tests of a kuery query.
pub fn extract(query: &str) -> Extraction {
    let mut extraction = Extraction::default();
    condition(query, &mut extraction.skipped).collect_predicates(&mut extraction.predicates);
    extraction
}

/// Parses a kuery query into a boolean tree; also used for ES|QL `KQL("...")`.
pub(super) fn condition(query: &str, skipped: &mut Vec<String>) -> Expr {
    let mut parser = Parser {
        text: query,
        pos: 0,
        depth: 0,
        skipped,
    };
    let mut parts = Vec::new();
    loop {
        parts.push(parser.or_query(""));
        parser.skip_space();
        let Some(c) = parser.peek() else { break };
        // Leftover text (a stray `)`): skip one character and read on.
        parser.skipped.push("kuery:unexpected-char".to_string());
        parser.pos += c.len_utf8();
    }
    Expr::all(parts)
}

/// Characters that end an unquoted literal.
const SPECIAL: &[char] = &['\\', '(', ')', ':', '<', '>', '"', '{', '}'];

/// One literal as written: quoted literals are exact, unquoted ones may hold
/// wildcards.
struct Literal {
    text: String,
    quoted: bool,
    wildcard: bool,
}

struct Parser<'a> {
    text: &'a str,
    pos: usize,
    depth: usize,
    skipped: &'a mut Vec<String>,
}

impl Parser<'_> {
    fn rest(&self) -> &str {
        &self.text[self.pos..]
    }

    fn peek(&self) -> Option<char> {
        self.rest().chars().next()
    }

    fn skip_space(&mut self) {
        let rest = self.rest();
        self.pos += rest.len() - rest.trim_start().len();
    }

    fn eat_char(&mut self, c: char) -> bool {
        self.skip_space();
        let hit = self.peek() == Some(c);
        self.pos += usize::from(hit);
        hit
    }

    /// Consumes `keyword` (any case) when it stands as a word here.
    fn eat_keyword(&mut self, keyword: &str) -> bool {
        self.skip_space();
        let hit = starts_with_keyword(self.rest(), keyword);
        if hit {
            self.pos += keyword.len();
        }
        hit
    }

    /// Enters one nesting level; past [`MAX_DEPTH`] gives up on the rest.
    fn enter(&mut self) -> bool {
        if self.depth >= MAX_DEPTH {
            self.skipped.push("kuery:too-deep".to_string());
            self.pos = self.text.len();
            return false;
        }
        self.depth += 1;
        true
    }

    /// `prefix` is the parent path inside a nested `field : { ... }`.
    fn or_query(&mut self, prefix: &str) -> Expr {
        let mut branches = vec![self.and_query(prefix)];
        while self.eat_keyword("or") {
            branches.push(self.and_query(prefix));
        }
        Expr::any(branches)
    }

    fn and_query(&mut self, prefix: &str) -> Expr {
        let mut parts = vec![self.not_query(prefix)];
        while self.eat_keyword("and") {
            parts.push(self.not_query(prefix));
        }
        Expr::all(parts)
    }

    fn not_query(&mut self, prefix: &str) -> Expr {
        if !self.eat_keyword("not") {
            return self.sub_query(prefix);
        }
        if !self.enter() {
            return Expr::Unknown;
        }
        let inner = self.not_query(prefix);
        self.depth -= 1;
        Expr::negate(inner)
    }

    fn sub_query(&mut self, prefix: &str) -> Expr {
        if self.eat_char('(') {
            if !self.enter() {
                return Expr::Unknown;
            }
            let inner = self.or_query(prefix);
            self.eat_char(')');
            self.depth -= 1;
            return inner;
        }
        let Some(field) = self.literal() else {
            return Expr::Unknown;
        };
        let field = format!("{prefix}{}", field.text);
        self.skip_space();
        let range = [
            ("<=", Operator::Lte),
            (">=", Operator::Gte),
            ("<", Operator::Lt),
            (">", Operator::Gt),
        ]
        .into_iter()
        .find(|(symbol, _)| self.rest().starts_with(symbol));
        if let Some((symbol, op)) = range {
            self.pos += symbol.len();
            return match self.literal() {
                Some(value) => Expr::test(field, op, vec![value.text]),
                None => self.missing_value(),
            };
        }
        if !self.eat_char(':') {
            self.skipped.push("kuery:free-text".to_string());
            return Expr::Unknown;
        }
        if self.eat_char('{') {
            if !self.enter() {
                return Expr::Unknown;
            }
            let inner = self.or_query(&format!("{field}."));
            self.eat_char('}');
            self.depth -= 1;
            return inner;
        }
        self.value_atom(&field)
    }

    fn missing_value(&mut self) -> Expr {
        self.skipped.push("kuery:missing-value".to_string());
        Expr::Unknown
    }

    /// Value-level boolean logic inside `field : ( ... )`.
    fn value_or(&mut self, field: &str) -> Expr {
        let mut branches = vec![self.value_and(field)];
        while self.eat_keyword("or") {
            branches.push(self.value_and(field));
        }
        Expr::any(branches)
    }

    fn value_and(&mut self, field: &str) -> Expr {
        let mut parts = vec![self.value_not(field)];
        while self.eat_keyword("and") {
            parts.push(self.value_not(field));
        }
        Expr::all(parts)
    }

    fn value_not(&mut self, field: &str) -> Expr {
        if !self.eat_keyword("not") {
            return self.value_atom(field);
        }
        if !self.enter() {
            return Expr::Unknown;
        }
        let inner = self.value_not(field);
        self.depth -= 1;
        Expr::negate(inner)
    }

    /// A single value or a parenthesised value expression.
    fn value_atom(&mut self, field: &str) -> Expr {
        if self.eat_char('(') {
            if !self.enter() {
                return Expr::Unknown;
            }
            let inner = self.value_or(field);
            self.eat_char(')');
            self.depth -= 1;
            return inner;
        }
        let Some(value) = self.literal() else {
            return self.missing_value();
        };
        if !value.quoted && value.text == "*" {
            Expr::test(field, Operator::IsNotNull, Vec::new())
        } else if value.wildcard {
            Expr::test(field, Operator::Wildcard, vec![value.text])
        } else {
            Expr::test(field, Operator::Eq, vec![value.text])
        }
    }

    /// A quoted or unquoted literal; `None` when none starts here.
    fn literal(&mut self) -> Option<Literal> {
        self.skip_space();
        if self.peek() == Some('"') {
            self.pos += 1;
            return Some(self.quoted());
        }
        let literal = self.unquoted();
        (!literal.text.is_empty()).then_some(literal)
    }

    fn quoted(&mut self) -> Literal {
        let mut text = String::new();
        let mut chars = self.rest().char_indices();
        let mut used = self.rest().len();
        while let Some((i, c)) = chars.next() {
            match c {
                '"' => {
                    used = i + 1;
                    break;
                }
                '\\' => match chars.next() {
                    Some((_, escaped)) => push_escaped(&mut text, escaped),
                    None => text.push('\\'),
                },
                _ => text.push(c),
            }
        }
        self.pos += used;
        Literal {
            text,
            quoted: true,
            wildcard: false,
        }
    }

    /// Reads an unquoted literal: it ends at a special character, or before
    /// whitespace followed by `and`/`or`/`not`; inner spaces are kept.
    fn unquoted(&mut self) -> Literal {
        let mut text = String::new();
        let mut wildcard = false;
        while let Some(c) = self.peek() {
            if c.is_whitespace() {
                let rest = self.rest();
                let run = rest.len() - rest.trim_start().len();
                let after = &rest[run..];
                if after.is_empty()
                    || ["or", "and", "not"]
                        .iter()
                        .any(|k| starts_with_keyword(after, k))
                {
                    break;
                }
                text.push_str(&rest[..run]);
                self.pos += run;
                continue;
            }
            if c == '\\' {
                self.pos += 1;
                if let Some(escaped) = self.peek() {
                    self.pos += escaped.len_utf8();
                    push_escaped(&mut text, escaped);
                }
                continue;
            }
            if SPECIAL.contains(&c) {
                break;
            }
            wildcard |= c == '*';
            text.push(c);
            self.pos += c.len_utf8();
        }
        text.truncate(text.trim_end().len());
        Literal {
            text,
            quoted: false,
            wildcard,
        }
    }
}

/// Whether `text` starts with `keyword` (any case) followed by a word break.
fn starts_with_keyword(text: &str, keyword: &str) -> bool {
    text.get(..keyword.len())
        .is_some_and(|head| head.eq_ignore_ascii_case(keyword))
        && text[keyword.len()..]
            .chars()
            .next()
            .is_none_or(|c| c.is_whitespace() || c == '(' || c == '"')
}

/// Resolves the character after a backslash: `\t`, `\r`, `\n`, or the
/// character itself (`\:`, `\*`, `\"`, `\\`).
fn push_escaped(text: &mut String, escaped: char) {
    text.push(match escaped {
        't' => '\t',
        'r' => '\r',
        'n' => '\n',
        other => other,
    });
}

#[cfg(test)]
mod tests {
    use super::super::elastic::describe;
    use super::*;

    fn lines(query: &str) -> Vec<String> {
        describe(&extract(query))
    }

    #[test]
    fn field_values_quoted_unquoted_and_lists() {
        assert_eq!(
            lines(
                r#"event.category:process and process.name : "a b.exe" and user.id:(1 or "2" or x*)"#
            ),
            [
                "+ event.category eq process",
                "+ process.name eq a b.exe",
                "+ user.id wildcard 1|2|x*"
            ]
        );
    }

    #[test]
    fn wildcards_presence_and_ranges() {
        assert_eq!(
            lines(
                r#"process.args:*evil* and file.hash.*:* and quoted:"*lit*" and n >= 10 and m<5 and o > "x" and p <= 2"#
            ),
            [
                "+ process.args wildcard *evil*",
                "+ file.hash.* is_not_null",
                "+ quoted eq *lit*",
                "+ n gte 10",
                "+ m lt 5",
                "+ o gt x",
                "+ p lte 2",
            ]
        );
    }

    #[test]
    fn unquoted_values_run_across_spaces_until_a_keyword() {
        assert_eq!(
            lines("city : New York or city:Paris"),
            ["+ city eq New York|Paris"]
        );
        assert_eq!(lines("a:notepad and b:x"), ["+ a eq notepad", "+ b eq x"]);
    }

    #[test]
    fn polarity_of_negations() {
        assert_eq!(
            lines("a:1 and not b:2 and not (c:3 or d:4) and not e:(5 or 6)"),
            ["+ a eq 1", "- b eq 2", "- c eq 3", "- d eq 4", "- e eq 5|6"]
        );
        assert_eq!(lines("a:1 or not b:2"), ["+ a eq 1", "~ b eq 2"]);
        assert_eq!(lines("NOT (a:1 AND NOT b:2)"), ["- a eq 1", "~ b eq 2"]);
        assert_eq!(lines("a:(x and not y)"), ["+ a eq x", "- a eq y"]);
    }

    #[test]
    fn nested_fields_take_the_parent_path() {
        assert_eq!(
            lines("user : { name : bob and not id : 0 }"),
            ["+ user.name eq bob", "- user.id eq 0"]
        );
    }

    #[test]
    fn escapes_are_resolved() {
        assert_eq!(
            lines(r#"path : C\:\\Windows\\\(x\) and q : "say \"hi\"" and s : a\*b"#),
            [
                r"+ path eq C:\Windows\(x)",
                r#"+ q eq say "hi""#,
                "+ s eq a*b"
            ]
        );
    }

    #[test]
    fn free_text_is_skipped() {
        let extraction = extract("just words and a:1");
        assert_eq!(describe(&extraction), ["+ a eq 1"]);
        assert_eq!(extraction.skipped, ["kuery:free-text"]);
    }

    #[test]
    fn garbage_never_panics() {
        for query in [
            "",
            "   ",
            "(",
            ")",
            "a:",
            "a:(",
            "a:(b or",
            "\"unterminated",
            "a:\"x",
            "{}",
            "a:{b:",
            "\\",
            "a >",
            "not",
            "é:ü",
        ] {
            extract(query);
        }
        let deep = format!("{}a:1{}", "(".repeat(10_000), ")".repeat(10_000));
        assert!(
            extract(&deep)
                .skipped
                .contains(&"kuery:too-deep".to_string())
        );
        let nots = "not ".repeat(10_000) + "a:1";
        assert!(
            extract(&nots)
                .skipped
                .contains(&"kuery:too-deep".to_string())
        );
        let big = "a:x and ".repeat(130_000) + &" ".repeat(100_000) + "b";
        assert!(extract(&big).predicates.len() >= 130_000);
    }
}
