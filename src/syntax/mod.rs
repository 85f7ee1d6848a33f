//! Source text, positions and the spanned YAML tree: the one parse path the
//! CLI and the language server share.
pub mod text;
pub mod yaml;

pub use text::{LineCol, LineIndex, PositionEncoding, TextRange};
