//! A spanned YAML tree built from `saphyr-parser` events.
//!
//! The tree keeps every key and value with its byte range, never expands
//! aliases (so alias bombs cost nothing), and survives errors: on a syntax
//! error the nodes read so far are kept, open collections are closed at the
//! error position and the error is recorded. Duplicate keys are recorded with
//! both ranges.

use std::collections::HashMap;

use saphyr_parser::{Event, Parser, ScalarStyle, Span};

use super::text::{LineIndex, TextRange};

/// Deeper nesting than this is reported and cut off; no Sigma rule comes near.
pub const MAX_DEPTH: usize = 64;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    Plain,
    SingleQuoted,
    DoubleQuoted,
    Literal,
    Folded,
}

impl Style {
    pub fn is_quoted(self) -> bool {
        matches!(self, Style::SingleQuoted | Style::DoubleQuoted)
    }
}

/// What a scalar means under the YAML 1.2 core schema.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ScalarKind {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Scalar {
    pub value: String,
    pub style: Style,
}

impl Scalar {
    pub fn kind(&self) -> ScalarKind {
        if self.style != Style::Plain {
            return ScalarKind::Str;
        }
        match self.value.as_str() {
            "" | "~" | "null" | "Null" | "NULL" => return ScalarKind::Null,
            "true" | "True" | "TRUE" => return ScalarKind::Bool(true),
            "false" | "False" | "FALSE" => return ScalarKind::Bool(false),
            _ => {}
        }
        if let Some(int) = parse_int(&self.value) {
            return ScalarKind::Int(int);
        }
        if looks_like_float(&self.value) {
            if let Ok(float) = self.value.parse::<f64>() {
                return ScalarKind::Float(float);
            }
        }
        ScalarKind::Str
    }
}

fn parse_int(s: &str) -> Option<i64> {
    let digits = s.strip_prefix(['-', '+']).unwrap_or(s);
    if let Some(hex) = digits.strip_prefix("0x") {
        return i64::from_str_radix(hex, 16).ok();
    }
    if let Some(oct) = digits.strip_prefix("0o") {
        return i64::from_str_radix(oct, 8).ok();
    }
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

fn looks_like_float(s: &str) -> bool {
    let body = s.strip_prefix(['-', '+']).unwrap_or(s);
    matches!(body, ".inf" | ".Inf" | ".INF" | ".nan" | ".NaN" | ".NAN")
        || (body.bytes().any(|b| b.is_ascii_digit())
            && body
                .bytes()
                .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'-' | b'+')))
}

#[derive(Debug, Clone, PartialEq)]
pub enum NodeKind {
    Scalar(Scalar),
    Sequence(Vec<Node>),
    Mapping(Vec<Entry>),
    /// `*name`: kept as a reference, never expanded.
    Alias,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub kind: NodeKind,
    pub range: TextRange,
    /// `[a, b]` / `{a: b}` rather than block style.
    pub flow: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub key: Node,
    pub value: Node,
}

impl Entry {
    pub fn key_str(&self) -> Option<&str> {
        self.key.as_str()
    }

    /// From the start of the key to the end of the value.
    pub fn range(&self) -> TextRange {
        self.key.range.cover(self.value.range)
    }
}

impl Node {
    pub fn as_scalar(&self) -> Option<&Scalar> {
        match &self.kind {
            NodeKind::Scalar(s) => Some(s),
            _ => None,
        }
    }

    /// The scalar's text, whatever its type (`1`, `true` and `foo` alike).
    pub fn as_str(&self) -> Option<&str> {
        self.as_scalar().map(|s| s.value.as_str())
    }

    pub fn as_mapping(&self) -> Option<&[Entry]> {
        match &self.kind {
            NodeKind::Mapping(entries) => Some(entries),
            _ => None,
        }
    }

    pub fn as_sequence(&self) -> Option<&[Node]> {
        match &self.kind {
            NodeKind::Sequence(items) => Some(items),
            _ => None,
        }
    }

    pub fn is_null(&self) -> bool {
        self.as_scalar()
            .is_some_and(|s| s.kind() == ScalarKind::Null)
    }

    /// The first entry under `key` in a mapping.
    pub fn entry(&self, key: &str) -> Option<&Entry> {
        self.as_mapping()?.iter().find(|e| e.key_str() == Some(key))
    }

    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|e| &e.value)
    }

    pub fn type_name(&self) -> &'static str {
        match &self.kind {
            NodeKind::Scalar(s) => match s.kind() {
                ScalarKind::Null => "null",
                ScalarKind::Bool(_) => "boolean",
                ScalarKind::Int(_) | ScalarKind::Float(_) => "number",
                ScalarKind::Str => "string",
            },
            NodeKind::Sequence(_) => "list",
            NodeKind::Mapping(_) => "mapping",
            NodeKind::Alias => "alias",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    /// `None` for an empty document.
    pub root: Option<Node>,
    pub range: TextRange,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum YamlErrorKind {
    Syntax,
    DuplicateKey { first: TextRange },
    TooDeep,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlError {
    pub kind: YamlErrorKind,
    pub message: String,
    pub range: TextRange,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct YamlFile {
    pub documents: Vec<Document>,
    pub errors: Vec<YamlError>,
}

/// Parses `text`; never fails, errors are in `YamlFile::errors`.
pub fn parse(text: &str, lines: &LineIndex) -> YamlFile {
    let mut builder = Builder {
        text,
        lines,
        char_offsets: (!text.is_ascii())
            .then(|| text.char_indices().map(|(i, _)| i as u32).collect()),
        file: YamlFile::default(),
        stack: Vec::new(),
        doc_start: 0,
        current_root: None,
    };
    for event in Parser::new_from_str(text) {
        match event {
            Ok((event, span)) => {
                if !builder.event(event, span) {
                    break;
                }
            }
            Err(error) => {
                let at = builder.offset(error.marker().index());
                builder.fail(YamlErrorKind::Syntax, error.info().to_string(), at);
                break;
            }
        }
    }
    builder.finish()
}

enum Frame {
    Mapping {
        start: u32,
        flow: bool,
        entries: Vec<Entry>,
        key: Option<Node>,
        /// First range of each key: duplicate detection stays linear in
        /// mappings with thousands of keys.
        first_keys: HashMap<String, TextRange>,
    },
    Sequence {
        start: u32,
        flow: bool,
        items: Vec<Node>,
    },
}

struct Builder<'a> {
    text: &'a str,
    lines: &'a LineIndex,
    /// Byte offset of every character, for non-ASCII text.
    char_offsets: Option<Vec<u32>>,
    file: YamlFile,
    stack: Vec<Frame>,
    doc_start: u32,
    current_root: Option<Node>,
}

impl Builder<'_> {
    fn range(&self, span: Span) -> TextRange {
        let start = self.offset(span.start.index());
        let end = self.offset(span.end.index());
        TextRange::new(start, end.max(start))
    }

    /// The scanner counts characters; ranges are bytes. Going through the
    /// character index (not line and column) stays right whatever line
    /// breaks the text uses (`\r` alone is one in YAML).
    fn offset(&self, char_index: usize) -> u32 {
        match &self.char_offsets {
            None => char_index.min(self.text.len()) as u32,
            Some(offsets) => offsets
                .get(char_index)
                .copied()
                .unwrap_or(self.text.len() as u32),
        }
    }

    /// Handles one event; `false` stops the parse.
    fn event(&mut self, event: Event<'_>, span: Span) -> bool {
        let range = self.range(span);
        match event {
            Event::DocumentStart(_) => {
                self.doc_start = range.start;
                self.current_root = None;
            }
            Event::DocumentEnd => self.end_document(range.start),
            Event::Scalar(value, style, _, _) => {
                let style = match style {
                    ScalarStyle::Plain => Style::Plain,
                    ScalarStyle::SingleQuoted => Style::SingleQuoted,
                    ScalarStyle::DoubleQuoted => Style::DoubleQuoted,
                    ScalarStyle::Literal => Style::Literal,
                    ScalarStyle::Folded => Style::Folded,
                };
                let scalar = Scalar {
                    value: value.into_owned(),
                    style,
                };
                let range = self.trim_block_scalar(range, style);
                self.push(Node {
                    kind: NodeKind::Scalar(scalar),
                    range,
                    flow: false,
                });
            }
            Event::Alias(_) => self.push(Node {
                kind: NodeKind::Alias,
                range,
                flow: false,
            }),
            Event::SequenceStart(..) | Event::MappingStart(..) => {
                if self.stack.len() >= MAX_DEPTH {
                    self.fail(
                        YamlErrorKind::TooDeep,
                        format!("nesting deeper than {MAX_DEPTH} levels"),
                        range.start,
                    );
                    return false;
                }
                let flow = !range.is_empty();
                self.stack
                    .push(if matches!(event, Event::MappingStart(..)) {
                        Frame::Mapping {
                            start: range.start,
                            flow,
                            entries: Vec::new(),
                            key: None,
                            first_keys: HashMap::new(),
                        }
                    } else {
                        Frame::Sequence {
                            start: range.start,
                            flow,
                            items: Vec::new(),
                        }
                    });
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let end = range.end;
                self.close_frame(end);
            }
            Event::StreamStart | Event::StreamEnd | Event::Nothing => {}
        }
        true
    }

    /// Block scalars' spans run to the next token; end them at their last
    /// non-blank character instead so ranges underline the text itself.
    fn trim_block_scalar(&self, range: TextRange, style: Style) -> TextRange {
        if !matches!(style, Style::Literal | Style::Folded) {
            return range;
        }
        let body = range.slice(self.text);
        TextRange::new(range.start, range.start + body.trim_end().len() as u32)
    }

    fn close_frame(&mut self, end_marker: u32) {
        let Some(frame) = self.stack.pop() else {
            return;
        };
        let node = match frame {
            Frame::Mapping {
                start,
                flow,
                entries,
                key,
                ..
            } => {
                let mut entries = entries;
                if let Some(key) = key {
                    // A key whose value never came (error mid-entry).
                    let at = key.range.end;
                    entries.push(Entry {
                        key,
                        value: null_at(at),
                    });
                }
                let last = entries
                    .last()
                    .map(|e| e.value.range.end.max(e.key.range.end));
                Node {
                    range: TextRange::new(start, container_end(flow, last, end_marker, start)),
                    kind: NodeKind::Mapping(entries),
                    flow,
                }
            }
            Frame::Sequence { start, flow, items } => {
                let last = items.last().map(|n| n.range.end);
                Node {
                    range: TextRange::new(start, container_end(flow, last, end_marker, start)),
                    kind: NodeKind::Sequence(items),
                    flow,
                }
            }
        };
        self.push(node);
    }

    fn push(&mut self, node: Node) {
        match self.stack.last_mut() {
            None => self.current_root = Some(node),
            Some(Frame::Sequence { items, .. }) => items.push(node),
            Some(Frame::Mapping {
                entries,
                key,
                first_keys,
                ..
            }) => match key.take() {
                None => *key = Some(node),
                Some(key) => {
                    if let Some(name) = key.as_str() {
                        if let Some(&first) = first_keys.get(name) {
                            let error = YamlError {
                                kind: YamlErrorKind::DuplicateKey { first },
                                message: format!("duplicate key `{name}`"),
                                range: key.range,
                            };
                            self.file.errors.push(error);
                        } else {
                            first_keys.insert(name.to_string(), key.range);
                        }
                    }
                    entries.push(Entry { key, value: node });
                }
            },
        }
    }

    fn end_document(&mut self, end: u32) {
        while !self.stack.is_empty() {
            self.close_frame(end);
        }
        let root = self.current_root.take();
        let end = root.as_ref().map_or(end, |r| r.range.end.max(end));
        self.file.documents.push(Document {
            root,
            range: TextRange::new(self.doc_start, end.max(self.doc_start)),
        });
    }

    fn fail(&mut self, kind: YamlErrorKind, message: String, at: u32) {
        let line = self.lines.line_of(at);
        let end = self.lines.line_end(self.text, line).max(at);
        self.file.errors.push(YamlError {
            kind,
            message,
            range: TextRange::new(at, end),
        });
        // Keep what was read: close open collections at the error.
        if !self.stack.is_empty() || self.current_root.is_some() {
            self.end_document(at);
        }
    }

    fn finish(self) -> YamlFile {
        self.file
    }
}

fn null_at(at: u32) -> Node {
    Node {
        kind: NodeKind::Scalar(Scalar {
            value: String::new(),
            style: Style::Plain,
        }),
        range: TextRange::empty(at),
        flow: false,
    }
}

fn container_end(flow: bool, last_child: Option<u32>, end_marker: u32, start: u32) -> u32 {
    match (flow, last_child) {
        (true, _) => end_marker.max(start),
        (false, Some(last)) => last,
        (false, None) => start,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(text: &str) -> YamlFile {
        parse(text, &LineIndex::new(text))
    }

    fn root(file: &YamlFile) -> &Node {
        file.documents[0].root.as_ref().unwrap()
    }

    #[test]
    fn keys_and_values_carry_ranges() {
        let text = "title: 'é x'\ntags:\n  - a\n  - b\n";
        let file = parse_str(text);
        assert!(file.errors.is_empty());
        let title = root(&file).get("title").unwrap();
        assert_eq!(title.range.slice(text), "'é x'");
        assert_eq!(title.as_str(), Some("é x"));
        let tags = root(&file).get("tags").unwrap();
        assert_eq!(tags.range.slice(text), "- a\n  - b");
        assert_eq!(tags.as_sequence().unwrap()[1].range.slice(text), "b");
    }

    #[test]
    fn block_scalar_range_ends_at_its_text() {
        let text = "description: |\n  one\n  two\n\nnext: 1\n";
        let file = parse_str(text);
        let description = root(&file).get("description").unwrap();
        assert_eq!(description.as_str(), Some("one\ntwo\n"));
        assert_eq!(description.range.slice(text), "one\n  two");
    }

    #[test]
    fn duplicate_keys_report_both_ranges() {
        let text = "a: 1\nb: 2\na: 3\n";
        let file = parse_str(text);
        let [error] = file.errors.as_slice() else {
            panic!("{:?}", file.errors)
        };
        assert_eq!(error.range, TextRange::new(10, 11));
        assert_eq!(
            error.kind,
            YamlErrorKind::DuplicateKey {
                first: TextRange::new(0, 1)
            }
        );
    }

    #[test]
    fn syntax_error_keeps_the_partial_tree() {
        let text = "title: ok\nlist: [1, 2\nnext: 3\n";
        let file = parse_str(text);
        assert_eq!(file.errors.len(), 1);
        assert_eq!(file.errors[0].kind, YamlErrorKind::Syntax);
        assert_eq!(root(&file).get("title").unwrap().as_str(), Some("ok"));
    }

    #[test]
    fn lone_carriage_returns_break_lines() {
        let text = "a: 1\r\rtitle: é x\rb: 2\n";
        let file = parse_str(text);
        let title = root(&file).get("title").unwrap();
        assert_eq!(title.range.slice(text), "é x");
        let b = root(&file).entry("b").unwrap();
        assert_eq!(b.key.range.slice(text), "b");
    }

    #[test]
    fn aliases_are_not_expanded() {
        let text = "a: &x [1, 2]\nb: [*x, *x, *x]\n";
        let file = parse_str(text);
        let b = root(&file).get("b").unwrap().as_sequence().unwrap();
        assert!(b.iter().all(|n| n.kind == NodeKind::Alias));
    }

    #[test]
    fn deep_nesting_is_cut_off() {
        let file = parse_str(&"[".repeat(100));
        assert!(file.errors.iter().any(|e| e.kind == YamlErrorKind::TooDeep));
        // The scanner has its own limit further down; still an error, no crash.
        let file = parse_str(&"[".repeat(100_000));
        assert!(!file.errors.is_empty());
    }

    #[test]
    fn several_documents() {
        let file = parse_str("a: 1\n---\nb: 2\n");
        assert_eq!(file.documents.len(), 2);
        assert!(file.documents[1].root.as_ref().unwrap().get("b").is_some());
    }

    #[test]
    fn scalar_kinds() {
        let kind = |value: &str, style| {
            Scalar {
                value: value.into(),
                style,
            }
            .kind()
        };
        assert_eq!(kind("", Style::Plain), ScalarKind::Null);
        assert_eq!(kind("true", Style::Plain), ScalarKind::Bool(true));
        assert_eq!(kind("4688", Style::Plain), ScalarKind::Int(4688));
        assert_eq!(kind("4688", Style::SingleQuoted), ScalarKind::Str);
        assert_eq!(kind("1.5", Style::Plain), ScalarKind::Float(1.5));
        assert_eq!(kind("1.2.3.4", Style::Plain), ScalarKind::Str);
        assert_eq!(kind("e", Style::Plain), ScalarKind::Str);
    }
}
