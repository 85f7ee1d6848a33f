//! Microsoft Sentinel KQL predicate extractor.
//!
//! The query is tokenized once (strings, verbatim `@"..."` strings, comments
//! and `!has`-style operators are resolved by the lexer), every bracket gets
//! its partner precomputed, and parsing then works on token ranges, so
//! sub-queries (`union (...)`, `join (...)`, parenthesised `let` bodies) are
//! just narrower ranges. Nothing recurses without a depth check.
//!
//! Statements are handled in order. `let` bindings of literals, `dynamic([...])`,
//! `pack_array(...)` and `datatable(...)[...]` lists are remembered so that
//! `field in (names)` and `has_any (names)` resolve to values; tabular `let`
//! bodies are extracted like the main query. In a tabular pipeline the first
//! table names a source, `where`/`filter` clauses yield predicates, and
//! `extend`, `project x = ...`, `summarize`, `parse` and friends record the
//! fields they create, whose later tests are dropped. Time-window tests
//! (`TimeGenerated > ago(1d)`) are dropped silently: they are not indicators.
//!
//! Polarity: every `where` is a top-level conjunct; `not(...)` or a negated
//! operator (`!has`, `!in`, `!=`) there is an exclusion (reported with the
//! positive operator), any other negation is nested.

use std::collections::{HashMap, HashSet};

use crate::corpus::predicate::{Extraction, LogicPosition, Operator, Predicate};

/// Deepest bracket/sub-query nesting the parser follows.
const MAX_NESTING: usize = 200;

/// Extracts the predicates, source tables and skipped constructs of one query.
pub fn extract(query: &str) -> Extraction {
    let tokens = Tokens::new(query);
    let mut extractor = Extractor {
        tokens: &tokens,
        lets: HashMap::new(),
        out: Extraction::default(),
    };
    extractor.statements(0, tokens.len(), LogicPosition::TopConjunct, 0);
    extractor.out
}

// ---------------------------------------------------------------------------
// Lexer

#[derive(Debug, Clone, PartialEq)]
enum Token {
    /// Names and word operators (`has`, `!contains`, `in~`, `project-away`).
    Word(String),
    Str(String),
    /// Numbers and timespans (`4688`, `1d`, `0x10`).
    Number(String),
    Symbol(&'static str),
}

/// Operators spelled with a dash; the lexer glues them into one word.
const DASHED_OPERATORS: &[&str] = &[
    "project-away",
    "project-keep",
    "project-rename",
    "project-reorder",
    "mv-expand",
    "mv-apply",
    "parse-where",
    "parse-kv",
    "make-series",
    "top-nested",
    "top-hitters",
    "make-graph",
    "graph-match",
    "sample-distinct",
];

struct Tokens {
    tokens: Vec<Token>,
    /// For an opening bracket, the index of its partner (or the end).
    partner: Vec<usize>,
}

impl Tokens {
    fn new(text: &str) -> Self {
        let tokens = lex(text);
        let mut partner: Vec<usize> = (0..tokens.len()).collect();
        let mut open: Vec<(usize, &str)> = Vec::new();
        for (i, token) in tokens.iter().enumerate() {
            match token {
                Token::Symbol(s @ ("(" | "[" | "{")) => open.push((i, s)),
                Token::Symbol(s @ (")" | "]" | "}")) => {
                    let expected = match *s {
                        ")" => "(",
                        "]" => "[",
                        _ => "{",
                    };
                    // A stray closer matches nothing; a mismatched one
                    // closes the innermost group of its kind.
                    if let Some(at) = open.iter().rposition(|(_, o)| *o == expected) {
                        for (start, _) in open.drain(at..) {
                            partner[start] = i;
                        }
                    }
                }
                _ => {}
            }
        }
        for (unclosed, _) in open {
            partner[unclosed] = tokens.len();
        }
        Self { tokens, partner }
    }

    fn len(&self) -> usize {
        self.tokens.len()
    }

    fn get(&self, i: usize) -> Option<&Token> {
        self.tokens.get(i)
    }

    fn is_symbol(&self, i: usize, symbol: &str) -> bool {
        matches!(self.get(i), Some(Token::Symbol(s)) if *s == symbol)
    }

    fn is_word(&self, i: usize, word: &str) -> bool {
        matches!(self.get(i), Some(Token::Word(w)) if w.eq_ignore_ascii_case(word))
    }

    fn word(&self, i: usize) -> Option<&str> {
        match self.get(i) {
            Some(Token::Word(w)) => Some(w),
            _ => None,
        }
    }

    /// The index after the token at `i`, skipping a whole bracket group.
    fn skip(&self, i: usize) -> usize {
        match self.get(i) {
            Some(Token::Symbol("(" | "[" | "{")) => self.partner[i].saturating_add(1),
            _ => i + 1,
        }
    }

    /// Positions in `start..end` of `symbol` outside brackets.
    fn split_points(&self, start: usize, end: usize, symbol: &str) -> Vec<usize> {
        let mut points = Vec::new();
        let mut i = start;
        while i < end {
            if self.is_symbol(i, symbol) {
                points.push(i);
            }
            i = self.skip(i);
        }
        points
    }

    /// `start..end` cut at top-level `symbol`s.
    fn split(&self, start: usize, end: usize, symbol: &str) -> Vec<(usize, usize)> {
        let mut ranges = Vec::new();
        let mut from = start;
        for at in self.split_points(start, end, symbol) {
            ranges.push((from, at));
            from = at + 1;
        }
        ranges.push((from, end));
        ranges
    }
}

fn lex(text: &str) -> Vec<Token> {
    let chars: Vec<char> = text.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if c.is_whitespace() {
            i += 1;
        } else if c == '/' && next == Some('/') {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '`' && chars[i..].starts_with(&['`', '`', '`']) {
            let (value, end) = read_fenced(&chars, i + 3);
            tokens.push(Token::Str(value));
            i = end;
        } else if let Some((verbatim, quote_at)) = string_start(&chars, i) {
            let (value, end) = read_string(&chars, quote_at, verbatim);
            tokens.push(Token::Str(value));
            i = end;
        } else if c == '!' && next.is_some_and(char::is_alphabetic) {
            let end = word_end(&chars, i + 1);
            let mut word: String = chars[i..end].iter().collect();
            i = end;
            if word == "!in" && chars.get(i) == Some(&'~') {
                word.push('~');
                i += 1;
            }
            tokens.push(Token::Word(word));
        } else if is_word_start(c) {
            let mut end = word_end(&chars, i);
            let mut word: String = chars[i..end].iter().collect();
            while chars.get(end) == Some(&'-') {
                let tail_end = word_end(&chars, end + 1);
                let dashed: String = chars[i..tail_end].iter().collect();
                if !DASHED_OPERATORS.contains(&dashed.as_str()) {
                    break;
                }
                word = dashed;
                end = tail_end;
            }
            if word == "in" && chars.get(end) == Some(&'~') {
                word.push('~');
                end += 1;
            }
            tokens.push(Token::Word(word));
            i = end;
        } else if c.is_ascii_digit() {
            let end = word_end(&chars, i);
            // `1.5h`: a fraction belongs to the number.
            let end = if chars.get(end) == Some(&'.')
                && chars.get(end + 1).is_some_and(char::is_ascii_digit)
            {
                word_end(&chars, end + 1)
            } else {
                end
            };
            tokens.push(Token::Number(chars[i..end].iter().collect()));
            i = end;
        } else {
            let pair = next.map(|n| [c, n]);
            let symbol = match pair {
                Some(['=', '=']) => "==",
                Some(['!', '=']) => "!=",
                Some(['=', '~']) => "=~",
                Some(['!', '~']) => "!~",
                Some(['<', '=']) => "<=",
                Some(['>', '=']) => ">=",
                Some(['.', '.']) => "..",
                _ => match c {
                    '|' => "|",
                    '(' => "(",
                    ')' => ")",
                    '[' => "[",
                    ']' => "]",
                    '{' => "{",
                    '}' => "}",
                    ',' => ",",
                    ';' => ";",
                    ':' => ":",
                    '.' => ".",
                    '=' => "=",
                    '<' => "<",
                    '>' => ">",
                    '!' => "!",
                    '+' | '-' | '*' | '/' | '%' => "arith",
                    _ => "?",
                },
            };
            i += if symbol.len() == 2 { 2 } else { 1 };
            tokens.push(Token::Symbol(symbol));
        }
    }
    tokens
}

fn is_word_start(c: char) -> bool {
    c.is_alphabetic() || c == '_' || c == '$'
}

fn word_end(chars: &[char], mut i: usize) -> usize {
    while chars
        .get(i)
        .is_some_and(|&c| c.is_alphanumeric() || c == '_' || c == '$')
    {
        i += 1;
    }
    i
}

/// `"`, `'`, `@"`, `h"`, `h@"`: whether the string is verbatim, and where
/// its opening quote is.
fn string_start(chars: &[char], i: usize) -> Option<(bool, usize)> {
    let is_quote = |at: usize| matches!(chars.get(at), Some('"' | '\''));
    let c = chars[i];
    if is_quote(i) {
        return Some((false, i));
    }
    if c == '@' && is_quote(i + 1) {
        return Some((true, i + 1));
    }
    if matches!(c, 'h' | 'H') {
        if is_quote(i + 1) {
            return Some((false, i + 1));
        }
        if chars.get(i + 1) == Some(&'@') && is_quote(i + 2) {
            return Some((true, i + 2));
        }
    }
    None
}

/// Reads a quoted string; returns its value and the index after it. Regular
/// strings unescape `\\`, `\"`, `\'`, `\n`, `\t`; verbatim ones only `""`.
fn read_string(chars: &[char], quote_at: usize, verbatim: bool) -> (String, usize) {
    let quote = chars[quote_at];
    let mut value = String::new();
    let mut i = quote_at + 1;
    while i < chars.len() {
        let c = chars[i];
        if c == quote {
            if verbatim && chars.get(i + 1) == Some(&quote) {
                value.push(quote);
                i += 2;
                continue;
            }
            return (value, i + 1);
        }
        if c == '\\' && !verbatim {
            match chars.get(i + 1) {
                Some('n') => value.push('\n'),
                Some('t') => value.push('\t'),
                Some(&escaped) => value.push(escaped),
                None => {}
            }
            i += 2;
            continue;
        }
        value.push(c);
        i += 1;
    }
    (value, chars.len())
}

/// A ```` ``` ```` multi-line string starting at `start`.
fn read_fenced(chars: &[char], start: usize) -> (String, usize) {
    let mut i = start;
    while i < chars.len() {
        if chars[i..].starts_with(&['`', '`', '`']) {
            return (chars[start..i].iter().collect(), i + 3);
        }
        i += 1;
    }
    (chars[start..].iter().collect(), chars.len())
}

// ---------------------------------------------------------------------------
// Statements, `let` bindings and tabular pipelines

/// What a `let` name stands for.
#[derive(Debug, Clone)]
enum Binding {
    /// Literal values: a string, a number, a `dynamic` list, a `datatable`.
    Values(Vec<String>),
    /// A point in time (`ago(1d)`, `now()`): comparisons with it are windows.
    Time,
    /// A table expression or function; it names no table of its own.
    Tabular,
    /// A function reading the table its caller names: `(t:string) { table(t) }`.
    TableFunction,
    /// A scalar we cannot evaluate (`toscalar(...)`).
    Opaque,
}

struct Extractor<'t> {
    tokens: &'t Tokens,
    lets: HashMap<String, Binding>,
    out: Extraction,
}

/// Operators that neither filter rows nor create columns we track.
const QUIET_OPERATORS: &[&str] = &[
    "project-away",
    "project-keep",
    "project-reorder",
    "sort",
    "order",
    "top",
    "take",
    "limit",
    "distinct",
    "count",
    "render",
    "as",
    "serialize",
    "sample",
    "sample-distinct",
    "getschema",
    "top-nested",
    "top-hitters",
    "invoke",
    "consume",
];

/// Functions whose value is a point in time or a time window.
const TIME_FUNCTIONS: &[&str] = &[
    "ago",
    "now",
    "datetime",
    "todatetime",
    "startofday",
    "startofweek",
    "startofmonth",
    "startofyear",
    "endofday",
    "endofweek",
    "endofmonth",
    "endofyear",
    "datetime_add",
    "bin",
    "floor",
    "unixtime_seconds_todatetime",
    "unixtime_milliseconds_todatetime",
];

impl Extractor<'_> {
    fn skip(&mut self, name: impl Into<String>) {
        self.out.skipped.push(name.into());
    }

    fn add_source(&mut self, table: &str) {
        if !self.out.sources.iter().any(|s| s == table) {
            self.out.sources.push(table.to_string());
        }
    }

    /// `let ...; let ...; query` in `start..end`.
    fn statements(&mut self, start: usize, end: usize, context: LogicPosition, depth: usize) {
        let t = self.tokens;
        for (from, to) in t.split(start, end, ";") {
            if from >= to
                || ["set", "declare", "alias"]
                    .iter()
                    .any(|w| t.is_word(from, w))
            {
                continue;
            }
            if t.is_word(from, "let") {
                self.let_statement(from + 1, to, depth);
            } else {
                self.tabular(from, to, context, depth);
            }
        }
    }

    /// `name = value` after `let`.
    fn let_statement(&mut self, start: usize, end: usize, depth: usize) {
        let t = self.tokens;
        let Some(name) = t.word(start).map(str::to_string) else {
            self.skip("kql:let:syntax");
            return;
        };
        if !t.is_symbol(start + 1, "=") {
            self.skip("kql:let:syntax");
            return;
        }
        let binding = self.let_value(start + 2, end, depth);
        self.lets.insert(name, binding);
    }

    fn let_value(&mut self, start: usize, end: usize, depth: usize) -> Binding {
        let t = self.tokens;
        if start >= end {
            return Binding::Opaque;
        }
        let single = t.skip(start) >= end;
        match t.get(start) {
            Some(Token::Str(s) | Token::Number(s)) if single => {
                return Binding::Values(vec![s.clone()]);
            }
            // A function: `(params) { body }`.
            Some(Token::Symbol("(")) if t.is_symbol(t.skip(start), "{") => {
                let body = t.skip(start);
                let close = t.partner[body].min(end);
                self.statements(body + 1, close, LogicPosition::TopConjunct, depth + 1);
                let reads_named_table =
                    (body + 1..close).any(|i| t.is_word(i, "table") && t.is_symbol(i + 1, "("));
                return if reads_named_table {
                    Binding::TableFunction
                } else {
                    Binding::Tabular
                };
            }
            Some(Token::Word(w)) => {
                let function = w.to_ascii_lowercase();
                let args_end = t.partner.get(start + 1).copied().unwrap_or(end).min(end);
                match function.as_str() {
                    "dynamic" | "pack_array" if t.is_symbol(start + 1, "(") => {
                        return Binding::Values(self.literals(start + 2, args_end));
                    }
                    "datatable" if t.is_symbol(start + 1, "(") => {
                        let rows = t.skip(start + 1);
                        if t.is_symbol(rows, "[") {
                            return Binding::Values(
                                self.literals(rows + 1, t.partner[rows].min(end)),
                            );
                        }
                        return Binding::Tabular;
                    }
                    "externaldata" => return Binding::Tabular,
                    "view" if t.is_symbol(t.skip(start + 1), "{") => {
                        let body = t.skip(start + 1);
                        let close = t.partner[body].min(end);
                        self.statements(body + 1, close, LogicPosition::TopConjunct, depth + 1);
                        return Binding::Tabular;
                    }
                    "materialize" if t.is_symbol(start + 1, "(") => {
                        self.tabular(start + 2, args_end, LogicPosition::TopConjunct, depth + 1);
                        return Binding::Tabular;
                    }
                    _ if TIME_FUNCTIONS.contains(&function.as_str()) => return Binding::Time,
                    _ => {}
                }
            }
            _ => {}
        }
        let calls_table_function = t
            .word(start)
            .is_some_and(|w| matches!(self.lets.get(w), Some(Binding::TableFunction)));
        let is_tabular = !t.split_points(start, end, "|").is_empty()
            || (t.is_symbol(start, "(") && single)
            || t.is_word(start, "union")
            || calls_table_function
            || (single && matches!(t.get(start), Some(Token::Word(_))));
        if is_tabular {
            self.tabular(start, end, LogicPosition::TopConjunct, depth);
            Binding::Tabular
        } else {
            Binding::Opaque
        }
    }

    /// All string and number literals in `start..end`, nested or not.
    fn literals(&self, start: usize, end: usize) -> Vec<String> {
        (start..end.min(self.tokens.len()))
            .filter_map(|i| match self.tokens.get(i) {
                Some(Token::Str(s) | Token::Number(s)) => Some(s.clone()),
                _ => None,
            })
            .collect()
    }

    /// A tabular expression: a source, then `| operator ...` stages.
    fn tabular(&mut self, start: usize, end: usize, context: LogicPosition, depth: usize) {
        if depth > MAX_NESTING {
            self.skip("kql:nesting-too-deep");
            return;
        }
        let stages = self.tokens.split(start, end, "|");
        let mut created = HashSet::new();
        let (source_start, source_end) = stages[0];
        self.source(source_start, source_end, context, depth);
        for &(from, to) in &stages[1..] {
            self.stage(from, to, context, &mut created, depth);
        }
    }

    /// The head of a pipeline: a table, a parenthesised query, a `union`.
    fn source(&mut self, start: usize, end: usize, context: LogicPosition, depth: usize) {
        let t = self.tokens;
        if start >= end {
            return;
        }
        match t.get(start) {
            Some(Token::Symbol("(")) => {
                let close = t.partner[start].min(end);
                self.statements(start + 1, close, context, depth + 1);
            }
            Some(Token::Word(w)) => {
                let lower = w.to_ascii_lowercase();
                match lower.as_str() {
                    "union" => self.union(start + 1, end, context, depth),
                    "materialize" | "view" | "toscalar" if t.is_symbol(start + 1, "(") => {
                        let close = t.partner[start + 1].min(end);
                        self.tabular(start + 2, close, context, depth + 1);
                    }
                    "datatable" | "externaldata" | "print" | "range" | "evaluate" => {}
                    "search" | "find" => self.skip(format!("kql:operator:{lower}")),
                    // `table("SigninLogs")`, `f("SigninLogs")` with `f` reading
                    // `table(name)`: the literal names the table.
                    "table" if t.is_symbol(start + 1, "(") => self.add_literal_sources(start + 1),
                    _ if matches!(self.lets.get(w.as_str()), Some(Binding::TableFunction))
                        && t.is_symbol(start + 1, "(") =>
                    {
                        self.add_literal_sources(start + 1);
                    }
                    // Watchlists are lookups, not event tables.
                    _ if self.lets.contains_key(w.as_str()) || lower == "_getwatchlist" => {}
                    _ => {
                        self.add_source(w);
                        if t.is_symbol(start + 1, "(") {
                            let close = t.partner[start + 1].min(end);
                            self.parser_parameters(start + 2, close, context, depth);
                        }
                    }
                }
            }
            _ => self.skip("kql:source:syntax"),
        }
    }

    /// The string literals of the call arguments opening at `open`, as tables.
    fn add_literal_sources(&mut self, open: usize) {
        let close = self.tokens.partner[open];
        for table in self.literals(open + 1, close) {
            self.add_source(&table);
        }
    }

    /// ASIM parsers filter through parameters: `_Im_Dns(domain_has_any=list)`
    /// tests the `domain` field. Time and switch parameters are not tests.
    fn parser_parameters(
        &mut self,
        start: usize,
        end: usize,
        context: LogicPosition,
        depth: usize,
    ) {
        const SUFFIXES: &[(&str, Operator)] = &[
            ("_has_any_prefix", Operator::StartsWith),
            ("_has_any", Operator::Match),
            ("_has_all", Operator::Match),
            ("_in", Operator::Eq),
        ];
        let t = self.tokens;
        for (from, to) in t.split(start, end, ",") {
            let Some(parameter) = t.word(from).filter(|_| t.is_symbol(from + 1, "=")) else {
                continue;
            };
            let Some((field, op)) = SUFFIXES
                .iter()
                .find_map(|(suffix, op)| parameter.strip_suffix(suffix).map(|field| (field, *op)))
            else {
                continue;
            };
            let field = field.to_string();
            let node = match ExprParser::new(self, from + 2, to, depth).parse_operand() {
                Expr::Values(values) if !values.is_empty() => test(&field, op, values, false),
                Expr::Values(_) => continue,
                _ => Node::Skip("kql:let:unresolved".into()),
            };
            self.emit(node, context, &HashSet::new());
        }
    }

    /// `union [options] T1, (query), ...`: every branch is its own query.
    fn union(&mut self, start: usize, end: usize, context: LogicPosition, depth: usize) {
        let t = self.tokens;
        for (from, to) in t.split(start, end, ",") {
            let mut i = from;
            // Options: `kind=outer`, `isfuzzy=true`, `withsource=T`.
            while t.word(i).is_some() && t.is_symbol(i + 1, "=") {
                i += 3;
            }
            if i < to {
                self.tabular(i, to, context, depth + 1);
            }
        }
    }

    fn stage(
        &mut self,
        start: usize,
        end: usize,
        context: LogicPosition,
        created: &mut HashSet<String>,
        depth: usize,
    ) {
        let t = self.tokens;
        let Some(operator) = t.word(start).map(str::to_ascii_lowercase) else {
            if start < end {
                self.skip("kql:operator:syntax");
            }
            return;
        };
        let args = start + 1;
        match operator.as_str() {
            "where" | "filter" => {
                let node = ExprParser::new(self, args, end, depth).parse_filter();
                self.emit(node, context, created);
            }
            "extend" | "project" | "project-rename" | "mv-expand" | "mvexpand" => {
                for (from, to) in t.split(args, end, ",") {
                    self.record_assignment(from, to, created);
                }
            }
            "summarize" | "make-series" => self.record_summarize(args, end, created),
            "parse" | "parse-where" | "parse-kv" => self.record_parse(args, end, created),
            "join" | "lookup" => self.join(args, end, context, depth),
            "union" => self.union(args, end, context, depth),
            "search" | "mv-apply" | "evaluate" | "scan" | "partition" | "fork" | "facet"
            | "reduce" => self.skip(format!("kql:operator:{operator}")),
            _ if QUIET_OPERATORS.contains(&operator.as_str()) => {}
            _ => self.skip(format!("kql:operator:{}", short_name(&operator))),
        }
    }

    /// `name = ...` (or `(a, b) = ...`) creates `name`.
    fn record_assignment(&self, start: usize, end: usize, created: &mut HashSet<String>) {
        let t = self.tokens;
        if let Some(name) = t.word(start)
            && t.is_symbol(start + 1, "=")
        {
            created.insert(name.to_string());
        } else if t.is_symbol(start, "(") && t.is_symbol(t.skip(start), "=") {
            for i in start + 1..t.partner[start].min(end) {
                if let Some(name) = t.word(i) {
                    created.insert(name.to_string());
                }
            }
        }
    }

    /// `summarize a = count(), dcount(x) by b = bin(...), c`: `a`,
    /// `dcount_x` and `b` are new columns.
    fn record_summarize(&self, start: usize, end: usize, created: &mut HashSet<String>) {
        let t = self.tokens;
        let mut by = end;
        let mut i = start;
        while i < end {
            if t.is_word(i, "by") {
                by = i;
                break;
            }
            i = t.skip(i);
        }
        for (from, to) in t.split(start, by, ",") {
            if t.is_symbol(from + 1, "=") {
                self.record_assignment(from, to, created);
            } else if let Some(function) = t.word(from) {
                let argument = t.word(from + 2).filter(|_| t.is_symbol(from + 1, "("));
                created.insert(match argument {
                    Some(argument) => format!("{function}_{argument}"),
                    None => format!("{function}_"),
                });
            }
        }
        for (from, to) in t.split((by + 1).min(end), end, ",") {
            self.record_assignment(from, to, created);
        }
    }

    /// `parse field with * "x" Name:string "y" Rest`: the bare names after
    /// `with` (not the types after `:`) are new columns.
    fn record_parse(&self, start: usize, end: usize, created: &mut HashSet<String>) {
        let t = self.tokens;
        let Some(with) = (start..end).find(|&i| t.is_word(i, "with")) else {
            return;
        };
        for i in with + 1..end {
            if let Some(name) = t.word(i)
                && !t.is_symbol(i - 1, ":")
            {
                created.insert(name.to_string());
            }
        }
    }

    /// `join kind=... (query) on ...`: the right side is a query of its own;
    /// for anti joins and outer lookups its tests do not select rows.
    fn join(&mut self, start: usize, end: usize, context: LogicPosition, depth: usize) {
        let t = self.tokens;
        let mut i = start;
        let mut selects = true;
        while t.word(i).is_some() && t.is_symbol(i + 1, "=") {
            if t.is_word(i, "kind") {
                let kind = t.word(i + 2).unwrap_or_default().to_ascii_lowercase();
                selects = !kind.contains("anti") && !kind.contains("outer");
            }
            i += 3;
        }
        let right_context = if selects {
            context
        } else {
            LogicPosition::Nested
        };
        if t.is_symbol(i, "(") {
            let close = t.partner[i].min(end);
            self.statements(i + 1, close, right_context, depth + 1);
        } else if let Some(table) = t.word(i)
            && !t.is_word(i, "on")
            && !self.lets.contains_key(table)
        {
            self.add_source(table);
        }
    }

    fn emit(&mut self, node: Node, context: LogicPosition, created: &HashSet<String>) {
        match node {
            Node::All(children) => {
                for child in children {
                    self.emit(child, context, created);
                }
            }
            Node::Any(children) => {
                for child in children {
                    self.emit(child, context.in_disjunction(), created);
                }
            }
            Node::Not(inner) => self.emit(*inner, context.negated(), created),
            Node::Skip(name) => self.skip(name),
            Node::TimeWindow => {}
            Node::Test(test) => {
                let context = if test.negated {
                    context.negated()
                } else {
                    context
                };
                if !created.contains(&test.field) {
                    self.out.predicates.push(Predicate {
                        field: test.field,
                        op: test.op,
                        values: test.values,
                        polarity: context.polarity(),
                        step_source: None,
                    });
                }
            }
        }
    }
}

/// Keeps construct names short and printable whatever the input holds.
fn short_name(name: &str) -> String {
    name.chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '~' | '!'))
        .take(32)
        .collect()
}

// ---------------------------------------------------------------------------
// `where` expressions

#[derive(Debug)]
enum Node {
    All(Vec<Node>),
    Any(Vec<Node>),
    Not(Box<Node>),
    Test(Test),
    /// A time-window test: deliberately not reported.
    TimeWindow,
    Skip(String),
}

#[derive(Debug)]
struct Test {
    field: String,
    op: Operator,
    values: Vec<String>,
    negated: bool,
}

/// An expression reduced to what predicate extraction needs.
#[derive(Debug)]
enum Expr {
    Field(String),
    Values(Vec<String>),
    Time,
    /// A `let` name that is not a literal list.
    Unresolved,
    Call(String, Vec<Expr>),
    Binary(String, Box<Expr>, Box<Expr>),
    Not(Box<Expr>),
    And(Vec<Expr>),
    Or(Vec<Expr>),
    Opaque,
}

/// What `ipv4_is_private()` tests (RFC 1918).
const PRIVATE_IPV4_RANGES: &[&str] = &["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"];

/// Event-time columns; tests on them are time windows.
const TIME_COLUMNS: &[&str] = &["TimeGenerated", "Timestamp", "_TimeReceived"];

/// Binary operators, as the lexer spells them.
const COMPARISONS: &[&str] = &["==", "!=", "=~", "!~", "<", "<=", ">", ">="];
const WORD_OPERATORS: &[&str] = &[
    "has",
    "!has",
    "has_cs",
    "!has_cs",
    "hasprefix",
    "!hasprefix",
    "hasprefix_cs",
    "hassuffix",
    "!hassuffix",
    "hassuffix_cs",
    "contains",
    "!contains",
    "contains_cs",
    "!contains_cs",
    "startswith",
    "!startswith",
    "startswith_cs",
    "!startswith_cs",
    "endswith",
    "!endswith",
    "endswith_cs",
    "!endswith_cs",
    "in",
    "!in",
    "in~",
    "!in~",
    "has_any",
    "has_all",
    "between",
    "!between",
    "like",
    "matches",
];

struct ExprParser<'e, 't> {
    extractor: &'e mut Extractor<'t>,
    pos: usize,
    end: usize,
    depth: usize,
}

impl<'e, 't> ExprParser<'e, 't> {
    fn new(extractor: &'e mut Extractor<'t>, start: usize, end: usize, depth: usize) -> Self {
        Self {
            extractor,
            pos: start,
            end,
            depth,
        }
    }

    fn tokens(&self) -> &'t Tokens {
        self.extractor.tokens
    }

    fn parse_filter(&mut self) -> Node {
        let mut conjuncts = Vec::new();
        while self.pos < self.end {
            let start = self.pos;
            conjuncts.push(to_node(self.parse_or()));
            if self.pos == start {
                self.pos = self.tokens().skip(self.pos);
                conjuncts.push(Node::Skip("kql:where:syntax".into()));
            }
        }
        if conjuncts.len() == 1 {
            conjuncts.pop().unwrap_or(Node::All(Vec::new()))
        } else {
            Node::All(conjuncts)
        }
    }

    fn at_word(&self, word: &str) -> bool {
        self.pos < self.end && self.tokens().is_word(self.pos, word)
    }

    fn parse_or(&mut self) -> Expr {
        let mut branches = vec![self.parse_and()];
        while self.at_word("or") {
            self.pos += 1;
            branches.push(self.parse_and());
        }
        if branches.len() == 1 {
            branches.pop().unwrap_or(Expr::Opaque)
        } else {
            Expr::Or(branches)
        }
    }

    fn parse_and(&mut self) -> Expr {
        let mut terms = vec![self.parse_comparison()];
        while self.at_word("and") {
            self.pos += 1;
            terms.push(self.parse_comparison());
        }
        if terms.len() == 1 {
            terms.pop().unwrap_or(Expr::Opaque)
        } else {
            Expr::And(terms)
        }
    }

    fn parse_comparison(&mut self) -> Expr {
        let left = self.parse_operand();
        let t = self.tokens();
        if self.pos >= self.end {
            return left;
        }
        let operator = match t.get(self.pos) {
            Some(Token::Symbol(s)) if COMPARISONS.contains(s) => s.to_string(),
            Some(Token::Word(w)) if WORD_OPERATORS.contains(&w.to_ascii_lowercase().as_str()) => {
                w.to_ascii_lowercase()
            }
            _ => return left,
        };
        self.pos += 1;
        if operator == "matches" {
            if self.at_word("regex") {
                self.pos += 1;
            }
            return Expr::Binary(
                "matches regex".into(),
                Box::new(left),
                Box::new(self.parse_operand()),
            );
        }
        let right = if t.is_symbol(self.pos, "(") && self.pos < self.end {
            self.parse_list()
        } else {
            self.parse_operand()
        };
        Expr::Binary(operator, Box::new(left), Box::new(right))
    }

    /// `(a, "b", names)` after a list operator, flattened to values; a
    /// `between (x .. y)` range or a sub-query stays unresolved.
    fn parse_list(&mut self) -> Expr {
        let t = self.tokens();
        let close = t.partner[self.pos].min(self.end);
        let inner_start = self.pos + 1;
        self.pos = (close + 1).min(self.end.max(close));
        if !t.split_points(inner_start, close, "|").is_empty() {
            return Expr::Unresolved;
        }
        let mut values = Vec::new();
        let mut saw_time = false;
        for (from, to) in t.split(inner_start, close, ",") {
            let mut item = ExprParser::new(self.extractor, from, to, self.depth + 1);
            let items: Vec<Expr> = t
                .split(from, to, "..")
                .into_iter()
                .map(|(a, b)| {
                    item.pos = a;
                    item.end = b;
                    item.parse_operand()
                })
                .collect();
            for expr in items {
                match expr {
                    Expr::Values(v) => values.extend(v),
                    Expr::Time => saw_time = true,
                    _ => return Expr::Unresolved,
                }
            }
        }
        if saw_time {
            Expr::Time
        } else {
            Expr::Values(values)
        }
    }

    /// A field, literal, call or group, with arithmetic folded away.
    fn parse_operand(&mut self) -> Expr {
        let mut operand = self.parse_primary();
        while self.pos < self.end && self.tokens().is_symbol(self.pos, "arith") {
            self.pos += 1;
            let right = self.parse_primary();
            operand = match (operand, right) {
                (Expr::Time, _) | (_, Expr::Time) => Expr::Time,
                _ => Expr::Opaque,
            };
        }
        operand
    }

    fn parse_primary(&mut self) -> Expr {
        let t = self.tokens();
        if self.pos >= self.end {
            return Expr::Opaque;
        }
        let at = self.pos;
        self.pos = t.skip(at).min(self.end);
        match t.get(at) {
            Some(Token::Str(s) | Token::Number(s)) => Expr::Values(vec![s.clone()]),
            Some(Token::Symbol("(")) => self.parse_group(at + 1, t.partner[at].min(self.end)),
            Some(Token::Word(w)) if t.is_symbol(at + 1, "(") && at + 1 < self.end => {
                let open = at + 1;
                self.pos = t.skip(open).min(self.end);
                let name = w.to_ascii_lowercase();
                self.parse_call(name, open + 1, t.partner[open].min(self.end))
            }
            Some(Token::Word(w)) => {
                let path = self.parse_path(w.clone());
                match self.extractor.lets.get(&path) {
                    Some(Binding::Values(v)) => Expr::Values(v.clone()),
                    Some(Binding::Time) => Expr::Time,
                    Some(Binding::Tabular | Binding::TableFunction | Binding::Opaque) => {
                        Expr::Unresolved
                    }
                    None if matches!(path.as_str(), "true" | "false") => Expr::Values(vec![path]),
                    None => Expr::Field(path),
                }
            }
            Some(Token::Symbol("!")) => Expr::Not(Box::new(self.parse_primary())),
            _ => Expr::Opaque,
        }
    }

    /// `EventData.SubjectUserSid`: dotted member access stays one name;
    /// indexing (`x[0]`, `x["k"]`) makes the column dynamic, hence opaque.
    fn parse_path(&mut self, mut path: String) -> String {
        let t = self.tokens();
        while self.pos + 1 < self.end && t.is_symbol(self.pos, ".") {
            let Some(member) = t.word(self.pos + 1) else {
                break;
            };
            path.push('.');
            path.push_str(member);
            self.pos += 2;
        }
        while self.pos < self.end && t.is_symbol(self.pos, "[") {
            self.pos = t.skip(self.pos).min(self.end);
            path.push_str("[]");
        }
        path
    }

    fn parse_group(&mut self, start: usize, end: usize) -> Expr {
        if self.depth >= MAX_NESTING {
            self.extractor.skip("kql:nesting-too-deep");
            return Expr::Opaque;
        }
        let mut inner = ExprParser::new(self.extractor, start, end, self.depth + 1);
        let expr = inner.parse_or();
        if inner.pos < end { Expr::Opaque } else { expr }
    }

    fn parse_call(&mut self, name: String, start: usize, end: usize) -> Expr {
        if self.depth >= MAX_NESTING {
            self.extractor.skip("kql:nesting-too-deep");
            return Expr::Opaque;
        }
        if TIME_FUNCTIONS.contains(&name.as_str()) {
            return Expr::Time;
        }
        let t = self.tokens();
        if matches!(name.as_str(), "dynamic" | "pack_array") {
            return Expr::Values(self.extractor.literals(start, end));
        }
        let mut args = Vec::new();
        for (from, to) in t.split(start, end, ",") {
            if from < to {
                let mut inner = ExprParser::new(self.extractor, from, to, self.depth + 1);
                args.push(inner.parse_or());
            }
        }
        if name == "not" {
            return match args.len() {
                1 => Expr::Not(Box::new(args.pop().unwrap_or(Expr::Opaque))),
                _ => Expr::Opaque,
            };
        }
        Expr::Call(name, args)
    }
}

/// The column a value-side expression reads, looking through case folding
/// and conversions.
fn field_of(expr: &Expr) -> Option<&str> {
    match expr {
        Expr::Field(f) if !f.contains("[]") => Some(f),
        Expr::Call(name, args)
            if matches!(
                name.as_str(),
                "tolower"
                    | "toupper"
                    | "tostring"
                    | "trim"
                    | "toint"
                    | "tolong"
                    | "column_ifexists"
            ) =>
        {
            args.first().and_then(field_of)
        }
        _ => None,
    }
}

fn test(field: &str, op: Operator, values: Vec<String>, negated: bool) -> Node {
    Node::Test(Test {
        field: field.to_string(),
        op,
        values,
        negated,
    })
}

/// The operator a KQL binary operator maps to, and whether it is negated.
fn map_operator(operator: &str) -> Option<(Operator, bool)> {
    let negated = operator.starts_with('!') && operator != "!=" && operator != "!~";
    let positive = operator.trim_start_matches('!');
    let op = match positive {
        "==" | "=~" | "in" | "in~" => Operator::Eq,
        "=" | "~" => Operator::Eq,
        "has" | "has_cs" | "contains" | "contains_cs" | "has_any" | "has_all" => Operator::Match,
        "hasprefix" | "hasprefix_cs" | "startswith" | "startswith_cs" => Operator::StartsWith,
        "hassuffix" | "hassuffix_cs" | "endswith" | "endswith_cs" => Operator::EndsWith,
        "matches regex" => Operator::RegexMatch,
        "like" => Operator::Wildcard,
        "<" => Operator::Lt,
        "<=" => Operator::Lte,
        ">" => Operator::Gt,
        ">=" => Operator::Gte,
        _ => return None,
    };
    Some((op, negated || matches!(operator, "!=" | "!~")))
}

fn mirrored(operator: &str) -> Option<&'static str> {
    Some(match operator {
        "==" => "==",
        "=~" => "=~",
        "!=" => "!=",
        "!~" => "!~",
        "<" => ">",
        "<=" => ">=",
        ">" => "<",
        ">=" => "<=",
        _ => return None,
    })
}

fn to_node(expr: Expr) -> Node {
    match expr {
        Expr::And(terms) => Node::All(terms.into_iter().map(to_node).collect()),
        Expr::Or(branches) => Node::Any(branches.into_iter().map(to_node).collect()),
        Expr::Not(inner) => Node::Not(Box::new(to_node(*inner))),
        Expr::Binary(operator, left, right) => binary_node(&operator, &left, &right),
        Expr::Call(name, args) => call_node(&name, &args),
        Expr::Time => Node::TimeWindow,
        Expr::Unresolved => Node::Skip("kql:let:unresolved".into()),
        // A bare boolean column: `where IsAdmin`.
        Expr::Field(field) if !field.contains("[]") => {
            test(&field, Operator::Eq, vec!["true".into()], false)
        }
        Expr::Field(_) | Expr::Values(_) | Expr::Opaque => {
            Node::Skip("kql:where:expression".into())
        }
    }
}

fn binary_node(operator: &str, left: &Expr, right: &Expr) -> Node {
    if matches!(left, Expr::Time) || matches!(right, Expr::Time) {
        return Node::TimeWindow;
    }
    // `ipv4_is_private(ip) == false`: a boolean test compared to a literal.
    if let (Expr::Call(name, args), Expr::Values(values)) = (left, right)
        && matches!(operator, "==" | "!=")
        && let [flag] = values.as_slice()
        && matches!(flag.as_str(), "true" | "false")
    {
        let node = call_node(name, args);
        return if (flag == "true") == (operator == "==") {
            node
        } else {
            Node::Not(Box::new(node))
        };
    }
    if operator.ends_with("between") {
        return Node::Skip("kql:where:between".into());
    }
    let (field, value, operator) = match (field_of(left), field_of(right)) {
        (Some(a), Some(b)) if COMPARISONS.contains(&operator) => {
            return test(
                a,
                Operator::FieldRef,
                vec![b.to_string()],
                matches!(operator, "!=" | "!~"),
            );
        }
        (Some(field), _) => (field, right, operator),
        (None, Some(field)) => match mirrored(operator) {
            Some(mirror) => (field, left, mirror),
            None => return Node::Skip("kql:where:comparison".into()),
        },
        (None, None) => return Node::Skip("kql:where:comparison".into()),
    };
    // Windows on the event time are tuning, whatever the bound looks like.
    if TIME_COLUMNS.contains(&field) {
        return Node::TimeWindow;
    }
    let values = match value {
        Expr::Values(values) if !values.is_empty() => values.clone(),
        Expr::Unresolved => return Node::Skip("kql:let:unresolved".into()),
        _ => return Node::Skip("kql:where:comparison".into()),
    };
    match map_operator(operator) {
        Some((op, negated)) => test(field, op, values, negated),
        None => Node::Skip(format!("kql:where:{}", short_name(operator))),
    }
}

fn call_node(name: &str, args: &[Expr]) -> Node {
    let field = args.first().and_then(field_of);
    let values = || -> Vec<String> {
        args[1..]
            .iter()
            .flat_map(|a| match a {
                Expr::Values(v) => v.clone(),
                _ => Vec::new(),
            })
            .collect()
    };
    match (name, field) {
        ("isnotempty" | "notempty" | "isnotnull" | "notnull", Some(field)) => {
            test(field, Operator::IsNotNull, Vec::new(), false)
        }
        ("isempty" | "isnull", Some(field)) => test(field, Operator::IsNull, Vec::new(), false),
        ("ipv4_is_private", Some(field)) => test(
            field,
            Operator::Cidr,
            PRIVATE_IPV4_RANGES.iter().map(|r| r.to_string()).collect(),
            false,
        ),
        (
            "ipv4_is_in_range"
            | "ipv4_is_in_any_range"
            | "ipv6_is_in_range"
            | "ipv6_is_in_any_range",
            Some(field),
        ) if !values().is_empty() => test(field, Operator::Cidr, values(), false),
        _ => Node::Skip(format!("kql:function:{}", short_name(name))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn summary(query: &str) -> Vec<String> {
        extract(query)
            .predicates
            .iter()
            .map(|p| {
                format!(
                    "{:?} {} {} {:?}",
                    p.polarity,
                    p.field,
                    p.op.as_str(),
                    p.values
                )
            })
            .collect()
    }

    #[test]
    fn string_operators_map_to_the_shared_vocabulary() {
        let query = r#"SecurityEvent
            | where EventID == 4688 and Process =~ "cmd.exe" and CommandLine has "-enc"
                and Path contains @"C:\Temp\" and Name startswith "ps" and Name endswith ".exe"
                and Cmd matches regex "a\\d+" and Host has_cs "X" and Tag has_all ("a", "b")
                and Port >= 1024 and isnotempty(User) and isempty(Gone) and notempty(Dvc)
                and ipv4_is_in_range(IP, "10.0.0.0/8") and tolower(Account) == "admin""#;
        assert_eq!(
            summary(query),
            [
                r#"Positive EventID eq ["4688"]"#,
                r#"Positive Process eq ["cmd.exe"]"#,
                r#"Positive CommandLine match ["-enc"]"#,
                r#"Positive Path match ["C:\\Temp\\"]"#,
                r#"Positive Name starts_with ["ps"]"#,
                r#"Positive Name ends_with [".exe"]"#,
                r#"Positive Cmd regex_match ["a\\d+"]"#,
                r#"Positive Host match ["X"]"#,
                r#"Positive Tag match ["a", "b"]"#,
                r#"Positive Port gte ["1024"]"#,
                "Positive User is_not_null []",
                "Positive Gone is_null []",
                "Positive Dvc is_not_null []",
                r#"Positive IP cidr ["10.0.0.0/8"]"#,
                r#"Positive Account eq ["admin"]"#,
            ]
        );
        assert_eq!(extract(query).sources, ["SecurityEvent"]);
    }

    #[test]
    fn tables_named_through_table_calls() {
        let query = r#"let logins = (tableName:string) {
                table(tableName) | where ResultType == "50126"
            };
            union logins("SigninLogs"), logins("AADNonInteractiveUserSignInLogs")"#;
        let extraction = extract(query);
        assert_eq!(
            extraction.sources,
            ["SigninLogs", "AADNonInteractiveUserSignInLogs"]
        );
        assert_eq!(summary(query), [r#"Positive ResultType eq ["50126"]"#]);
        // Called in a `let`, then used by name.
        let query = r#"let logins = (tableName:string) { table(tableName) | where x == 1 };
            let signins = logins("SigninLogs");
            signins | where y == 2"#;
        assert_eq!(extract(query).sources, ["SigninLogs"]);
        assert_eq!(
            extract(r#"table("AuditLogs") | where OperationName == "x""#).sources,
            ["AuditLogs"]
        );
    }

    #[test]
    fn negation_polarity() {
        let query = r#"T
            | where A !in ("x", "y") and B !has "z" and C != "w"
            | where not(D == "d" or E contains "e")
            | where F == "f" or G !contains "g"
            | where not(not(H == "h"))"#;
        assert_eq!(
            summary(query),
            [
                r#"Exclusion A eq ["x", "y"]"#,
                r#"Exclusion B match ["z"]"#,
                r#"Exclusion C eq ["w"]"#,
                r#"Exclusion D eq ["d"]"#,
                r#"Exclusion E match ["e"]"#,
                r#"Positive F eq ["f"]"#,
                r#"Nested G match ["g"]"#,
                r#"Nested H eq ["h"]"#,
            ]
        );
    }

    #[test]
    fn let_lists_resolve_and_time_windows_vanish() {
        let query = r#"let lookback = 1d;
            let start = ago(lookback);
            let tools = dynamic(["a.exe", "b.exe"]);
            let table = datatable(Name:string)["c.exe", "d.exe"];
            let one = "e.exe";
            DeviceProcessEvents
            | where TimeGenerated > ago(lookback) and Timestamp between (start .. now())
            | where FileName in~ (tools) or FileName has_any (table) or FileName == one"#;
        assert_eq!(
            summary(query),
            [
                r#"Positive FileName eq ["a.exe", "b.exe"]"#,
                r#"Positive FileName match ["c.exe", "d.exe"]"#,
                r#"Positive FileName eq ["e.exe"]"#,
            ]
        );
    }

    #[test]
    fn sub_queries_and_created_columns() {
        let query = r#"let Suspicious = SigninLogs | where ResultType == "50126";
            union isfuzzy=true
              (SecurityEvent | extend Acct = tolower(Account) | where Acct == "x" and EventID == 4625),
              (Syslog | parse SyslogMessage with * "user " User:string " from" Rest | where User == "root" and Facility == "auth")
            | summarize Count = count(), dcount(Host) by Who = Account
            | where Count > 5 and dcount_Host > 1 and Who == "y"
            | join kind=leftanti (AuditLogs | where OperationName == "Reset") on Who"#;
        let extraction = extract(query);
        assert_eq!(
            summary(query),
            [
                r#"Positive ResultType eq ["50126"]"#,
                r#"Positive EventID eq ["4625"]"#,
                r#"Positive Facility eq ["auth"]"#,
                r#"Nested OperationName eq ["Reset"]"#,
            ]
        );
        assert_eq!(
            extraction.sources,
            ["SigninLogs", "SecurityEvent", "Syslog", "AuditLogs"]
        );
    }

    #[test]
    fn unknown_constructs_are_named() {
        let extraction = extract(
            "T | where X == 1 | mv-apply e = Entities on (where e.Type == 'x') | evaluate bag_unpack(Y) | frobnicate",
        );
        assert_eq!(
            extraction.skipped,
            [
                "kql:operator:mv-apply",
                "kql:operator:evaluate",
                "kql:operator:frobnicate"
            ]
        );
    }

    #[test]
    fn garbage_never_panics() {
        let deep = "T | where ".to_string() + &"(".repeat(5000) + "A == 1";
        let calls = "T | where ".to_string() + &"not(".repeat(5000);
        let long = "T | where A == \"unterminated ".repeat(50_000);
        for input in [
            "",
            "|",
            ";;;",
            "let",
            "let x",
            "let x =",
            "T | where",
            "T | where A in (",
            "T | where A matches",
            ")))]]]}}}",
            "@\"",
            "h'",
            "```",
            "!in~",
            "union",
            "T | join (",
            "é | where ü == 'ö'",
            &deep,
            &calls,
            &long,
        ] {
            let _ = extract(input);
        }
        assert!(
            extract(&deep)
                .skipped
                .contains(&"kql:nesting-too-deep".to_string())
        );
    }
}
