use std::collections::HashMap;

use tower_lsp_server::ls_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, CodeActionResponse, Range, WorkspaceEdit,
};

use crate::lsp::convert;
use crate::lsp::document::Snapshot;

/// Each safe fix of a finding touching `range`, as a quick fix.
pub fn handle(snapshot: &Snapshot, range: Range) -> Option<CodeActionResponse> {
    let file = &snapshot.file;
    let start = convert::offset(file, range.start, snapshot.encoding);
    let end = convert::offset(file, range.end, snapshot.encoding);
    let actions: CodeActionResponse = snapshot
        .diagnostics
        .iter()
        .filter(|d| d.range.start <= end && start <= d.range.end)
        .filter_map(|finding| {
            let fix = finding.fix.as_ref()?;
            let edits = convert::text_edits(file, &fix.edits, snapshot.encoding);
            let diagnostic = convert::diagnostic(&snapshot.uri, file, finding, snapshot.encoding);
            Some(CodeActionOrCommand::CodeAction(CodeAction {
                title: fix.title.clone(),
                kind: Some(CodeActionKind::QUICKFIX),
                diagnostics: Some(vec![diagnostic]),
                edit: Some(WorkspaceEdit {
                    changes: Some(HashMap::from([(snapshot.uri.clone(), edits)])),
                    ..Default::default()
                }),
                is_preferred: Some(true),
                ..Default::default()
            }))
        })
        .collect();
    (!actions.is_empty()).then_some(actions)
}
