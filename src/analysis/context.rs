//! Where the cursor is in a rule: which key path, key or value, and what has
//! been typed so far.
//!
//! The spanned YAML tree answers when the cursor sits on a key or value of a
//! tree without syntax errors. While the user types, the YAML is usually
//! broken (`Image|` without its colon, an empty line in a selection), so an
//! indentation-based reading of the lines above the cursor takes over.

use crate::rule::RuleFile;
use crate::syntax::TextRange;
use crate::syntax::yaml::{Node, NodeKind, YamlErrorKind};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Slot {
    /// Where a mapping key goes (or a field in a selection list item).
    Key,
    /// A value or a list item; the path ends with its key.
    Value,
}

/// What the cursor is on, in Sigma terms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Place {
    TopLevelKey,
    /// The value of a top-level key (`status: `, `level: `).
    MetadataValue {
        key: String,
    },
    LogsourceKey,
    /// `category`, `product`, `service` or `definition`.
    LogsourceValue {
        key: String,
    },
    Tag,
    /// A selection name (or `condition`) directly under `detection`.
    DetectionKey,
    FieldName {
        selection: String,
    },
    /// After a `|` in a field key; `written` are the modifiers before the current one.
    Modifier {
        field: String,
        written: Vec<String>,
    },
    FieldValue {
        selection: String,
        field: String,
    },
    /// In the condition; `before` is its text up to the cursor.
    Condition {
        before: String,
    },
    Other,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CursorContext {
    /// Keys from the document root down to the cursor; for a value its own key is last.
    pub path: Vec<String>,
    pub slot: Slot,
    pub place: Place,
    /// The word under construction, replaced by a completion.
    pub word: TextRange,
}

impl CursorContext {
    pub fn typed<'a>(&self, file: &'a RuleFile) -> &'a str {
        self.word.slice(&file.text)
    }
}

/// Characters that end a word going backwards, whatever the place.
const WORD_STOPS: &[char] = &[' ', '\t', '[', ']', '{', '}', ',', '\'', '"', ':', '(', ')'];
/// In a field key, a modifier also ends at the `|` before it.
const MODIFIER_STOPS: &[char] = &[
    '|', ' ', '\t', '[', ']', '{', '}', ',', '\'', '"', ':', '(', ')',
];

pub fn cursor_context(file: &RuleFile, offset: u32) -> CursorContext {
    let text = &file.text;
    let mut offset = offset.min(text.len() as u32);
    while !text.is_char_boundary(offset as usize) {
        offset -= 1;
    }
    let line = file.lines.line_of(offset);
    let line_start = file.lines.line_start(line);
    let shape = LineShape::read(&text[line_start as usize..offset as usize]);

    let (path, mut slot) = tree_path(file, offset).unwrap_or_else(|| {
        let mut path = indentation_path(file, line, shape.indent, shape.dash);
        match &shape.key {
            Some(key) => {
                path.push(key.clone());
                (path, Slot::Value)
            }
            None if shape.dash => (path, Slot::Value),
            None => (path, Slot::Key),
        }
    });

    // A lone word on its own line under a selection parses as the
    // selection's value (or a list item), but is a field being typed.
    if shape.key.is_none() && in_selection(&path) && path.len() == 2 {
        slot = Slot::Key;
    }
    let place = classify(&path, slot, &shape);
    let stops: &[char] = match place {
        Place::Modifier { .. } => MODIFIER_STOPS,
        _ => WORD_STOPS,
    };
    let before = &text[line_start as usize..offset as usize];
    let word_len = before.len() - before.trim_end_matches(|c| !stops.contains(&c)).len();
    CursorContext {
        path,
        slot,
        place,
        word: TextRange::new(offset - word_len as u32, offset),
    }
}

fn in_selection(path: &[String]) -> bool {
    path.len() >= 2 && is_detection(&path[0])
}

fn is_detection(key: &str) -> bool {
    key == "detection" || key == "filter"
}

fn classify(path: &[String], slot: Slot, shape: &LineShape) -> Place {
    let path: Vec<&str> = path.iter().map(String::as_str).collect();
    match (slot, path.as_slice()) {
        (Slot::Key, []) => Place::TopLevelKey,
        (Slot::Value, ["tags"]) => Place::Tag,
        (Slot::Value, [key]) => Place::MetadataValue {
            key: key.to_string(),
        },
        (Slot::Key, ["logsource"]) => Place::LogsourceKey,
        (Slot::Value, ["logsource", key]) => Place::LogsourceValue {
            key: key.to_string(),
        },
        (Slot::Key, [detection]) if is_detection(detection) => Place::DetectionKey,
        (Slot::Value, [detection, "condition"]) if is_detection(detection) => Place::Condition {
            before: shape.value_before_cursor.clone(),
        },
        (Slot::Key, [detection, selection, ..]) if is_detection(detection) => {
            let typed = unquote(&shape.key_before_cursor);
            match typed.split_once('|') {
                Some((field, modifiers)) => {
                    let mut written: Vec<String> =
                        modifiers.split('|').map(str::to_string).collect();
                    written.pop();
                    Place::Modifier {
                        field: field.to_string(),
                        written,
                    }
                }
                None => Place::FieldName {
                    selection: selection.to_string(),
                },
            }
        }
        (Slot::Value, [detection, selection, .., field]) if is_detection(detection) => {
            Place::FieldValue {
                selection: selection.to_string(),
                field: field.to_string(),
            }
        }
        _ => Place::Other,
    }
}

fn unquote(s: &str) -> &str {
    s.trim_start_matches(['\'', '"'])
}

/// The cursor line up to the cursor, read as YAML block syntax.
#[derive(Debug, Default)]
struct LineShape {
    /// Column of the line's content (of the `-` on a list item line).
    indent: usize,
    dash: bool,
    /// The key, when the cursor is after `key:`.
    key: Option<String>,
    key_before_cursor: String,
    value_before_cursor: String,
}

impl LineShape {
    fn read(before: &str) -> LineShape {
        let indent = before.len() - before.trim_start_matches(' ').len();
        let mut rest = &before[indent..];
        let dash = rest == "-" || rest.starts_with("- ");
        if dash {
            rest = rest[1..].trim_start_matches(' ');
        }
        match key_split(rest) {
            Some(colon) => LineShape {
                indent,
                dash,
                key: Some(
                    unquote(rest[..colon].trim())
                        .trim_end_matches(['\'', '"'])
                        .into(),
                ),
                key_before_cursor: String::new(),
                value_before_cursor: rest[colon + 1..].trim_start().to_string(),
            },
            None => LineShape {
                indent,
                dash,
                key: None,
                key_before_cursor: rest.to_string(),
                value_before_cursor: rest.to_string(),
            },
        }
    }
}

/// The byte index of the `:` ending a block key in `rest`, outside quotes.
fn key_split(rest: &str) -> Option<usize> {
    let bytes = rest.as_bytes();
    let mut quote = None;
    for (i, &b) in bytes.iter().enumerate() {
        match (quote, b) {
            (None, b'\'' | b'"') if i == 0 => quote = Some(b),
            (Some(q), _) if b == q => quote = None,
            (None, b':') if bytes.get(i + 1).is_none_or(|n| *n == b' ') => return Some(i),
            (None, b'#') if i > 0 && bytes[i - 1] == b' ' => return None,
            _ => {}
        }
    }
    None
}

/// Path and slot from the tree, when the cursor is on a key or a scalar of
/// a tree that parsed without syntax errors.
fn tree_path(file: &RuleFile, offset: u32) -> Option<(Vec<String>, Slot)> {
    if file
        .yaml
        .errors
        .iter()
        .any(|e| e.kind == YamlErrorKind::Syntax)
    {
        return None;
    }
    let document = file
        .yaml
        .documents
        .iter()
        .find(|d| d.range.touches(offset))?;
    let mut path = Vec::new();
    let slot = descend(document.root.as_ref()?, offset, &mut path)?;
    Some((path, slot))
}

fn descend(node: &Node, offset: u32, path: &mut Vec<String>) -> Option<Slot> {
    match &node.kind {
        NodeKind::Mapping(entries) => {
            for entry in entries {
                if entry.key.range.touches(offset) {
                    entry.key.as_scalar()?;
                    return Some(Slot::Key);
                }
                if entry.value.range.touches(offset) && !entry.value.range.is_empty() {
                    path.push(entry.key_str()?.to_string());
                    return descend(&entry.value, offset, path);
                }
            }
            None
        }
        NodeKind::Sequence(items) => items
            .iter()
            .find(|item| item.range.touches(offset))
            .and_then(|item| descend(item, offset, path)),
        NodeKind::Scalar(_) => Some(Slot::Value),
        NodeKind::Alias => None,
    }
}

/// Keys above `line` that enclose a line indented by `indent`, outermost first.
fn indentation_path(file: &RuleFile, line: u32, indent: usize, dash: bool) -> Vec<String> {
    let mut path = Vec::new();
    let mut threshold = indent;
    // A list item may sit at its key's own indentation (`tags:\n- x`).
    let mut same_indent_parent = dash;
    for above in (0..line).rev() {
        if threshold == 0 && !same_indent_parent {
            break;
        }
        let start = file.lines.line_start(above);
        let end = file.lines.line_end(&file.text, above);
        let text = &file.text[start as usize..end as usize];
        if text.starts_with("---") {
            break;
        }
        let shape = LineShape::read(text);
        let content = text.trim_start();
        if content.is_empty() || content.starts_with('#') {
            continue;
        }
        if shape.dash {
            if shape.indent < threshold {
                threshold = shape.indent;
                same_indent_parent = true;
            }
            continue;
        }
        let encloses =
            shape.indent < threshold || (same_indent_parent && shape.indent == threshold);
        if let (true, Some(key)) = (encloses, shape.key) {
            path.push(key);
            threshold = shape.indent;
            same_indent_parent = false;
        }
    }
    path.reverse();
    path
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::fixture;
    use expect_test::{Expect, expect};

    fn check(text: &str, expect: Expect) {
        let (file, offset) = fixture::parse(text);
        let context = cursor_context(&file, offset);
        expect.assert_eq(&format!(
            "{:?} {:?} {:?} word={:?}",
            context.path,
            context.slot,
            context.place,
            context.typed(&file)
        ));
    }

    #[test]
    fn top_level_key() {
        check(
            "title: x\nsta$0\n",
            expect![[r#"[] Key TopLevelKey word="sta""#]],
        );
        check("$0", expect![[r#"[] Key TopLevelKey word="""#]]);
    }

    #[test]
    fn metadata_value_on_a_valid_tree_and_mid_edit() {
        check(
            "title: x\nstatus: ex$0\n",
            expect![[r#"["status"] Value MetadataValue { key: "status" } word="ex""#]],
        );
        check(
            "title: x\nlevel: $0\n",
            expect![[r#"["level"] Value MetadataValue { key: "level" } word="""#]],
        );
    }

    #[test]
    fn logsource() {
        check(
            "logsource:\n    category: process_cr$0\n",
            expect![[
                r#"["logsource", "category"] Value LogsourceValue { key: "category" } word="process_cr""#
            ]],
        );
        check(
            "logsource:\n    product: windows\n    $0\n",
            expect![[r#"["logsource"] Key LogsourceKey word="""#]],
        );
    }

    #[test]
    fn tags_in_block_and_flow_lists() {
        check(
            "tags:\n    - attack.t10$0\n",
            expect![[r#"["tags"] Value Tag word="attack.t10""#]],
        );
        check(
            "tags:\n- attack.ex$0\nlevel: high\n",
            expect![[r#"["tags"] Value Tag word="attack.ex""#]],
        );
        check(
            "tags: [attack.execution, attack.$0",
            expect![[r#"["tags"] Value Tag word="attack.""#]],
        );
    }

    #[test]
    fn detection_places() {
        let rule =
            "detection:\n    selection:\n        Image: x\n        $0\n    condition: selection\n";
        check(
            rule,
            expect![[
                r#"["detection", "selection"] Key FieldName { selection: "selection" } word="""#
            ]],
        );
        check(
            "detection:\n    selection:\n        CommandLine|contains|$0\n",
            expect![[
                r#"["detection", "selection"] Key Modifier { field: "CommandLine", written: ["contains"] } word="""#
            ]],
        );
        check(
            "detection:\n    sel:\n        - 'Image|ends$0': x\n",
            expect![[
                r#"["detection", "sel"] Key Modifier { field: "Image", written: [] } word="ends""#
            ]],
        );
        check(
            "detection:\n    sel:\n        Image: x\n    fil$0\n",
            expect![[r#"["detection"] Key DetectionKey word="fil""#]],
        );
        check(
            "detection:\n    sel:\n        Image|endswith: '\\cmd.exe'\n    condition: sel and not $0\n",
            expect![[
                r#"["detection", "condition"] Value Condition { before: "sel and not " } word="""#
            ]],
        );
        check(
            "detection:\n    sel:\n        Image|endswith: '\\cm$0'\n",
            expect![[
                r#"["detection", "sel", "Image|endswith"] Value FieldValue { selection: "sel", field: "Image|endswith" } word="\\cm""#
            ]],
        );
    }

    #[test]
    fn list_of_maps_in_a_selection() {
        check(
            "detection:\n    filter:\n        - Image: x\n        - Par$0\n",
            expect![[
                r#"["detection", "filter"] Key FieldName { selection: "filter" } word="Par""#
            ]],
        );
    }

    #[test]
    fn block_scalars_and_comments_are_other() {
        check(
            "description: |\n    some te$0\n",
            expect![[r#"["description"] Value MetadataValue { key: "description" } word="te""#]],
        );
        check(
            "# comment: x\n  $0",
            expect![[r#"[] Key TopLevelKey word="""#]],
        );
    }
}
