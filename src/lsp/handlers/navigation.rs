//! Definition, references, rename, outline and folding.

use std::collections::HashMap;

use tower_lsp_server::jsonrpc;
use tower_lsp_server::ls_types::{
    DocumentSymbol, DocumentSymbolResponse, FoldingRange, FoldingRangeKind, GotoDefinitionResponse,
    Location, Position, PrepareRenameResponse, SymbolKind, WorkspaceEdit,
};

use crate::analysis::navigation::{self, Symbol};
use crate::lsp::convert;
use crate::lsp::document::Snapshot;
use crate::syntax::TextRange;

fn offset(snapshot: &Snapshot, position: Position) -> u32 {
    convert::offset(&snapshot.file, position, snapshot.encoding)
}

fn locations(snapshot: &Snapshot, ranges: Vec<TextRange>) -> Vec<Location> {
    ranges
        .into_iter()
        .map(|range| {
            Location::new(
                snapshot.uri.clone(),
                convert::range(&snapshot.file, range, snapshot.encoding),
            )
        })
        .collect()
}

pub fn definition(snapshot: &Snapshot, position: Position) -> Option<GotoDefinitionResponse> {
    let ranges = navigation::definition(&snapshot.file, offset(snapshot, position));
    (!ranges.is_empty()).then(|| GotoDefinitionResponse::Array(locations(snapshot, ranges)))
}

pub fn references(
    snapshot: &Snapshot,
    position: Position,
    include_declaration: bool,
) -> Option<Vec<Location>> {
    let ranges = navigation::references(
        &snapshot.file,
        offset(snapshot, position),
        include_declaration,
    );
    (!ranges.is_empty()).then(|| locations(snapshot, ranges))
}

pub fn prepare_rename(
    snapshot: &Snapshot,
    position: Position,
) -> jsonrpc::Result<Option<PrepareRenameResponse>> {
    let range = navigation::prepare_rename(&snapshot.file, offset(snapshot, position))
        .map_err(jsonrpc::Error::invalid_params)?;
    Ok(Some(PrepareRenameResponse::Range(convert::range(
        &snapshot.file,
        range,
        snapshot.encoding,
    ))))
}

pub fn rename(
    snapshot: &Snapshot,
    position: Position,
    new_name: &str,
) -> jsonrpc::Result<Option<WorkspaceEdit>> {
    let edits = navigation::rename(&snapshot.file, offset(snapshot, position), new_name)
        .map_err(jsonrpc::Error::invalid_params)?;
    let edits = convert::text_edits(&snapshot.file, &edits, snapshot.encoding);
    Ok(Some(WorkspaceEdit {
        changes: Some(HashMap::from([(snapshot.uri.clone(), edits)])),
        ..Default::default()
    }))
}

pub fn document_symbols(snapshot: &Snapshot) -> Option<DocumentSymbolResponse> {
    let symbols = navigation::document_symbols(&snapshot.file);
    Some(DocumentSymbolResponse::Nested(
        symbols
            .iter()
            .map(|s| document_symbol(snapshot, s))
            .collect(),
    ))
}

#[allow(deprecated)] // `DocumentSymbol::deprecated` must be written, as `None`.
fn document_symbol(snapshot: &Snapshot, symbol: &Symbol) -> DocumentSymbol {
    let range = |r| convert::range(&snapshot.file, r, snapshot.encoding);
    DocumentSymbol {
        name: symbol.name.clone(),
        detail: symbol.detail.clone(),
        kind: symbol_kind(symbol.kind),
        tags: None,
        deprecated: None,
        range: range(symbol.range),
        selection_range: range(symbol.name_range),
        children: (!symbol.children.is_empty()).then(|| {
            symbol
                .children
                .iter()
                .map(|c| document_symbol(snapshot, c))
                .collect()
        }),
    }
}

fn symbol_kind(kind: navigation::SymbolKind) -> SymbolKind {
    use navigation::SymbolKind as Kind;
    match kind {
        Kind::Document => SymbolKind::FILE,
        Kind::Metadata => SymbolKind::PROPERTY,
        Kind::List => SymbolKind::ARRAY,
        Kind::LogSource => SymbolKind::NAMESPACE,
        Kind::Detection => SymbolKind::MODULE,
        Kind::Selection => SymbolKind::VARIABLE,
        Kind::Condition => SymbolKind::OPERATOR,
    }
}

pub fn folding_ranges(snapshot: &Snapshot) -> Option<Vec<FoldingRange>> {
    Some(
        navigation::folding_ranges(&snapshot.file)
            .into_iter()
            .map(|fold| FoldingRange {
                start_line: fold.start_line,
                end_line: fold.end_line,
                kind: Some(FoldingRangeKind::Region),
                ..Default::default()
            })
            .collect(),
    )
}
