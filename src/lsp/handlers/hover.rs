use tower_lsp_server::ls_types::{Hover, HoverContents, MarkupContent, MarkupKind, Position};

use crate::analysis::hover::hover;
use crate::lsp::convert;
use crate::lsp::document::Snapshot;

pub fn handle(snapshot: &Snapshot, position: Position) -> Option<Hover> {
    let file = &snapshot.file;
    let offset = convert::offset(file, position, snapshot.encoding);
    let info = hover(file, offset, snapshot.corpus.as_ref())?;
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value: info.markdown,
        }),
        range: Some(convert::range(file, info.range, snapshot.encoding)),
    })
}
