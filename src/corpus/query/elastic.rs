//! Pieces shared by the Elastic extractors (EQL, ES|QL, kuery).
//!
//! * [`Expr`], a small boolean tree of field tests, and the walk that turns it
//!   into [`Predicate`]s with their [`Polarity`];
//! * [`tokenize`], a scanner for the EQL and ES|QL token syntax (strings,
//!   backtick names, comments);
//! * [`parse_condition`], one parser for the boolean conditions of EQL `where`
//!   and ES|QL `WHERE`: the two languages share their expression shape, and
//!   accepting the union of their operators costs nothing because each input
//!   only uses its own.
//!
//! Parsers here never recurse deeper than [`MAX_DEPTH`] and every loop consumes
//! a token, so any input terminates.

use std::collections::HashMap;
use std::ops::Range;

use crate::corpus::predicate::{LogicPosition, Operator, Predicate};

/// Nesting (parentheses, `not`, calls) beyond which a condition is skipped.
pub(super) const MAX_DEPTH: usize = 200;

/// A boolean tree of field tests.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Expr {
    All(Vec<Expr>),
    Any(Vec<Expr>),
    Not(Box<Expr>),
    Test(Test),
    /// A part the extractor did not understand (already counted as skipped).
    Unknown,
}

#[derive(Debug, Clone, PartialEq)]
pub(super) struct Test {
    pub field: String,
    pub op: Operator,
    pub values: Vec<String>,
}

impl Expr {
    pub(super) fn test(field: impl Into<String>, op: Operator, values: Vec<String>) -> Expr {
        Expr::Test(Test {
            field: field.into(),
            op,
            values,
        })
    }

    /// Conjunction, flattening nested conjunctions and dropping unknown parts
    /// (they constrain nothing we can report).
    pub(super) fn all(parts: Vec<Expr>) -> Expr {
        let mut flat = Vec::with_capacity(parts.len());
        for part in parts {
            match part {
                Expr::All(inner) => flat.extend(inner),
                Expr::Unknown => {}
                other => flat.push(other),
            }
        }
        match flat.len() {
            0 => Expr::Unknown,
            1 => flat.pop().unwrap_or(Expr::Unknown),
            _ => Expr::All(flat),
        }
    }

    /// Disjunction. Unknown branches stay: they keep the others out of the top
    /// conjunction. Branches testing one field with `Eq`/`Wildcard` merge into
    /// one list test, the same thing `field in (a, b)` yields.
    pub(super) fn any(parts: Vec<Expr>) -> Expr {
        let mut flat = Vec::with_capacity(parts.len());
        for part in parts {
            match part {
                Expr::Any(inner) => flat.extend(inner),
                other => flat.push(other),
            }
        }
        let mut merged = merge_list_tests(flat);
        match merged.len() {
            1 => merged.pop().unwrap_or(Expr::Unknown),
            _ => Expr::Any(merged),
        }
    }

    pub(super) fn negate(inner: Expr) -> Expr {
        match inner {
            Expr::Unknown => Expr::Unknown,
            other => Expr::Not(Box::new(other)),
        }
    }

    /// Appends this tree's tests, treating the tree as a whole query (or one
    /// sequence step / one `WHERE` clause).
    pub(super) fn collect_predicates(&self, out: &mut Vec<Predicate>) {
        self.collect(LogicPosition::TopConjunct, out);
    }

    fn collect(&self, context: LogicPosition, out: &mut Vec<Predicate>) {
        match self {
            Expr::All(parts) => parts.iter().for_each(|p| p.collect(context, out)),
            Expr::Any(parts) => {
                let inner = context.in_disjunction();
                parts.iter().for_each(|p| p.collect(inner, out));
            }
            Expr::Not(inner) => inner.collect(context.negated(), out),
            Expr::Test(test) => out.push(Predicate {
                field: test.field.clone(),
                op: test.op,
                values: test.values.clone(),
                polarity: context.polarity(),
                step_source: None,
            }),
            Expr::Unknown => {}
        }
    }
}

/// Merges the `Eq`/`Wildcard` branches that test one field into one list
/// test (`Wildcard` if any was), in place of that field's first branch.
fn merge_list_tests(branches: Vec<Expr>) -> Vec<Expr> {
    let mut merged: Vec<Expr> = Vec::with_capacity(branches.len());
    let mut list_of_field: HashMap<String, usize> = HashMap::new();
    for branch in branches {
        let Expr::Test(test) = branch else {
            merged.push(branch);
            continue;
        };
        if !matches!(test.op, Operator::Eq | Operator::Wildcard) {
            merged.push(Expr::Test(test));
            continue;
        }
        match list_of_field
            .get(&test.field)
            .and_then(|&i| merged.get_mut(i))
        {
            Some(Expr::Test(list)) => {
                if test.op == Operator::Wildcard {
                    list.op = Operator::Wildcard;
                }
                list.values.extend(test.values);
            }
            _ => {
                list_of_field.insert(test.field.clone(), merged.len());
                merged.push(Expr::Test(test));
            }
        }
    }
    merged
}

/// Whether a value uses the `*`/`?` wildcards of `:` and `like`.
pub(super) fn has_wildcard(value: &str) -> bool {
    value.contains(['*', '?'])
}

#[derive(Debug, Clone, PartialEq)]
pub(super) enum Tok {
    /// Identifier or field name, backticks removed, EQL `?` prefix dropped;
    /// a trailing `~` (EQL case-insensitive form) is kept.
    Word(String),
    /// String literal, quotes removed and escapes resolved.
    Str(String),
    Num(String),
    Sym(&'static str),
    Other(char),
}

#[derive(Debug, Clone, PartialEq)]
pub(super) struct Token {
    pub tok: Tok,
    /// Byte range in the query, for commands that want the raw text.
    pub span: Range<usize>,
}

impl Token {
    pub(super) fn is_word(&self, keyword: &str) -> bool {
        matches!(&self.tok, Tok::Word(w) if w.eq_ignore_ascii_case(keyword))
    }

    pub(super) fn is_sym(&self, sym: &str) -> bool {
        matches!(self.tok, Tok::Sym(s) if s == sym)
    }
}

const SYMBOLS: [&str; 21] = [
    "==", "!=", "<=", ">=", "::", ":", "<", ">", "=", "(", ")", "[", "]", ",", "|", "+", "-", "*",
    "/", "%", "!",
];

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '_' | '.' | '@')
}

/// Splits EQL or ES|QL text into tokens, dropping `//` and `/* */` comments.
/// Unterminated strings and comments run to the end of the input.
pub(super) fn tokenize(text: &str) -> Vec<Token> {
    let mut tokens = Vec::new();
    let mut pos = 0;
    while let Some(c) = text[pos..].chars().next() {
        let rest = &text[pos..];
        let start = pos;
        let tok = if c.is_whitespace() {
            pos += c.len_utf8();
            continue;
        } else if rest.starts_with("//") {
            pos += rest.find('\n').unwrap_or(rest.len());
            continue;
        } else if let Some(body) = rest.strip_prefix("/*") {
            pos += 2 + body.find("*/").map_or(body.len(), |end| end + 2);
            continue;
        } else if let Some(body) = rest.strip_prefix("\"\"\"") {
            let end = body.find("\"\"\"").unwrap_or(body.len());
            pos += 3 + (end + 3).min(body.len());
            Tok::Str(body[..end].to_string())
        } else if let Some(quote @ ('"' | '\'')) =
            rest.strip_prefix('?').and_then(|r| r.chars().next())
        {
            // EQL raw string `?"..."`: no escapes.
            let body = &rest[2..];
            let end = body.find(quote).unwrap_or(body.len());
            pos += 2 + (end + 1).min(body.len());
            Tok::Str(body[..end].to_string())
        } else if c == '"' || c == '\'' {
            let (value, used) = scan_escaped(&rest[1..], c);
            pos += 1 + used;
            Tok::Str(value)
        } else if c.is_ascii_digit() {
            let len = rest
                .find(|ch: char| !is_word_char(ch))
                .unwrap_or(rest.len());
            pos += len;
            Tok::Num(rest[..len].to_string())
        } else if is_word_char(c)
            || c == '`'
            || (c == '?'
                && rest[1..].starts_with(|ch: char| ch.is_alphabetic() || ch == '`' || ch == '_'))
        {
            let skip_optional = usize::from(c == '?');
            let (name, used) = scan_name(&rest[skip_optional..]);
            pos += skip_optional + used;
            Tok::Word(name)
        } else if let Some(sym) = SYMBOLS.iter().find(|s| rest.starts_with(**s)) {
            pos += sym.len();
            Tok::Sym(sym)
        } else {
            pos += c.len_utf8();
            Tok::Other(c)
        };
        tokens.push(Token {
            tok,
            span: start..pos,
        });
    }
    tokens
}

/// Reads a name made of plain and backtick-quoted segments
/// (``a.`b/c`.d``), plus an optional `~` suffix. Returns (name, bytes used).
fn scan_name(text: &str) -> (String, usize) {
    let mut name = String::new();
    let mut pos = 0;
    while let Some(c) = text[pos..].chars().next() {
        if c == '`' {
            let body = &text[pos + 1..];
            let end = body.find('`').unwrap_or(body.len());
            name.push_str(&body[..end]);
            pos += 1 + (end + 1).min(body.len());
        } else if is_word_char(c) {
            name.push(c);
            pos += c.len_utf8();
        } else {
            if c == '~' {
                name.push(c);
                pos += 1;
            }
            break;
        }
    }
    (name, pos)
}

/// Reads a quoted string body up to `quote`, resolving backslash escapes.
/// Returns (value, bytes used including the closing quote).
fn scan_escaped(text: &str, quote: char) -> (String, usize) {
    let mut value = String::new();
    let mut chars = text.char_indices();
    while let Some((i, c)) = chars.next() {
        if c == quote {
            return (value, i + 1);
        }
        if c != '\\' {
            value.push(c);
            continue;
        }
        match chars.next() {
            Some((_, 'n')) => value.push('\n'),
            Some((_, 't')) => value.push('\t'),
            Some((_, 'r')) => value.push('\r'),
            Some((_, e @ ('\\' | '"' | '\''))) => value.push(e),
            Some((_, other)) => {
                value.push('\\');
                value.push(other);
            }
            None => value.push('\\'),
        }
    }
    (value, text.len())
}

/// An operand of a comparison or a function argument.
#[derive(Debug, Clone, PartialEq)]
enum Operand {
    Field(String),
    Literal(String),
    Null,
    Call(String, Vec<Operand>),
    /// Arithmetic, nested conditions and anything else not reportable.
    Computed,
}

/// How a comparison relates its field to its values.
#[derive(Clone, Copy, PartialEq)]
enum Comparison {
    Equal,
    /// EQL `:`: case-insensitive, wildcards allowed.
    Colon,
    Like,
    Regex,
    Range(Operator),
}

/// Functions that only change the case or type of a field: `to_lower(f) like
/// "x"` tests `f`.
pub(super) const TRANSPARENT_FUNCTIONS: [&str; 13] = [
    "to_lower",
    "to_upper",
    "trim",
    "ltrim",
    "rtrim",
    "to_string",
    "string",
    "to_ip",
    "to_double",
    "to_integer",
    "to_long",
    "to_boolean",
    "to_version",
];

const COMPARISON_SYMBOLS: [&str; 7] = ["==", "!=", "<", "<=", ">", ">=", ":"];

/// Comparison keywords that take a `not` prefix (`not in`, `not like`).
const NEGATABLE_WORDS: [&str; 7] = ["in", "in~", "like", "like~", "rlike", "regex", "regex~"];

/// Units of ES|QL time-span literals.
const TIME_UNITS: [&str; 22] = [
    "ms",
    "s",
    "m",
    "h",
    "d",
    "w",
    "millisecond",
    "milliseconds",
    "second",
    "seconds",
    "minute",
    "minutes",
    "hour",
    "hours",
    "day",
    "days",
    "week",
    "weeks",
    "month",
    "months",
    "year",
    "years",
];

/// Boolean functions that test a field against values.
fn function_operator(name: &str) -> Option<Operator> {
    Some(match name {
        "startswith" | "starts_with" => Operator::StartsWith,
        "endswith" | "ends_with" => Operator::EndsWith,
        "stringcontains" => Operator::Match,
        "cidrmatch" | "cidr_match" => Operator::Cidr,
        "wildcard" => Operator::Wildcard,
        // A multi-valued field holding the value.
        "mv_contains" => Operator::Eq,
        _ => return None,
    })
}

/// Parses an EQL / ES|QL boolean condition. `lang` prefixes skipped construct
/// names (`"eql"` gives `"eql:function:length"`). Tokens left over after a
/// complete condition are skipped one by one and parsing resumes, so a stray
/// parenthesis loses little.
pub(super) fn parse_condition(
    tokens: &[Token],
    lang: &'static str,
    skipped: &mut Vec<String>,
) -> Expr {
    let mut parser = ConditionParser {
        tokens,
        pos: 0,
        depth: 0,
        lang,
        skipped,
    };
    let mut parts = Vec::new();
    while parser.pos < tokens.len() {
        parts.push(parser.or_expr());
        if parser.pos < tokens.len() {
            parser.skip(format!("{lang}:unexpected-token"));
            parser.pos += 1;
        }
    }
    Expr::all(parts)
}

struct ConditionParser<'a> {
    tokens: &'a [Token],
    pos: usize,
    depth: usize,
    lang: &'static str,
    skipped: &'a mut Vec<String>,
}

impl ConditionParser<'_> {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.pos)
    }

    fn peek_at(&self, offset: usize) -> Option<&Token> {
        self.tokens.get(self.pos + offset)
    }

    fn eat_word(&mut self, keyword: &str) -> bool {
        let hit = self.peek().is_some_and(|t| t.is_word(keyword));
        self.pos += usize::from(hit);
        hit
    }

    fn eat_sym(&mut self, sym: &str) -> bool {
        let hit = self.peek().is_some_and(|t| t.is_sym(sym));
        self.pos += usize::from(hit);
        hit
    }

    fn skip(&mut self, construct: String) {
        self.skipped.push(construct);
    }

    /// Enters one nesting level; past [`MAX_DEPTH`] gives up on the rest.
    fn enter(&mut self) -> bool {
        if self.depth >= MAX_DEPTH {
            self.skip(format!("{}:too-deep", self.lang));
            self.pos = self.tokens.len();
            return false;
        }
        self.depth += 1;
        true
    }

    fn or_expr(&mut self) -> Expr {
        let mut branches = vec![self.and_expr()];
        while self.eat_word("or") {
            branches.push(self.and_expr());
        }
        Expr::any(branches)
    }

    fn and_expr(&mut self) -> Expr {
        let mut parts = vec![self.not_expr()];
        while self.eat_word("and") {
            parts.push(self.not_expr());
        }
        Expr::all(parts)
    }

    fn not_expr(&mut self) -> Expr {
        if !self.eat_word("not") {
            return self.predicate();
        }
        if !self.enter() {
            return Expr::Unknown;
        }
        let inner = self.not_expr();
        self.depth -= 1;
        Expr::negate(inner)
    }

    fn predicate(&mut self) -> Expr {
        let Some(token) = self.peek() else {
            return Expr::Unknown;
        };
        if token.is_sym("(") {
            return self.group();
        }
        let lhs = self.operand();
        self.comparison(lhs)
    }

    /// `( condition )`, possibly followed by a comparison we cannot report
    /// (`(a + b) > 3` parses as a group first).
    fn group(&mut self) -> Expr {
        self.pos += 1;
        if !self.enter() {
            return Expr::Unknown;
        }
        let inner = self.or_expr();
        self.eat_sym(")");
        self.depth -= 1;
        if self.comparison_ahead() {
            return self.comparison(Operand::Computed);
        }
        inner
    }

    fn comparison_ahead(&self) -> bool {
        self.peek().is_some_and(|t| {
            COMPARISON_SYMBOLS.iter().any(|s| t.is_sym(s))
                || t.is_word("is")
                || NEGATABLE_WORDS.iter().any(|w| t.is_word(w))
        })
    }

    fn comparison(&mut self, lhs: Operand) -> Expr {
        let Some(token) = self.peek().cloned() else {
            return self.bare_operand(lhs);
        };
        // `is [not] null`
        if token.is_word("is") {
            self.pos += 1;
            let negated = self.eat_word("not");
            self.eat_word("null");
            let op = if negated {
                Operator::IsNotNull
            } else {
                Operator::IsNull
            };
            return self.single_field_test(lhs, op, Vec::new());
        }
        let negated_word = token.is_word("not")
            && self
                .peek_at(1)
                .is_some_and(|t| NEGATABLE_WORDS.iter().any(|w| t.is_word(w)));
        if negated_word {
            self.pos += 1;
        }
        let Some(token) = self.peek().cloned() else {
            return Expr::Unknown;
        };
        let (comparison, negated) = match &token.tok {
            Tok::Sym("==") => (Comparison::Equal, false),
            Tok::Sym("!=") => (Comparison::Equal, true),
            Tok::Sym(":") => (Comparison::Colon, false),
            Tok::Sym("<") => (Comparison::Range(Operator::Lt), false),
            Tok::Sym("<=") => (Comparison::Range(Operator::Lte), false),
            Tok::Sym(">") => (Comparison::Range(Operator::Gt), false),
            Tok::Sym(">=") => (Comparison::Range(Operator::Gte), false),
            Tok::Word(w) => match w.to_ascii_lowercase().as_str() {
                "in" | "in~" => (Comparison::Equal, negated_word),
                "like" | "like~" => (Comparison::Like, negated_word),
                "rlike" | "regex" | "regex~" => (Comparison::Regex, negated_word),
                _ => return self.bare_operand(lhs),
            },
            _ => return self.bare_operand(lhs),
        };
        self.pos += 1;
        let rhs = if self.peek().is_some_and(|t| t.is_sym("(")) {
            self.pos += 1;
            self.operand_list()
        } else {
            vec![self.operand()]
        };
        if rhs == [Operand::Null] && comparison == Comparison::Equal {
            // `!= null` is a positive presence test, not a negation.
            let op = if negated {
                Operator::IsNotNull
            } else {
                Operator::IsNull
            };
            return self.single_field_test(lhs, op, Vec::new());
        }
        let test = self.comparison_test(lhs, comparison, rhs);
        if negated { Expr::negate(test) } else { test }
    }

    /// Builds the test of `lhs <comparison> rhs`.
    fn comparison_test(&mut self, lhs: Operand, comparison: Comparison, rhs: Vec<Operand>) -> Expr {
        if let [Operand::Field(other)] = rhs.as_slice() {
            let other = other.clone();
            return self.single_field_test(lhs, Operator::FieldRef, vec![other]);
        }
        let mut values = Vec::with_capacity(rhs.len());
        for operand in rhs {
            match operand {
                Operand::Literal(v) => values.push(v),
                _ => {
                    self.skip(format!("{}:computed-value", self.lang));
                    return Expr::Unknown;
                }
            }
        }
        let op = match comparison {
            Comparison::Equal => Operator::Eq,
            Comparison::Colon if values.iter().any(|v| has_wildcard(v)) => Operator::Wildcard,
            Comparison::Colon => Operator::Eq,
            Comparison::Like => Operator::Wildcard,
            Comparison::Regex => Operator::RegexMatch,
            Comparison::Range(op) => op,
        };
        self.single_field_test(lhs, op, values)
    }

    fn single_field_test(&mut self, lhs: Operand, op: Operator, values: Vec<String>) -> Expr {
        match lhs {
            Operand::Field(field) => Expr::test(field, op, values),
            Operand::Call(name, _) => {
                self.skip(format!("{}:function:{name}", self.lang));
                Expr::Unknown
            }
            _ => {
                self.skip(format!("{}:computed-comparison", self.lang));
                Expr::Unknown
            }
        }
    }

    /// An operand standing alone as a condition: a boolean function call, a
    /// `true` literal, or something we skip.
    fn bare_operand(&mut self, operand: Operand) -> Expr {
        match operand {
            Operand::Call(name, args) => self.function_test(name, args),
            Operand::Literal(_) => Expr::Unknown,
            Operand::Field(_) => {
                self.skip(format!("{}:bare-field", self.lang));
                Expr::Unknown
            }
            Operand::Null | Operand::Computed => {
                if self.pos < self.tokens.len() {
                    self.skip(format!("{}:unknown-condition", self.lang));
                }
                Expr::Unknown
            }
        }
    }

    fn function_test(&mut self, name: String, args: Vec<Operand>) -> Expr {
        let unsupported = |parser: &mut Self| {
            parser.skip(format!("{}:function:{name}", parser.lang));
            Expr::Unknown
        };
        if let ("kql", [Operand::Literal(query)]) = (name.as_str(), args.as_slice()) {
            return super::kuery::condition(query, self.skipped);
        }
        let Some(op) = function_operator(&name) else {
            return unsupported(self);
        };
        let mut args = args.into_iter();
        let Some(Operand::Field(field)) = args.next() else {
            return unsupported(self);
        };
        let rest: Vec<Operand> = args.collect();
        if let [Operand::Field(other)] = rest.as_slice() {
            return Expr::test(field, Operator::FieldRef, vec![other.clone()]);
        }
        let values: Option<Vec<String>> = rest
            .into_iter()
            .map(|a| match a {
                Operand::Literal(v) => Some(v),
                _ => None,
            })
            .collect();
        match values {
            Some(values) if !values.is_empty() => Expr::test(field, op, values),
            _ => unsupported(self),
        }
    }

    /// An operand with optional arithmetic and `::type` casts.
    fn operand(&mut self) -> Operand {
        let mut operand = self.primary();
        loop {
            if self.eat_sym("::") {
                self.pos += usize::from(matches!(self.peek().map(|t| &t.tok), Some(Tok::Word(_))));
            } else if ["+", "-", "*", "/", "%"]
                .iter()
                .any(|s| self.peek().is_some_and(|t| t.is_sym(s)))
            {
                self.pos += 1;
                self.primary();
                operand = Operand::Computed;
            } else {
                return operand;
            }
        }
    }

    fn primary(&mut self) -> Operand {
        let Some(token) = self.peek().cloned() else {
            return Operand::Computed;
        };
        match token.tok {
            Tok::Str(s) => {
                self.pos += 1;
                Operand::Literal(s)
            }
            Tok::Num(n) => {
                self.pos += 1;
                // ES|QL time spans: `1 hour`, `5 minutes`.
                let unit = self
                    .peek()
                    .is_some_and(|t| TIME_UNITS.iter().any(|u| t.is_word(u)));
                if unit {
                    self.pos += 1;
                    return Operand::Computed;
                }
                Operand::Literal(n)
            }
            Tok::Sym("-") => {
                self.pos += 1;
                match self.peek().map(|t| &t.tok) {
                    Some(Tok::Num(n)) => {
                        let negative = format!("-{n}");
                        self.pos += 1;
                        Operand::Literal(negative)
                    }
                    _ => Operand::Computed,
                }
            }
            Tok::Sym("(") => {
                // Arithmetic grouping inside an operand, `(length(x) + 1)`.
                self.pos += 1;
                let inner = self.operand_list();
                if let [single] = inner.as_slice() {
                    single.clone()
                } else {
                    Operand::Computed
                }
            }
            Tok::Sym("[") => {
                self.skip(format!("{}:subquery", self.lang));
                self.skip_balanced("[", "]");
                Operand::Computed
            }
            // A keyword where an operand should be: leave it to the caller.
            Tok::Word(word) if ["and", "or"].iter().any(|k| word.eq_ignore_ascii_case(k)) => {
                Operand::Computed
            }
            Tok::Word(word) => {
                self.pos += 1;
                let lower = word.to_ascii_lowercase();
                match lower.as_str() {
                    "null" => Operand::Null,
                    "true" | "false" => Operand::Literal(lower),
                    _ if self.eat_sym("(") => self.call(lower),
                    _ => Operand::Field(word),
                }
            }
            // A closing token belongs to an enclosing construct: leave it.
            Tok::Sym(")" | "]" | ",") => Operand::Computed,
            _ => {
                self.pos += 1;
                Operand::Computed
            }
        }
    }

    /// A call whose `(` was consumed. Transparent functions of one field
    /// return that field.
    fn call(&mut self, name: String) -> Operand {
        let name = name.trim_end_matches('~').to_string();
        let args = self.operand_list();
        if TRANSPARENT_FUNCTIONS.contains(&name.as_str()) {
            if let [Operand::Field(field)] = args.as_slice() {
                return Operand::Field(field.clone());
            }
        }
        Operand::Call(name, args)
    }

    /// Comma-separated operands after an opening `(`, through the closing `)`. Arguments that are not
    /// plain operands (conditions in `case(...)`) become `Computed`.
    fn operand_list(&mut self) -> Vec<Operand> {
        let mut items = Vec::new();
        if !self.enter() {
            return items;
        }
        while self.pos < self.tokens.len() && !self.eat_sym(")") {
            let start = self.pos;
            let mut item = self.operand();
            // Anything else before `,` or `)`: a condition or unknown syntax.
            let mut nested = 0usize;
            while let Some(t) = self.tokens.get(self.pos) {
                if nested == 0 && (t.is_sym(",") || t.is_sym(")")) {
                    break;
                }
                if t.is_sym("(") {
                    nested += 1;
                } else if t.is_sym(")") {
                    nested -= 1;
                }
                item = Operand::Computed;
                self.pos += 1;
            }
            if self.pos == start {
                self.pos += 1;
            }
            items.push(item);
            self.eat_sym(",");
        }
        self.depth -= 1;
        items
    }

    fn skip_balanced(&mut self, open: &str, close: &str) {
        let mut nested = 0usize;
        while let Some(t) = self.tokens.get(self.pos) {
            self.pos += 1;
            if t.is_sym(open) {
                nested += 1;
            } else if t.is_sym(close) {
                nested = nested.saturating_sub(1);
                if nested == 0 {
                    return;
                }
            }
        }
    }
}

/// Test helper: one line per predicate, `+` positive, `-` exclusion, `~`
/// nested, then field, operator and `|`-joined values.
#[cfg(test)]
pub(super) fn describe(extraction: &crate::corpus::predicate::Extraction) -> Vec<String> {
    extraction
        .predicates
        .iter()
        .map(|p| {
            let sign = match p.polarity {
                crate::corpus::predicate::Polarity::Positive => '+',
                crate::corpus::predicate::Polarity::Exclusion => '-',
                crate::corpus::predicate::Polarity::Nested => '~',
            };
            format!(
                "{sign} {} {} {}",
                p.field,
                p.op.as_str(),
                p.values.join("|")
            )
            .trim_end()
            .to_string()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(tokens: &[Token]) -> Vec<Tok> {
        tokens.iter().map(|t| t.tok.clone()).collect()
    }

    #[test]
    fn tokenizer_reads_strings_names_and_comments() {
        let tokens = tokenize(
            r#"?a.`b/c`.d == "x\"y\\z" // note
            /* block */ """raw \n""" ?"C:\w" 'q' like~ -12 10s"#,
        );
        assert_eq!(
            words(&tokens),
            vec![
                Tok::Word("a.b/c.d".into()),
                Tok::Sym("=="),
                Tok::Str("x\"y\\z".into()),
                Tok::Str("raw \\n".into()),
                Tok::Str("C:\\w".into()),
                Tok::Str("q".into()),
                Tok::Word("like~".into()),
                Tok::Sym("-"),
                Tok::Num("12".into()),
                Tok::Num("10s".into()),
            ]
        );
    }

    #[test]
    fn tokenizer_survives_unterminated_input() {
        for text in [
            "\"abc",
            "\"\"\"abc",
            "/* x",
            "`abc",
            "?\"abc",
            "a \\",
            "é ü €",
        ] {
            tokenize(text);
        }
    }

    #[test]
    fn or_of_one_field_merges_into_a_list() {
        let merged = Expr::any(vec![
            Expr::test("f", Operator::Eq, vec!["a".into()]),
            Expr::test("f", Operator::Wildcard, vec!["b*".into()]),
        ]);
        assert_eq!(
            merged,
            Expr::test("f", Operator::Wildcard, vec!["a".into(), "b*".into()])
        );
        let partly = Expr::any(vec![
            Expr::test("f", Operator::Eq, vec!["a".into()]),
            Expr::test("g", Operator::Eq, vec!["b".into()]),
            Expr::test("f", Operator::Eq, vec!["c".into()]),
            Expr::test("f", Operator::Gt, vec!["1".into()]),
        ]);
        assert_eq!(
            partly,
            Expr::Any(vec![
                Expr::test("f", Operator::Eq, vec!["a".into(), "c".into()]),
                Expr::test("g", Operator::Eq, vec!["b".into()]),
                Expr::test("f", Operator::Gt, vec!["1".into()]),
            ])
        );
    }
}
