//! The detection condition language: `selection and not 1 of filter_*`.
//!
//! Precedence, lowest first: `or`, `and`, `not`. Every node carries the range
//! of its text in the document, so checks and the language server can point
//! at an identifier inside the condition string.

use crate::syntax::TextRange;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ident {
    pub name: String,
    pub range: TextRange,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quantifier {
    /// `1 of` (any), or `N of`.
    AtLeast(u32),
    All,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OfTarget {
    Them,
    /// A name, possibly with `*` wildcards.
    Pattern(Ident),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Condition {
    Or(Vec<Condition>, TextRange),
    And(Vec<Condition>, TextRange),
    Not(Box<Condition>, TextRange),
    Ident(Ident),
    Of {
        quantifier: Quantifier,
        target: OfTarget,
        range: TextRange,
    },
}

impl Condition {
    pub fn range(&self) -> TextRange {
        match self {
            Condition::Or(_, r) | Condition::And(_, r) | Condition::Not(_, r) => *r,
            Condition::Ident(i) => i.range,
            Condition::Of { range, .. } => *range,
        }
    }

    /// Every node, depth first.
    pub fn walk<'a>(&'a self, visit: &mut impl FnMut(&'a Condition)) {
        visit(self);
        match self {
            Condition::Or(items, _) | Condition::And(items, _) => {
                items.iter().for_each(|c| c.walk(visit));
            }
            Condition::Not(inner, _) => inner.walk(visit),
            Condition::Ident(_) | Condition::Of { .. } => {}
        }
    }

    /// Plain identifiers and `of` patterns, in source order.
    pub fn references(&self) -> Vec<&Ident> {
        let mut out = Vec::new();
        self.walk(&mut |c| match c {
            Condition::Ident(ident)
            | Condition::Of {
                target: OfTarget::Pattern(ident),
                ..
            } => out.push(ident),
            _ => {}
        });
        out
    }
}

/// Does selection `name` match an `of` pattern with `*` wildcards?
/// Greedy matching that backtracks only to the last `*`: linear in practice.
pub fn pattern_matches(pattern: &str, name: &str) -> bool {
    let (p, n) = (pattern.as_bytes(), name.as_bytes());
    let (mut pi, mut ni) = (0, 0);
    let mut last_star: Option<(usize, usize)> = None;
    while ni < n.len() {
        if pi < p.len() && p[pi] == b'*' {
            last_star = Some((pi, ni));
            pi += 1;
        } else if pi < p.len() && p[pi] == n[ni] {
            pi += 1;
            ni += 1;
        } else if let Some((star, matched)) = last_star {
            pi = star + 1;
            ni = matched + 1;
            last_star = Some((star, matched + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&b| b == b'*')
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConditionError {
    pub message: String,
    pub range: TextRange,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    LParen,
    RParen,
    And,
    Or,
    Not,
    Of,
    Them,
    All,
    Number(u32),
    Word(String),
}

/// Maps a byte offset inside the condition string to a document offset.
pub type OffsetMap<'a> = &'a dyn Fn(u32) -> u32;

/// Parses a condition string. `map` turns offsets in `text` into document
/// offsets (identity plus the scalar's start for plain scalars).
pub fn parse(text: &str, map: OffsetMap<'_>) -> Result<Condition, ConditionError> {
    let tokens = tokenize(text, map)?;
    let mut parser = ConditionParser {
        tokens,
        pos: 0,
        end: map(text.len() as u32),
        depth: 0,
    };
    if parser.tokens.is_empty() {
        return Err(ConditionError {
            message: "empty condition".into(),
            range: TextRange::new(map(0), parser.end),
        });
    }
    let condition = parser.or()?;
    if let Some((token, range)) = parser.tokens.get(parser.pos) {
        return Err(ConditionError {
            message: format!("unexpected {} after a complete condition", describe(token)),
            range: *range,
        });
    }
    Ok(condition)
}

fn tokenize(text: &str, map: OffsetMap<'_>) -> Result<Vec<(Token, TextRange)>, ConditionError> {
    let mut tokens = Vec::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        let start = i;
        let token = match b {
            b'(' => {
                i += 1;
                Token::LParen
            }
            b')' => {
                i += 1;
                Token::RParen
            }
            _ => {
                while i < bytes.len()
                    && !bytes[i].is_ascii_whitespace()
                    && !matches!(bytes[i], b'(' | b')')
                {
                    i += 1;
                }
                let word = &text[start..i];
                match word.to_ascii_lowercase().as_str() {
                    "and" => Token::And,
                    "or" => Token::Or,
                    "not" => Token::Not,
                    "of" => Token::Of,
                    "them" => Token::Them,
                    "all" => Token::All,
                    _ => match word.parse::<u32>() {
                        Ok(n) => Token::Number(n),
                        Err(_) => Token::Word(word.to_string()),
                    },
                }
            }
        };
        tokens.push((token, TextRange::new(map(start as u32), map(i as u32))));
    }
    Ok(tokens)
}

fn describe(token: &Token) -> String {
    match token {
        Token::LParen => "`(`".into(),
        Token::RParen => "`)`".into(),
        Token::And => "`and`".into(),
        Token::Or => "`or`".into(),
        Token::Not => "`not`".into(),
        Token::Of => "`of`".into(),
        Token::Them => "`them`".into(),
        Token::All => "`all`".into(),
        Token::Number(n) => format!("`{n}`"),
        Token::Word(w) => format!("`{w}`"),
    }
}

/// Parentheses nested deeper than this are an error, not a stack overflow.
const MAX_DEPTH: u32 = 100;

struct ConditionParser {
    tokens: Vec<(Token, TextRange)>,
    pos: usize,
    end: u32,
    depth: u32,
}

impl ConditionParser {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.pos).map(|(t, _)| t)
    }

    fn next(&mut self) -> Option<(Token, TextRange)> {
        let token = self.tokens.get(self.pos).cloned();
        self.pos += 1;
        token
    }

    fn error_here(&self, message: impl Into<String>) -> ConditionError {
        let range = self
            .tokens
            .get(self.pos)
            .map_or(TextRange::empty(self.end), |(_, r)| *r);
        ConditionError {
            message: message.into(),
            range,
        }
    }

    fn or(&mut self) -> Result<Condition, ConditionError> {
        self.binary(Token::Or, Self::and, Condition::Or)
    }

    fn and(&mut self) -> Result<Condition, ConditionError> {
        self.binary(Token::And, Self::not, Condition::And)
    }

    fn binary(
        &mut self,
        operator: Token,
        operand: fn(&mut Self) -> Result<Condition, ConditionError>,
        build: fn(Vec<Condition>, TextRange) -> Condition,
    ) -> Result<Condition, ConditionError> {
        let first = operand(self)?;
        if self.peek() != Some(&operator) {
            return Ok(first);
        }
        let mut items = vec![first];
        while self.peek() == Some(&operator) {
            self.pos += 1;
            items.push(operand(self)?);
        }
        let range = items[0].range().cover(items[items.len() - 1].range());
        Ok(build(items, range))
    }

    fn not(&mut self) -> Result<Condition, ConditionError> {
        if self.peek() == Some(&Token::Not) {
            let (_, start) = self.next().expect("peeked");
            self.enter()?;
            let inner = self.not()?;
            self.depth -= 1;
            let range = start.cover(inner.range());
            return Ok(Condition::Not(Box::new(inner), range));
        }
        self.primary()
    }

    fn enter(&mut self) -> Result<(), ConditionError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.error_here("condition nested too deeply"));
        }
        Ok(())
    }

    fn primary(&mut self) -> Result<Condition, ConditionError> {
        let Some((token, range)) = self.next() else {
            self.pos -= 1;
            return Err(self.error_here("condition ends where an identifier was expected"));
        };
        match token {
            Token::LParen => {
                self.enter()?;
                let inner = self.or()?;
                self.depth -= 1;
                match self.next() {
                    Some((Token::RParen, _)) => Ok(inner),
                    _ => {
                        self.pos -= 1;
                        Err(ConditionError {
                            message: "`(` is never closed".into(),
                            range,
                        })
                    }
                }
            }
            Token::Number(n) => self.of(Quantifier::AtLeast(n), range),
            Token::All => self.of(Quantifier::All, range),
            Token::Word(name) => Ok(Condition::Ident(Ident { name, range })),
            other => {
                self.pos -= 1;
                Err(self.error_here(format!(
                    "expected an identifier, `1 of` or `(`, found {}",
                    describe(&other)
                )))
            }
        }
    }

    fn of(
        &mut self,
        quantifier: Quantifier,
        start: TextRange,
    ) -> Result<Condition, ConditionError> {
        if self.peek() != Some(&Token::Of) {
            return Err(self.error_here("expected `of` after a quantifier"));
        }
        self.pos += 1;
        match self.next() {
            Some((Token::Them, end)) => Ok(Condition::Of {
                quantifier,
                target: OfTarget::Them,
                range: start.cover(end),
            }),
            Some((Token::Word(name), end)) => Ok(Condition::Of {
                quantifier,
                target: OfTarget::Pattern(Ident { name, range: end }),
                range: start.cover(end),
            }),
            _ => {
                self.pos -= 1;
                Err(self.error_here("expected `them` or a selection pattern after `of`"))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn show(c: &Condition) -> String {
        match c {
            Condition::Or(items, _) => format!("or({})", join(items)),
            Condition::And(items, _) => format!("and({})", join(items)),
            Condition::Not(inner, _) => format!("not({})", show(inner)),
            Condition::Ident(i) => i.name.clone(),
            Condition::Of {
                quantifier, target, ..
            } => {
                let q = match quantifier {
                    Quantifier::All => "all".to_string(),
                    Quantifier::AtLeast(n) => n.to_string(),
                };
                match target {
                    OfTarget::Them => format!("{q} of them"),
                    OfTarget::Pattern(p) => format!("{q} of {}", p.name),
                }
            }
        }
    }

    fn join(items: &[Condition]) -> String {
        items.iter().map(show).collect::<Vec<_>>().join(", ")
    }

    fn parse_str(text: &str) -> Result<Condition, ConditionError> {
        parse(text, &|o| o + 100)
    }

    #[test]
    fn precedence_is_not_and_or() {
        let c = parse_str("a or not b and c").unwrap();
        assert_eq!(show(&c), "or(a, and(not(b), c))");
        let c = parse_str("(a or b) and not 1 of filter_* and all of them").unwrap();
        assert_eq!(show(&c), "and(or(a, b), not(1 of filter_*), all of them)");
    }

    #[test]
    fn ranges_are_mapped_to_the_document() {
        let c = parse_str("sel and not filter").unwrap();
        let refs = c.references();
        assert_eq!(refs[1].name, "filter");
        assert_eq!(refs[1].range, TextRange::new(112, 118));
        assert_eq!(c.range(), TextRange::new(100, 118));
    }

    #[test]
    fn errors_point_at_the_problem() {
        let e = parse_str("sel and").unwrap_err();
        assert_eq!(e.range, TextRange::empty(107));
        let e = parse_str("(sel or x").unwrap_err();
        assert_eq!(e.message, "`(` is never closed");
        let e = parse_str("sel filter").unwrap_err();
        assert_eq!(e.range, TextRange::new(104, 110));
        assert!(parse_str("1 of").is_err());
        assert!(parse_str("").is_err());
        assert!(parse_str(&"(".repeat(10_000)).is_err());
        assert!(parse_str(&"not ".repeat(10_000)).is_err());
    }

    #[test]
    fn patterns() {
        assert!(pattern_matches("filter_*", "filter_main_x"));
        assert!(pattern_matches("*", "x"));
        assert!(pattern_matches("sel*_a", "sel_1_a"));
        assert!(!pattern_matches("filter_*", "selection"));
        assert!(!pattern_matches(&"*a".repeat(30), &"a".repeat(29)));
    }
}
