use tower_lsp_server::ls_types::{
    CompletionItem, CompletionItemKind, CompletionResponse, CompletionTextEdit, Documentation,
    InsertTextFormat, MarkupContent, MarkupKind, Position, TextEdit,
};

use crate::analysis::completion::{CompletionKind, completions};
use crate::lsp::convert;
use crate::lsp::document::Snapshot;

pub fn handle(snapshot: &Snapshot, position: Position) -> Option<CompletionResponse> {
    let file = &snapshot.file;
    let offset = convert::offset(file, position, snapshot.encoding);
    let items: Vec<CompletionItem> = completions(file, offset, snapshot.corpus.as_ref())
        .into_iter()
        .map(|item| CompletionItem {
            kind: Some(kind(item.kind)),
            detail: item.detail,
            documentation: item.documentation.map(|value| {
                Documentation::MarkupContent(MarkupContent {
                    kind: MarkupKind::Markdown,
                    value,
                })
            }),
            text_edit: Some(CompletionTextEdit::Edit(TextEdit::new(
                convert::range(file, item.replace, snapshot.encoding),
                item.insert,
            ))),
            insert_text_format: Some(if item.is_snippet {
                InsertTextFormat::SNIPPET
            } else {
                InsertTextFormat::PLAIN_TEXT
            }),
            sort_text: item.sort_text,
            filter_text: item.filter_text,
            label: item.label,
            ..Default::default()
        })
        .collect();
    (!items.is_empty()).then_some(CompletionResponse::Array(items))
}

fn kind(kind: CompletionKind) -> CompletionItemKind {
    match kind {
        CompletionKind::Key => CompletionItemKind::PROPERTY,
        CompletionKind::Value => CompletionItemKind::VALUE,
        CompletionKind::Keyword => CompletionItemKind::KEYWORD,
        CompletionKind::Modifier => CompletionItemKind::OPERATOR,
        CompletionKind::Field => CompletionItemKind::FIELD,
        CompletionKind::Selection => CompletionItemKind::VARIABLE,
        CompletionKind::Snippet => CompletionItemKind::SNIPPET,
    }
}
