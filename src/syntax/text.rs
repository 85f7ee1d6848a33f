//! Byte ranges and their conversion to line/column positions in any of the
//! three LSP position encodings.

use std::fmt;

/// A half-open byte range into a document's text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct TextRange {
    pub start: u32,
    pub end: u32,
}

impl TextRange {
    pub const fn new(start: u32, end: u32) -> Self {
        Self { start, end }
    }

    pub const fn empty(at: u32) -> Self {
        Self { start: at, end: at }
    }

    pub fn len(self) -> u32 {
        self.end - self.start
    }

    pub fn is_empty(self) -> bool {
        self.start == self.end
    }

    pub fn contains(self, offset: u32) -> bool {
        self.start <= offset && offset < self.end
    }

    /// Like `contains`, but the end counts too (a cursor just after a word).
    pub fn touches(self, offset: u32) -> bool {
        self.start <= offset && offset <= self.end
    }

    pub fn cover(self, other: TextRange) -> TextRange {
        TextRange::new(self.start.min(other.start), self.end.max(other.end))
    }

    pub fn slice(self, text: &str) -> &str {
        text.get(self.start as usize..self.end as usize)
            .unwrap_or("")
    }
}

impl fmt::Display for TextRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}..{}", self.start, self.end)
    }
}

/// How a column counts characters: LSP clients negotiate one of these.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PositionEncoding {
    Utf8,
    #[default]
    Utf16,
    /// Unicode scalar values: also what "columns in characters" means in
    /// the CLI output.
    Utf32,
}

/// A zero-based line and a zero-based column in some encoding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct LineCol {
    pub line: u32,
    pub col: u32,
}

/// Start offsets of every line, for offset <-> position conversion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineIndex {
    line_starts: Vec<u32>,
    len: u32,
    ascii: bool,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        // `\n`, `\r\n` and a lone `\r` all end a line, in YAML and in LSP.
        let bytes = text.as_bytes();
        let mut line_starts = vec![0];
        line_starts.extend(
            bytes
                .iter()
                .enumerate()
                .filter(|&(i, &b)| b == b'\n' || (b == b'\r' && bytes.get(i + 1) != Some(&b'\n')))
                .map(|(i, _)| i as u32 + 1),
        );
        Self {
            line_starts,
            len: text.len() as u32,
            ascii: text.is_ascii(),
        }
    }

    pub fn line_count(&self) -> u32 {
        self.line_starts.len() as u32
    }

    /// Byte offset where zero-based `line` starts (the end of the text past
    /// the last line).
    pub fn line_start(&self, line: u32) -> u32 {
        self.line_starts
            .get(line as usize)
            .copied()
            .unwrap_or(self.len)
    }

    /// Byte offset just past the content of `line`, before its line break.
    pub fn line_end(&self, text: &str, line: u32) -> u32 {
        let start = self.line_start(line);
        let bytes = text.as_bytes();
        let mut end = self.line_start(line + 1);
        for terminator in [b'\n', b'\r'] {
            if end > start && bytes.get(end as usize - 1) == Some(&terminator) {
                end -= 1;
            }
        }
        end
    }

    /// The zero-based line holding `offset`.
    pub fn line_of(&self, offset: u32) -> u32 {
        match self.line_starts.binary_search(&offset) {
            Ok(line) => line as u32,
            Err(next) => next as u32 - 1,
        }
    }

    /// Converts a byte offset to a line and a column counted in `encoding`.
    /// Offsets inside a character or past the end are clamped.
    pub fn position(&self, text: &str, offset: u32, encoding: PositionEncoding) -> LineCol {
        let offset = offset.min(self.len);
        let line = self.line_of(offset);
        let start = self.line_start(line);
        let prefix = floor_slice(text, start as usize, offset as usize);
        LineCol {
            line,
            col: if self.ascii {
                prefix.len() as u32
            } else {
                encoded_len(prefix, encoding)
            },
        }
    }

    /// Converts a line/column in `encoding` to a byte offset. A column past
    /// the end of its line clamps to the line end, a line past the end to
    /// the end of the text, and a column inside a character to its start:
    /// clients do send such positions, and they must not fail an edit.
    pub fn offset(&self, text: &str, pos: LineCol, encoding: PositionEncoding) -> u32 {
        if pos.line >= self.line_count() {
            return self.len;
        }
        let start = self.line_start(pos.line);
        let end = self.line_end(text, pos.line);
        if self.ascii {
            return (start + pos.col).min(end);
        }
        let line = &text[start as usize..end as usize];
        let mut units = 0u32;
        for (i, ch) in line.char_indices() {
            let width = char_len(ch, encoding);
            if units + width > pos.col {
                return start + i as u32;
            }
            units += width;
        }
        end
    }
}

fn floor_slice(text: &str, start: usize, mut end: usize) -> &str {
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[start..end]
}

fn char_len(ch: char, encoding: PositionEncoding) -> u32 {
    match encoding {
        PositionEncoding::Utf8 => ch.len_utf8() as u32,
        PositionEncoding::Utf16 => ch.len_utf16() as u32,
        PositionEncoding::Utf32 => 1,
    }
}

fn encoded_len(s: &str, encoding: PositionEncoding) -> u32 {
    match encoding {
        PositionEncoding::Utf8 => s.len() as u32,
        PositionEncoding::Utf16 => s.encode_utf16().count() as u32,
        PositionEncoding::Utf32 => s.chars().count() as u32,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "title: é😀x\r\nid: 1\n";

    #[test]
    fn positions_in_every_encoding() {
        let index = LineIndex::new(TEXT);
        let x = TEXT.find('x').unwrap() as u32;
        let col = |enc| index.position(TEXT, x, enc).col;
        assert_eq!(col(PositionEncoding::Utf8), 13);
        assert_eq!(col(PositionEncoding::Utf16), 10);
        assert_eq!(col(PositionEncoding::Utf32), 9);
        for enc in [
            PositionEncoding::Utf8,
            PositionEncoding::Utf16,
            PositionEncoding::Utf32,
        ] {
            assert_eq!(index.offset(TEXT, index.position(TEXT, x, enc), enc), x);
        }
    }

    #[test]
    fn out_of_range_positions_clamp() {
        let index = LineIndex::new(TEXT);
        let line0_end = TEXT.find('\r').unwrap() as u32;
        let far = LineCol { line: 0, col: 999 };
        assert_eq!(index.offset(TEXT, far, PositionEncoding::Utf16), line0_end);
        let past = LineCol { line: 99, col: 0 };
        assert_eq!(
            index.offset(TEXT, past, PositionEncoding::Utf16),
            TEXT.len() as u32
        );
        // Column 9 in UTF-16 falls inside the surrogate pair of 😀.
        let inside = LineCol { line: 0, col: 9 };
        let emoji = TEXT.find('😀').unwrap() as u32;
        assert_eq!(index.offset(TEXT, inside, PositionEncoding::Utf16), emoji);
    }

    #[test]
    fn every_line_break_counts() {
        let text = "a\rb\r\nc\nd";
        let index = LineIndex::new(text);
        assert_eq!(index.line_count(), 4);
        assert_eq!(index.line_end(text, 0), 1);
        assert_eq!(index.line_end(text, 1), 3);
        assert_eq!(index.line_start(3), 7);
    }

    #[test]
    fn lines() {
        let index = LineIndex::new(TEXT);
        assert_eq!(index.line_count(), 3);
        let id = TEXT.find("id").unwrap() as u32;
        assert_eq!(index.line_of(id), 1);
        assert_eq!(index.line_end(TEXT, 0), TEXT.find('\r').unwrap() as u32);
    }
}
