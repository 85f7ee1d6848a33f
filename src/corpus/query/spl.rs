//! Splunk SPL predicate extractor.
//!
//! The approach mirrors what Splunk itself does, in a forgiving way:
//!
//! 1. Macros (`` `name` ``, `` `name(a,b)` ``) are expanded textually, with
//!    `$arg$` substitution, a depth limit, a cycle guard and a size cap.
//!    Unknown `*_filter` macros are the empty tuning hooks every detection
//!    ends with, so they expand to nothing without being reported.
//! 2. The expanded search is split into pipeline commands at top-level `|`.
//! 3. Commands that filter events (`search`, the implicit first search,
//!    `where`, `tstats ... where`, `regex`) are parsed into a small boolean
//!    tree; every other command either creates fields (`eval`, `rex`,
//!    `rename`, `stats ... as x`, `lookup ... OUTPUT`), whose later tests are
//!    dropped because they are not tests on the raw event, or is ignored.
//! 4. The tree is walked once to assign polarity: negation of a top-level
//!    conjunct is an exclusion, any other negation is nested.
//!
//! Two grammars are needed: the search language (`field=value`, implicit
//! AND, `OR` binding tighter than `AND`, unquoted wildcard values) and the
//! eval language used by `where` (quoted strings, bare words are fields,
//! functions such as `like`, `match`, `isnotnull`).

use std::collections::{HashMap, HashSet};

use crate::corpus::predicate::{Extraction, LogicPosition, Operator, Predicate};

/// Deepest parenthesis/subsearch nesting the parsers follow.
const MAX_NESTING: usize = 200;
/// Deepest macro-inside-macro expansion.
const MAX_MACRO_DEPTH: usize = 32;
/// Expansion stops growing the text past this size (guards against
/// exponential macro definitions).
const MAX_EXPANDED_BYTES: usize = 8 << 20;

/// Macro definitions, keyed by name and arity as Splunk does (`name(2)`).
#[derive(Debug, Clone, Default)]
pub struct Macros {
    definitions: HashMap<(String, usize), MacroDefinition>,
}

#[derive(Debug, Clone)]
struct MacroDefinition {
    args: Vec<String>,
    body: String,
}

impl Macros {
    pub fn new() -> Self {
        Self::default()
    }

    /// Registers a macro. `name` may carry Splunk's arity suffix (`ctime(1)`);
    /// `args` name the `$arg$` placeholders in `definition`, in call order.
    pub fn insert(&mut self, name: &str, args: Vec<String>, definition: &str) {
        let (base, declared_arity) = split_arity_suffix(name.trim());
        let arity = if args.is_empty() {
            declared_arity
        } else {
            args.len()
        };
        self.definitions.insert(
            (base.to_string(), arity),
            MacroDefinition {
                args,
                body: definition.to_string(),
            },
        );
    }

    fn expansion(&self, name: &str, call_args: &[&str]) -> Option<String> {
        if let Some(found) = self.definitions.get(&(name.to_string(), call_args.len())) {
            let mut body = found.body.clone();
            for (param, value) in found.args.iter().zip(call_args) {
                body = body.replace(&format!("${param}$"), value);
            }
            return Some(body);
        }
        builtin_macro(name, call_args)
    }
}

/// `name(2)` -> (`name`, 2); a plain name has arity 0.
fn split_arity_suffix(name: &str) -> (&str, usize) {
    if let Some(open) = name.find('(')
        && let Some(arity) = name[open + 1..]
            .strip_suffix(')')
            .and_then(|n| n.trim().parse().ok())
    {
        return (&name[..open], arity);
    }
    (name, 0)
}

/// Splunk ES ships `drop_dm_object_name` in an app, not with the detection
/// content, yet almost every data-model search calls it.
fn builtin_macro(name: &str, call_args: &[&str]) -> Option<String> {
    match (name, call_args) {
        ("drop_dm_object_name", [object]) => Some(format!("rename {object}.* as *")),
        _ => None,
    }
}

/// Extracts the predicates, data sources and skipped constructs of one search.
pub fn extract(search: &str, macros: &Macros) -> Extraction {
    let mut extraction = Extraction::default();
    let mut expanded = String::new();
    let mut active = Vec::new();
    expand_macros(
        search,
        macros,
        &mut active,
        &mut expanded,
        &mut extraction.skipped,
    );
    let mut sink = Sink {
        out: &mut extraction,
        created: HashSet::new(),
    };
    extract_pipeline(&expanded, &mut sink, 0);
    extraction
}

// ---------------------------------------------------------------------------
// Macro expansion

fn expand_macros(
    text: &str,
    macros: &Macros,
    active: &mut Vec<String>,
    out: &mut String,
    skipped: &mut Vec<String>,
) {
    let mut rest = text;
    while let Some(tick) = find_unquoted(rest, b'`') {
        out.push_str(&rest[..tick]);
        // ```text``` is an inline comment.
        if let Some(comment) = rest[tick..].strip_prefix("```") {
            rest = comment.find("```").map_or("", |end| &comment[end + 3..]);
            continue;
        }
        let after = &rest[tick + 1..];
        let Some(close) = after.find('`') else {
            skipped.push("spl:macro:unclosed".into());
            out.push_str(after);
            return;
        };
        let call = after[..close].trim();
        rest = &after[close + 1..];
        let (name, call_args) = parse_macro_call(call);
        if active.len() >= MAX_MACRO_DEPTH || active.iter().any(|n| n == name) {
            skipped.push("spl:macro:recursive".into());
            continue;
        }
        if out.len() > MAX_EXPANDED_BYTES {
            skipped.push("spl:macro:too-large".into());
            continue;
        }
        match macros.expansion(name, &call_args) {
            Some(body) => {
                // A definition holding search terms is one operand of the
                // surrounding expression (`NOT `macro``), so it is grouped;
                // one in command position (after `|`) or holding a pipeline
                // stays as written.
                let command_position = out.trim_end().ends_with('|') || out.trim().is_empty();
                let group = !command_position && find_unquoted(&body, b'|').is_none();
                out.push_str(if group { " (" } else { " " });
                active.push(name.to_string());
                expand_macros(&body, macros, active, out, skipped);
                active.pop();
                out.push_str(if group { ") " } else { " " });
            }
            None if name.ends_with("_filter") => {}
            None => skipped.push("spl:macro:unknown".into()),
        }
    }
    out.push_str(rest);
}

/// `name(a, "b,c")` -> (`name`, [`a`, `"b,c"`]).
fn parse_macro_call(call: &str) -> (&str, Vec<&str>) {
    match call.find('(') {
        Some(open) if call.ends_with(')') => {
            let inner = &call[open + 1..call.len() - 1];
            let args = split_top_level(inner, b',')
                .into_iter()
                .map(str::trim)
                .collect();
            (call[..open].trim(), args)
        }
        _ => (call, Vec::new()),
    }
}

// ---------------------------------------------------------------------------
// Lexical helpers shared by both grammars

/// Position of `needle` outside double-quoted strings.
fn find_unquoted(text: &str, needle: u8) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut in_quotes = false;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if in_quotes => i += 1,
            b'"' => in_quotes = !in_quotes,
            b if b == needle && !in_quotes => return Some(i),
            _ => {}
        }
        i += 1;
    }
    None
}

/// Splits at `separator` outside quotes, parentheses and `[subsearches]`.
fn split_top_level(text: &str, separator: u8) -> Vec<&str> {
    let bytes = text.as_bytes();
    let mut parts = Vec::new();
    let (mut start, mut depth, mut in_quotes, mut i) = (0, 0usize, false, 0);
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if in_quotes => i += 1,
            b'"' => in_quotes = !in_quotes,
            _ if in_quotes => {}
            b'(' | b'[' => depth += 1,
            b')' | b']' => depth = depth.saturating_sub(1),
            b if b == separator && depth == 0 => {
                parts.push(&text[start..i]);
                start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    parts.push(&text[start.min(text.len())..]);
    parts
}

/// Whitespace/comma separated words, keeping quoted strings and `f(x, y)`
/// calls whole.
fn words(text: &str) -> Vec<&str> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let (mut start, mut depth, mut in_quotes, mut i) = (None, 0usize, false, 0);
    while i < bytes.len() {
        let b = bytes[i];
        let separator = !in_quotes && depth == 0 && (b.is_ascii_whitespace() || b == b',');
        if separator {
            if let Some(s) = start.take() {
                out.push(&text[s..i]);
            }
        } else {
            start.get_or_insert(i);
            match b {
                b'\\' if in_quotes => i += 1,
                b'"' => in_quotes = !in_quotes,
                b'(' | b'[' if !in_quotes => depth += 1,
                b')' | b']' if !in_quotes => depth = depth.saturating_sub(1),
                _ => {}
            }
        }
        i += 1;
    }
    if let Some(s) = start {
        out.push(&text[s..]);
    }
    out
}

/// Byte offset of `keyword` as a whole word outside quotes and brackets.
fn find_keyword(text: &str, keyword: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let (mut depth, mut in_quotes, mut i) = (0usize, false, 0);
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if in_quotes => i += 1,
            b'"' => in_quotes = !in_quotes,
            _ if in_quotes => {}
            b'(' | b'[' => depth += 1,
            b')' | b']' => depth = depth.saturating_sub(1),
            _ if depth == 0
                && (i == 0 || bytes[i - 1].is_ascii_whitespace())
                && bytes[i..].len() >= keyword.len()
                && bytes[i..i + keyword.len()].eq_ignore_ascii_case(keyword.as_bytes())
                && bytes
                    .get(i + keyword.len())
                    .is_none_or(|b| b.is_ascii_whitespace()) =>
            {
                return Some(i);
            }
            _ => {}
        }
        i += 1;
    }
    None
}

/// Removes surrounding double quotes and SPL escapes (`\\`, `\"`); other
/// backslashes are literal, as in Windows paths.
fn unquote(raw: &str) -> String {
    let inner = raw
        .strip_prefix('"')
        .map(|r| r.strip_suffix('"').unwrap_or(r))
        .unwrap_or(raw);
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, chars.peek()) {
            ('\\', Some(&next @ ('\\' | '"'))) => {
                out.push(next);
                chars.next();
            }
            _ => out.push(c),
        }
    }
    out
}

// ---------------------------------------------------------------------------
// Boolean tree and polarity

/// A parsed filter: what both grammars produce.
#[derive(Debug)]
enum Node {
    All(Vec<Node>),
    Any(Vec<Node>),
    Not(Box<Node>),
    Test(Test),
    /// Understood but yields nothing (free text, a subsearch, a function).
    Skip(String),
}

#[derive(Debug)]
struct Test {
    field: String,
    op: Operator,
    values: Vec<String>,
    /// `!=` and friends: a negation of the test itself.
    negated: bool,
}

fn collapse(mut nodes: Vec<Node>, build: fn(Vec<Node>) -> Node) -> Node {
    if nodes.len() == 1 {
        nodes.pop().unwrap_or(Node::All(Vec::new()))
    } else {
        build(nodes)
    }
}

/// Collects results for one pipeline; `created` holds fields made by earlier
/// commands, whose tests say nothing about the raw events.
struct Sink<'a> {
    out: &'a mut Extraction,
    created: HashSet<String>,
}

/// Search keys that steer the search (time range, index, summaries) rather
/// than test an event field.
const CONTROL_KEYS: &[&str] = &[
    "index",
    "eventtype",
    "earliest",
    "latest",
    "_index_earliest",
    "_index_latest",
    "starthoursago",
    "endhoursago",
    "startdaysago",
    "enddaysago",
    "starttime",
    "endtime",
    "splunk_server",
    "nodename",
    "summariesonly",
    "allow_old_summaries",
    "fillnull_value",
];

impl Sink<'_> {
    fn emit(&mut self, node: Node, context: LogicPosition) {
        match node {
            Node::All(children) => children.into_iter().for_each(|c| self.emit(c, context)),
            Node::Any(children) => children
                .into_iter()
                .for_each(|c| self.emit(c, context.in_disjunction())),
            Node::Not(inner) => self.emit(*inner, context.negated()),
            Node::Skip(name) => self.out.skipped.push(name),
            Node::Test(test) => {
                let context = if test.negated {
                    context.negated()
                } else {
                    context
                };
                self.emit_test(test, context);
            }
        }
    }

    fn emit_test(&mut self, test: Test, context: LogicPosition) {
        // Field names are case-sensitive: `eventType` is an Okta field,
        // `eventtype` the Splunk control key.
        let field = test.field.as_str();
        if self.created.contains(field) || CONTROL_KEYS.contains(&field) {
            return;
        }
        if field == "sourcetype" || field == "source" {
            if matches!(
                context,
                LogicPosition::TopConjunct | LogicPosition::Disjunct
            ) {
                test.values.into_iter().for_each(|v| self.add_source(v));
            }
            return;
        }
        self.out.predicates.push(Predicate {
            field: test.field,
            op: test.op,
            values: test.values,
            polarity: context.polarity(),
            step_source: None,
        });
    }

    fn add_source(&mut self, source: String) {
        if !source.is_empty() && !self.out.sources.contains(&source) {
            self.out.sources.push(source);
        }
    }

    fn skip(&mut self, name: impl Into<String>) {
        self.out.skipped.push(name.into());
    }
}

// ---------------------------------------------------------------------------
// Pipeline

/// Commands that neither filter events nor create fields worth tracking.
const QUIET_COMMANDS: &[&str] = &[
    "table",
    "fields",
    "dedup",
    "sort",
    "head",
    "tail",
    "fillnull",
    "convert",
    "mvexpand",
    "makemv",
    "nomv",
    "mvcombine",
    "outputlookup",
    "collect",
    "reverse",
    "addtotals",
    "fieldformat",
    "xmlkv",
    "kvform",
    "extract",
    "fromjson",
    "format",
    "return",
    "filldown",
    "addinfo",
    "typer",
    "tags",
    "sendalert",
    "untable",
    "xyseries",
    "transpose",
    "delta",
    "accum",
    "autoregress",
    "rangemap",
    "replace",
    "strcat",
    "bin",
    "bucket",
    "iplocation",
    "inputlookup",
    "makeresults",
    "search_filter",
];

/// Commands that compute aggregates, named by `as x` or by the call itself.
const AGGREGATING_COMMANDS: &[&str] = &[
    "stats",
    "eventstats",
    "streamstats",
    "chart",
    "timechart",
    "sistats",
    "geostats",
    "top",
    "rare",
];

/// Commands whose `[subsearch]` arguments are searches of their own.
const SUBSEARCH_COMMANDS: &[&str] = &["join", "append", "appendpipe", "appendcols", "union"];

fn extract_pipeline(text: &str, sink: &mut Sink, depth: usize) {
    if depth > MAX_NESTING {
        sink.skip("spl:nesting-too-deep");
        return;
    }
    let starts_with_command = text.trim_start().starts_with('|');
    for (index, segment) in split_top_level(text, b'|').into_iter().enumerate() {
        let segment = segment.trim();
        if segment.is_empty() {
            continue;
        }
        let (command, args) = match segment.find(|c: char| c.is_whitespace()) {
            Some(end) => (&segment[..end], segment[end..].trim()),
            None => (segment, ""),
        };
        let command = command.to_ascii_lowercase();
        if index == 0 && !starts_with_command && command != "search" {
            run_search(segment, sink, depth);
            continue;
        }
        run_command(&command, args, sink, depth);
    }
}

fn run_command(command: &str, args: &str, sink: &mut Sink, depth: usize) {
    match command {
        "search" => run_search(args, sink, depth),
        "where" => {
            let node = WhereParser::new(args).parse_filter();
            sink.emit(node, LogicPosition::TopConjunct);
        }
        "tstats" | "mstats" => run_tstats(args, sink, depth),
        "from" | "datamodel" => add_datamodel_source(args, sink),
        "regex" => run_regex(args, sink),
        "eval" => {
            for assignment in split_top_level(args, b',') {
                if let Some(name) = assigned_name(assignment) {
                    sink.created.insert(name);
                }
            }
        }
        "rex" => record_rex_groups(args, sink),
        "rename" => {
            let words = words(args);
            for pair in words.windows(3) {
                if pair[1].eq_ignore_ascii_case("as") && !pair[2].contains('*') {
                    sink.created.insert(unquote(pair[2]));
                }
            }
        }
        "lookup" => record_lookup_outputs(args, sink),
        "spath" => {
            for word in words(args) {
                if let Some(output) = word.strip_prefix("output=") {
                    sink.created.insert(unquote(output));
                }
            }
        }
        _ if AGGREGATING_COMMANDS.contains(&command) => record_aggregates(args, sink),
        _ if SUBSEARCH_COMMANDS.contains(&command) => {
            for word in words(args) {
                if let Some(inner) = word.strip_prefix('[') {
                    let inner = inner.strip_suffix(']').unwrap_or(inner);
                    let mut nested = Sink {
                        out: &mut *sink.out,
                        created: HashSet::new(),
                    };
                    extract_pipeline(inner, &mut nested, depth + 1);
                }
            }
        }
        _ if QUIET_COMMANDS.contains(&command) => {}
        _ => sink.skip(format!("spl:command:{}", short_name(command))),
    }
}

/// Keeps construct names short and printable whatever the input holds.
fn short_name(name: &str) -> String {
    name.chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '`'))
        .take(32)
        .collect()
}

fn run_search(args: &str, sink: &mut Sink, depth: usize) {
    let node = SearchParser::new(args, depth).parse_all();
    sink.emit(node, LogicPosition::TopConjunct);
}

/// `tstats <aggregates> from datamodel=Model.Dataset where <search> by <fields>`.
fn run_tstats(args: &str, sink: &mut Sink, depth: usize) {
    let from = find_keyword(args, "from");
    let where_at = find_keyword(args, "where");
    let aggregates_end = [from, where_at]
        .into_iter()
        .flatten()
        .min()
        .unwrap_or(args.len());
    record_aggregates(&args[..aggregates_end], sink);
    if let Some(from) = from {
        let end = where_at.filter(|&w| w > from).unwrap_or(args.len());
        add_datamodel_source(&args[from + 4..end], sink);
    }
    if let Some(where_at) = where_at {
        let clause = &args[where_at + 5..];
        let clause = match find_keyword(clause, "by") {
            Some(by) => &clause[..by],
            None => clause,
        };
        run_search(clause, sink, depth);
    }
}

/// `datamodel=Endpoint.Processes`, `datamodel Web.Web`, `datamodel Endpoint Processes search`.
fn add_datamodel_source(args: &str, sink: &mut Sink) {
    let words = words(args);
    let Some(position) = words
        .iter()
        .position(|w| w.to_ascii_lowercase().starts_with("datamodel"))
    else {
        return;
    };
    let word = words[position];
    let inline = word["datamodel".len()..].trim_start_matches([':', '=']);
    let model = if inline.is_empty() {
        let mut parts = words[position + 1..]
            .iter()
            .take_while(|w| !w.eq_ignore_ascii_case("search") && !w.contains('='));
        let model = parts.next().copied().unwrap_or_default();
        match parts.next() {
            Some(dataset) if !model.contains('.') => format!("{model}.{dataset}"),
            _ => model.to_string(),
        }
    } else {
        inline.to_string()
    };
    sink.add_source(unquote(&model));
}

/// `regex field="re"`, `regex field!="re"`, `regex "re"` (on `_raw`).
fn run_regex(args: &str, sink: &mut Sink) {
    let args = args.trim();
    let (field, negated, pattern) = match find_unquoted(args, b'=') {
        Some(eq) if !args.starts_with('"') => {
            let negated = args[..eq].ends_with('!');
            let field = args[..eq].trim_end_matches('!').trim();
            (field.to_string(), negated, &args[eq + 1..])
        }
        _ => ("_raw".to_string(), false, args),
    };
    let test = Test {
        field,
        op: Operator::RegexMatch,
        values: vec![unquote(pattern.trim())],
        negated,
    };
    sink.emit(Node::Test(test), LogicPosition::TopConjunct);
}

/// `name = expr` -> `name` (not `==`, `!=`, `<=`, `>=`).
fn assigned_name(assignment: &str) -> Option<String> {
    let eq = find_unquoted(assignment, b'=')?;
    let bytes = assignment.as_bytes();
    let is_comparison = bytes.get(eq + 1) == Some(&b'=')
        || (eq > 0 && matches!(bytes[eq - 1], b'!' | b'<' | b'>' | b'='));
    let name = assignment[..eq].trim().trim_matches('\'');
    (!is_comparison && !name.is_empty()).then(|| unquote(name))
}

/// Named groups of `rex "(?<name>...)"` become fields.
fn record_rex_groups(args: &str, sink: &mut Sink) {
    for marker in ["(?<", "(?P<"] {
        for (at, _) in args.match_indices(marker) {
            let rest = &args[at + marker.len()..];
            if let Some(end) = rest.find('>') {
                sink.created.insert(rest[..end].to_string());
            }
        }
    }
}

/// `lookup table key OUTPUT a AS b, c` creates `b` and `c`.
fn record_lookup_outputs(args: &str, sink: &mut Sink) {
    let words = words(args);
    let Some(output) = words
        .iter()
        .position(|w| w.eq_ignore_ascii_case("output") || w.eq_ignore_ascii_case("outputnew"))
    else {
        return;
    };
    let mut rest = words[output + 1..].iter().peekable();
    while let Some(field) = rest.next() {
        let mut name = field;
        if rest.peek().is_some_and(|w| w.eq_ignore_ascii_case("as")) {
            rest.next();
            name = rest.next().unwrap_or(field);
        }
        sink.created.insert(unquote(name));
    }
}

/// `stats count min(_time) as firstTime by x`: `count` and `firstTime` are new.
fn record_aggregates(args: &str, sink: &mut Sink) {
    let words = words(args);
    let mut rest = words
        .iter()
        .take_while(|w| !w.eq_ignore_ascii_case("by"))
        .peekable();
    while let Some(word) = rest.next() {
        if rest.peek().is_some_and(|w| w.eq_ignore_ascii_case("as")) {
            rest.next();
            if let Some(name) = rest.next() {
                sink.created.insert(unquote(name));
            }
        } else if !word.contains('=') && !word.starts_with('`') {
            sink.created.insert(unquote(word));
        }
    }
}

// ---------------------------------------------------------------------------
// Search language: `field=value`, `field IN (...)`, NOT/AND/OR, implicit AND

struct SearchParser<'a> {
    text: &'a str,
    pos: usize,
    depth: usize,
}

impl<'a> SearchParser<'a> {
    fn new(text: &'a str, depth: usize) -> Self {
        Self {
            text,
            pos: 0,
            depth,
        }
    }

    fn bytes(&self) -> &'a [u8] {
        self.text.as_bytes()
    }

    fn peek(&self) -> Option<u8> {
        self.bytes().get(self.pos).copied()
    }

    fn skip_whitespace(&mut self) {
        while self.peek().is_some_and(|b| b.is_ascii_whitespace()) {
            self.pos += 1;
        }
    }

    /// The whole clause; stray closing parentheses are reported and passed.
    fn parse_all(&mut self) -> Node {
        let mut conjuncts = Vec::new();
        loop {
            conjuncts.push(self.parse_conjunction());
            if self.peek().is_none() {
                break;
            }
            self.pos += 1;
            conjuncts.push(Node::Skip("spl:syntax:unbalanced".into()));
        }
        collapse(conjuncts, Node::All)
    }

    /// Terms joined by explicit or implicit AND, up to `)` or the end.
    fn parse_conjunction(&mut self) -> Node {
        let mut terms = Vec::new();
        loop {
            self.skip_whitespace();
            match self.peek() {
                None | Some(b')') => break,
                _ if self.eat_keyword("AND") => {}
                _ => terms.push(self.parse_disjunction()),
            }
        }
        collapse(terms, Node::All)
    }

    /// In the search language OR binds tighter than AND.
    fn parse_disjunction(&mut self) -> Node {
        let mut branches = vec![self.parse_unary()];
        loop {
            self.skip_whitespace();
            if !self.eat_keyword("OR") {
                break;
            }
            self.skip_whitespace();
            if matches!(self.peek(), None | Some(b')')) {
                break;
            }
            branches.push(self.parse_unary());
        }
        collapse(branches, Node::Any)
    }

    fn parse_unary(&mut self) -> Node {
        self.skip_whitespace();
        if self.eat_keyword("NOT") {
            self.skip_whitespace();
            if matches!(self.peek(), None | Some(b')')) {
                return Node::Skip("spl:syntax:dangling-not".into());
            }
            return Node::Not(Box::new(self.parse_unary()));
        }
        match self.peek() {
            Some(b'(') => {
                self.pos += 1;
                if self.depth >= MAX_NESTING {
                    self.pos = self.text.len();
                    return Node::Skip("spl:nesting-too-deep".into());
                }
                self.depth += 1;
                let inner = self.parse_conjunction();
                self.depth -= 1;
                if self.peek() == Some(b')') {
                    self.pos += 1;
                }
                inner
            }
            Some(b'[') => {
                self.skip_brackets();
                Node::Skip("spl:subsearch".into())
            }
            _ => self.parse_term(),
        }
    }

    fn eat_keyword(&mut self, keyword: &str) -> bool {
        let rest = &self.bytes()[self.pos..];
        let matches = rest.starts_with(keyword.as_bytes())
            && rest
                .get(keyword.len())
                .is_none_or(|b| b.is_ascii_whitespace() || *b == b'(');
        if matches {
            self.pos += keyword.len();
        }
        matches
    }

    fn skip_brackets(&mut self) {
        let mut depth = 0usize;
        let mut in_quotes = false;
        while let Some(b) = self.peek() {
            self.pos += 1;
            match b {
                b'\\' if in_quotes => self.pos = (self.pos + 1).min(self.text.len()),
                b'"' => in_quotes = !in_quotes,
                b'[' if !in_quotes => depth += 1,
                b']' if !in_quotes => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        return;
                    }
                }
                _ => {}
            }
        }
    }

    /// A quoted string (escapes kept for `unquote`) or a bare word up to
    /// whitespace or one of `stops`.
    fn read_word(&mut self, stops: &[u8]) -> &'a str {
        let start = self.pos;
        if self.peek() == Some(b'"') {
            self.pos += 1;
            while let Some(b) = self.peek() {
                self.pos += 1;
                match b {
                    b'\\' => self.pos = (self.pos + 1).min(self.text.len()),
                    b'"' => break,
                    _ => {}
                }
            }
        } else {
            while self
                .peek()
                .is_some_and(|b| !b.is_ascii_whitespace() && !stops.contains(&b))
            {
                self.pos += 1;
            }
        }
        &self.text[start..self.pos]
    }

    fn read_operator(&mut self) -> Option<(Operator, bool)> {
        let rest = &self.bytes()[self.pos..];
        let (op, negated, len) = match rest {
            [b'!', b'=', ..] => (Operator::Eq, true, 2),
            [b'<', b'=', ..] => (Operator::Lte, false, 2),
            [b'>', b'=', ..] => (Operator::Gte, false, 2),
            [b'=', b'=', ..] => (Operator::Eq, false, 2),
            [b'=', ..] => (Operator::Eq, false, 1),
            [b'<', ..] => (Operator::Lt, false, 1),
            [b'>', ..] => (Operator::Gt, false, 1),
            _ => return None,
        };
        self.pos += len;
        Some((op, negated))
    }

    fn parse_term(&mut self) -> Node {
        let field = self.read_word(b"=!<>()[],");
        if field.is_empty() {
            self.pos += self.peek().map_or(0, utf8_len);
            return Node::Skip("spl:syntax".into());
        }
        let after_field = self.pos;
        self.skip_whitespace();
        if let Some((op, negated)) = self.read_operator() {
            self.skip_whitespace();
            let raw = self.read_word(b")");
            return Node::Test(search_test(unquote(field), op, raw, negated));
        }
        if self.bytes()[self.pos..]
            .get(..2)
            .is_some_and(|w| w.eq_ignore_ascii_case(b"in"))
        {
            let save = self.pos;
            self.pos += 2;
            self.skip_whitespace();
            if self.peek() == Some(b'(') {
                self.pos += 1;
                let values = self.read_list();
                let op = if values.iter().any(|v| v.contains('*')) {
                    Operator::Wildcard
                } else {
                    Operator::Eq
                };
                return Node::Test(Test {
                    field: unquote(field),
                    op,
                    values,
                    negated: false,
                });
            }
            self.pos = save;
        }
        self.pos = after_field;
        Node::Skip("spl:free-text".into())
    }

    /// Values of `IN ( ... )`, after the opening parenthesis.
    fn read_list(&mut self) -> Vec<String> {
        let mut values = Vec::new();
        loop {
            while self
                .peek()
                .is_some_and(|b| b.is_ascii_whitespace() || b == b',')
            {
                self.pos += 1;
            }
            match self.peek() {
                None => break,
                Some(b')') => {
                    self.pos += 1;
                    break;
                }
                _ => {
                    let raw = self.read_word(b",)");
                    if raw.is_empty() {
                        self.pos += 1;
                    } else {
                        values.push(unquote(raw));
                    }
                }
            }
        }
        values
    }
}

fn utf8_len(first_byte: u8) -> usize {
    match first_byte {
        0xF0.. => 4,
        0xE0.. => 3,
        0xC0.. => 2,
        _ => 1,
    }
}

/// A search-language comparison: `*` alone means "present", other
/// wildcards make a wildcard test.
fn search_test(field: String, op: Operator, raw_value: &str, negated: bool) -> Test {
    let value = unquote(raw_value);
    let (op, values) = match op {
        Operator::Eq if value == "*" => (Operator::IsNotNull, Vec::new()),
        Operator::Eq if value.contains('*') => (Operator::Wildcard, vec![value]),
        _ => (op, vec![value]),
    };
    Test {
        field,
        op,
        values,
        negated,
    }
}

// ---------------------------------------------------------------------------
// Eval language, as used by `where`

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Word(String),
    /// `'name'` is always a field in eval.
    QuotedField(String),
    Str(String),
    Number(String),
    Symbol(&'static str),
}

fn tokenize_eval(text: &str) -> Vec<Token> {
    let mut tokens = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some(&(start, c)) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
            continue;
        }
        if c == '"' || c == '\'' {
            chars.next();
            let mut raw = String::new();
            while let Some((_, d)) = chars.next() {
                if d == '\\' {
                    if let Some((_, escaped)) = chars.next() {
                        if !matches!(escaped, '\\' | '"' | '\'') {
                            raw.push('\\');
                        }
                        raw.push(escaped);
                    }
                } else if d == c {
                    break;
                } else {
                    raw.push(d);
                }
            }
            tokens.push(if c == '"' {
                Token::Str(raw)
            } else {
                Token::QuotedField(raw)
            });
            continue;
        }
        // A leading `.` is the concatenation operator, not part of a name.
        let is_word_char = |ch: char| {
            ch.is_alphanumeric() || matches!(ch, '_' | '.' | '{' | '}' | ':' | '@' | '$')
        };
        if c != '.' && is_word_char(c) {
            let mut end = start;
            while let Some(&(i, d)) = chars.peek() {
                if !is_word_char(d) {
                    break;
                }
                end = i + d.len_utf8();
                chars.next();
            }
            let word = &text[start..end];
            tokens.push(if c.is_ascii_digit() {
                Token::Number(word.to_string())
            } else {
                Token::Word(word.to_string())
            });
            continue;
        }
        chars.next();
        let next = chars.peek().map(|&(_, d)| d);
        let symbol = match (c, next) {
            ('=', Some('=')) => "==",
            ('!', Some('=')) => "!=",
            ('<', Some('=')) => "<=",
            ('>', Some('=')) => ">=",
            ('=', _) => "=",
            ('<', _) => "<",
            ('>', _) => ">",
            ('!', _) => "!",
            ('(', _) => "(",
            (')', _) => ")",
            (',', _) => ",",
            _ => "?",
        };
        if symbol.len() == 2 {
            chars.next();
        }
        tokens.push(Token::Symbol(symbol));
    }
    tokens
}

/// An eval expression reduced to what predicate extraction needs.
#[derive(Debug)]
enum Eval {
    Field(String),
    Literal(String),
    Call(String, Vec<Eval>),
    Compare(&'static str, Box<Eval>, Box<Eval>),
    Like(Box<Eval>, Box<Eval>),
    In(Box<Eval>, Vec<Eval>),
    Not(Box<Eval>),
    And(Vec<Eval>),
    Or(Vec<Eval>),
    Opaque,
}

struct WhereParser {
    tokens: Vec<Token>,
    pos: usize,
    depth: usize,
}

impl WhereParser {
    fn new(text: &str) -> Self {
        Self {
            tokens: tokenize_eval(text),
            pos: 0,
            depth: 0,
        }
    }

    fn parse_filter(&mut self) -> Node {
        let mut conjuncts = Vec::new();
        while self.pos < self.tokens.len() {
            let start = self.pos;
            conjuncts.push(to_node(self.parse_or()));
            if self.pos == start {
                self.pos += 1;
                conjuncts.push(Node::Skip("spl:syntax".into()));
            }
        }
        collapse(conjuncts, Node::All)
    }

    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.pos)
    }

    fn eat_symbol(&mut self, symbol: &str) -> bool {
        let found = matches!(self.peek(), Some(Token::Symbol(s)) if *s == symbol);
        self.pos += usize::from(found);
        found
    }

    fn eat_keyword(&mut self, keyword: &str) -> bool {
        let found = matches!(self.peek(), Some(Token::Word(w)) if w.eq_ignore_ascii_case(keyword));
        self.pos += usize::from(found);
        found
    }

    fn parse_or(&mut self) -> Eval {
        let mut branches = vec![self.parse_and()];
        while self.eat_keyword("OR") {
            branches.push(self.parse_and());
        }
        if branches.len() == 1 {
            branches.pop().unwrap_or(Eval::Opaque)
        } else {
            Eval::Or(branches)
        }
    }

    fn parse_and(&mut self) -> Eval {
        let mut terms = vec![self.parse_not()];
        while self.eat_keyword("AND") {
            terms.push(self.parse_not());
        }
        if terms.len() == 1 {
            terms.pop().unwrap_or(Eval::Opaque)
        } else {
            Eval::And(terms)
        }
    }

    fn parse_not(&mut self) -> Eval {
        if self.eat_keyword("NOT") || self.eat_symbol("!") {
            return Eval::Not(Box::new(self.parse_not()));
        }
        self.parse_comparison()
    }

    fn parse_comparison(&mut self) -> Eval {
        let left = self.parse_operand();
        if let Some(Token::Symbol(op @ ("=" | "==" | "!=" | "<" | "<=" | ">" | ">="))) = self.peek()
        {
            let op = *op;
            self.pos += 1;
            return Eval::Compare(op, Box::new(left), Box::new(self.parse_operand()));
        }
        if self.eat_keyword("LIKE") {
            return Eval::Like(Box::new(left), Box::new(self.parse_operand()));
        }
        if self.eat_keyword("IN") {
            if !self.eat_symbol("(") {
                return Eval::Opaque;
            }
            return Eval::In(Box::new(left), self.parse_arguments());
        }
        left
    }

    /// A field, literal, call or parenthesised expression; arithmetic and
    /// concatenation around it make it opaque.
    fn parse_operand(&mut self) -> Eval {
        let operand = self.parse_primary();
        let mut opaque = false;
        while let Some(Token::Symbol("?")) = self.peek() {
            self.pos += 1;
            opaque = true;
            if self.pos < self.tokens.len() {
                self.parse_primary();
            }
        }
        if opaque { Eval::Opaque } else { operand }
    }

    fn parse_primary(&mut self) -> Eval {
        let Some(token) = self.tokens.get(self.pos).cloned() else {
            return Eval::Opaque;
        };
        self.pos += 1;
        match token {
            Token::Str(s) => Eval::Literal(s),
            Token::Number(n) => Eval::Literal(n),
            Token::QuotedField(f) => Eval::Field(f),
            Token::Word(w) if self.eat_symbol("(") => {
                Eval::Call(w.to_ascii_lowercase(), self.parse_arguments())
            }
            Token::Word(w) => Eval::Field(w),
            // A bare parenthesis is a call with no name: a group or a list.
            Token::Symbol("(") => {
                let mut items = self.parse_arguments();
                if items.len() == 1 {
                    items.pop().unwrap_or(Eval::Opaque)
                } else {
                    Eval::Call(String::new(), items)
                }
            }
            Token::Symbol(_) => Eval::Opaque,
        }
    }

    /// Comma-separated expressions after `(`, through the matching `)`.
    fn parse_arguments(&mut self) -> Vec<Eval> {
        let mut args = Vec::new();
        if self.depth >= MAX_NESTING {
            self.pos = self.tokens.len();
            return args;
        }
        self.depth += 1;
        while self.pos < self.tokens.len() && !self.eat_symbol(")") {
            let start = self.pos;
            args.push(self.parse_or());
            if !self.eat_symbol(",") && self.pos == start {
                self.pos += 1;
            }
        }
        self.depth -= 1;
        args
    }
}

/// The field a value-side expression reads, looking through case folding.
fn field_of(expr: &Eval) -> Option<&str> {
    match expr {
        Eval::Field(f) => Some(f),
        Eval::Call(name, args)
            if matches!(
                name.as_str(),
                "lower" | "upper" | "trim" | "ltrim" | "rtrim" | "tostring"
            ) =>
        {
            args.first().and_then(field_of)
        }
        _ => None,
    }
}

fn literal_of(expr: &Eval) -> Option<&str> {
    match expr {
        Eval::Literal(value) => Some(value),
        _ => None,
    }
}

fn test_node(field: &str, op: Operator, values: Vec<String>, negated: bool) -> Node {
    Node::Test(Test {
        field: field.to_string(),
        op,
        values,
        negated,
    })
}

fn to_node(expr: Eval) -> Node {
    match expr {
        Eval::And(terms) => Node::All(terms.into_iter().map(to_node).collect()),
        Eval::Or(branches) => Node::Any(branches.into_iter().map(to_node).collect()),
        Eval::Not(inner) => Node::Not(Box::new(to_node(*inner))),
        Eval::Compare(op, left, right) => compare_node(op, &left, &right),
        Eval::Like(left, right) => match (field_of(&left), literal_of(&right)) {
            (Some(field), Some(pattern)) => like_node(field, pattern),
            _ => Node::Skip("spl:where:like".into()),
        },
        Eval::In(left, items) => in_node(&left, &items),
        Eval::Call(name, args) => call_node(&name, &args),
        Eval::Field(_) | Eval::Literal(_) | Eval::Opaque => {
            Node::Skip("spl:where:expression".into())
        }
    }
}

fn compare_node(op: &str, left: &Eval, right: &Eval) -> Node {
    let (field, value, flipped) = match (field_of(left), field_of(right)) {
        (Some(a), Some(b)) if matches!(op, "=" | "==" | "!=") => {
            return test_node(a, Operator::FieldRef, vec![b.to_string()], op == "!=");
        }
        (Some(field), None) => (field, literal_of(right), false),
        (None, Some(field)) => (field, literal_of(left), true),
        _ => ("", None, false),
    };
    let Some(value) = value else {
        return Node::Skip("spl:where:comparison".into());
    };
    let (op, negated) = match (op, flipped) {
        ("=" | "==", _) => (Operator::Eq, false),
        ("!=", _) => (Operator::Eq, true),
        ("<", false) | (">", true) => (Operator::Lt, false),
        ("<=", false) | (">=", true) => (Operator::Lte, false),
        (">", false) | ("<", true) => (Operator::Gt, false),
        _ => (Operator::Gte, false),
    };
    test_node(field, op, vec![value.to_string()], negated)
}

/// SQL-style `%` wildcards become the `*` the normalizer understands.
fn like_node(field: &str, pattern: &str) -> Node {
    test_node(
        field,
        Operator::Wildcard,
        vec![pattern.replace('%', "*")],
        false,
    )
}

fn in_node(left: &Eval, items: &[Eval]) -> Node {
    let values: Option<Vec<String>> = items
        .iter()
        .map(|i| literal_of(i).map(String::from))
        .collect();
    match (field_of(left), values) {
        (Some(field), Some(values)) if !values.is_empty() => {
            test_node(field, Operator::Eq, values, false)
        }
        _ => Node::Skip("spl:where:in".into()),
    }
}

fn call_node(name: &str, args: &[Eval]) -> Node {
    let field = args.first().and_then(field_of);
    let literal = args.get(1).and_then(literal_of);
    match (name, field, literal) {
        ("like", Some(field), Some(pattern)) => like_node(field, pattern),
        ("match", Some(field), Some(regex)) => {
            test_node(field, Operator::RegexMatch, vec![regex.to_string()], false)
        }
        ("isnotnull", Some(field), _) => test_node(field, Operator::IsNotNull, Vec::new(), false),
        ("isnull", Some(field), _) => test_node(field, Operator::IsNull, Vec::new(), false),
        ("in", Some(_), _) => in_node(&args[0], &args[1..]),
        ("cidrmatch", _, _) => match (
            args.first().and_then(literal_of),
            args.get(1).and_then(field_of),
        ) {
            (Some(cidr), Some(field)) => {
                test_node(field, Operator::Cidr, vec![cidr.to_string()], false)
            }
            _ => Node::Skip("spl:where:cidrmatch".into()),
        },
        ("searchmatch", _, _) => match args.first().and_then(literal_of) {
            Some(search) => SearchParser::new(search, 0).parse_all(),
            None => Node::Skip("spl:where:searchmatch".into()),
        },
        ("", _, _) => Node::Skip("spl:where:list".into()),
        _ => Node::Skip(format!("spl:where:{}", short_name(name))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(search: &str) -> Extraction {
        extract(search, &Macros::new())
    }

    fn summary(extraction: &Extraction) -> Vec<String> {
        extraction
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
    fn raw_search_terms_and_hints() {
        let e = run(
            r#"sourcetype=wineventlog EventCode=4688 New_Process_Name="*\\evil.exe" index=main"#,
        );
        assert_eq!(e.sources, ["wineventlog"]);
        assert_eq!(
            summary(&e),
            [
                r#"Positive EventCode eq ["4688"]"#,
                r#"Positive New_Process_Name wildcard ["*\\evil.exe"]"#,
            ]
        );
    }

    #[test]
    fn operators_lists_and_presence() {
        let e = run(r#"a!=x b IN ("1", "2*") c>5 d<=7 e=* "quoted field"="v \"q\"""#);
        assert_eq!(
            summary(&e),
            [
                r#"Exclusion a eq ["x"]"#,
                r#"Positive b wildcard ["1", "2*"]"#,
                r#"Positive c gt ["5"]"#,
                r#"Positive d lte ["7"]"#,
                "Positive e is_not_null []",
                r#"Positive quoted field eq ["v \"q\""]"#,
            ]
        );
    }

    #[test]
    fn polarity_follows_negation_depth() {
        let e = run("p=1 NOT (q=2 OR r=3) (s=4 OR NOT t=5) NOT NOT u=6");
        assert_eq!(
            summary(&e),
            [
                r#"Positive p eq ["1"]"#,
                r#"Exclusion q eq ["2"]"#,
                r#"Exclusion r eq ["3"]"#,
                r#"Positive s eq ["4"]"#,
                r#"Nested t eq ["5"]"#,
                r#"Nested u eq ["6"]"#,
            ]
        );
    }

    #[test]
    fn free_text_is_counted_not_reported() {
        let e = run(r#"x=1 "some phrase" bare"#);
        assert_eq!(summary(&e), [r#"Positive x eq ["1"]"#]);
        assert_eq!(e.skipped, ["spl:free-text", "spl:free-text"]);
    }

    #[test]
    fn tstats_datamodel_and_where_clause() {
        let e = run(
            "| tstats count min(_time) as firstTime from datamodel=Endpoint.Processes \
             where Processes.process_name=cmd.exe AND NOT Processes.parent_process_name IN (a.exe, b.exe) \
             by Processes.dest | where count > 5",
        );
        assert_eq!(e.sources, ["Endpoint.Processes"]);
        assert_eq!(
            summary(&e),
            [
                r#"Positive Processes.process_name eq ["cmd.exe"]"#,
                r#"Exclusion Processes.parent_process_name eq ["a.exe", "b.exe"]"#,
            ]
        );
    }

    #[test]
    fn where_functions() {
        let e = run(
            r#"x=1 | where like(cmd, "%-enc%") AND match(lower(path), "\\\\temp\\\\") AND isnotnull(user) AND isnull(gone) AND cidrmatch("10.0.0.0/8", ip) AND NOT in(state, "a", "b") AND src=dest AND name LIKE "x%""#,
        );
        assert_eq!(
            summary(&e)[1..],
            [
                r#"Positive cmd wildcard ["*-enc*"]"#,
                r#"Positive path regex_match ["\\\\temp\\\\"]"#,
                "Positive user is_not_null []",
                "Positive gone is_null []",
                r#"Positive ip cidr ["10.0.0.0/8"]"#,
                r#"Exclusion state eq ["a", "b"]"#,
                r#"Positive src fieldref ["dest"]"#,
                r#"Positive name wildcard ["x*"]"#,
            ]
        );
    }

    #[test]
    fn created_fields_are_dropped() {
        let e = run(
            r#"x=1 | eval e1=lower(y), e2="c" | rex field=y "(?<r1>\d+)" | rename orig as renamed | stats count values(z) as v by host
             | search e1=a e2=b r1=c renamed=d v=e count=f host=g | where e1!="h""#,
        );
        assert_eq!(
            summary(&e),
            [r#"Positive x eq ["1"]"#, r#"Positive host eq ["g"]"#]
        );
    }

    #[test]
    fn macros_expand_with_arguments_nesting_and_cycles() {
        let mut macros = Macros::new();
        macros.insert("sysmon", Vec::new(), "sourcetype=sysmon");
        macros.insert(
            "proc(1)",
            vec!["name".into()],
            "process_name=$name$ OR `alias`",
        );
        macros.insert("alias", Vec::new(), r#"original_file_name="x.exe""#);
        macros.insert("loop", Vec::new(), "a=1 `loop`");
        let e = extract(
            "`sysmon` NOT `proc(cmd.exe)` `loop` | `ctime(firstTime)` | `rule_filter`",
            &macros,
        );
        assert_eq!(e.sources, ["sysmon"]);
        assert_eq!(
            summary(&e),
            [
                r#"Exclusion process_name eq ["cmd.exe"]"#,
                r#"Exclusion original_file_name eq ["x.exe"]"#,
                r#"Positive a eq ["1"]"#,
            ]
        );
        assert!(e.skipped.contains(&"spl:macro:recursive".to_string()));
        assert!(e.skipped.contains(&"spl:macro:unknown".to_string()));
    }

    #[test]
    fn comments_subsearches_and_unknown_commands() {
        let e = run(
            "a=1 ```b=2``` NOT [| inputlookup allow.csv] | transaction host | join host [search c=3]",
        );
        assert_eq!(
            summary(&e),
            [r#"Positive a eq ["1"]"#, r#"Positive c eq ["3"]"#]
        );
        assert_eq!(e.skipped, ["spl:subsearch", "spl:command:transaction"]);
    }

    #[test]
    fn garbage_never_panics() {
        let deep = "(".repeat(5000) + "a=1" + &")".repeat(10);
        let long = "x=\"unterminated ".repeat(50_000);
        for input in [
            "",
            "|",
            "| | |",
            "\"",
            "`",
            "`a(",
            "NOT",
            "a= OR",
            ")))",
            "where ((((",
            "| where like(",
            "| tstats from where by",
            "é=ü ü ( [ ] ) !=",
            &deep,
            &long,
        ] {
            let _ = run(input);
            let _ = run(&format!("| where {input}"));
        }
        assert!(
            run(&deep)
                .skipped
                .contains(&"spl:nesting-too-deep".to_string())
        );
    }
}
