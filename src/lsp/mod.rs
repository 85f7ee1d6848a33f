//! `sigmalens server`: the language server over stdio.
//!
//! A thin shell over `crate::analysis`: `server` receives LSP messages and
//! hands each request to a handler, `document` keeps the open documents,
//! `convert` translates byte ranges to LSP positions in the negotiated
//! encoding, `settings` finds the lint configuration for a document.

mod convert;
mod document;
mod handlers;
mod server;
mod settings;

use std::path::PathBuf;
use std::sync::Arc;

use tower_lsp_server::{LspService, Server};

use crate::analysis::corpus::CorpusSource;
use crate::index::Index;
use crate::index::corpus_source::IndexCorpus;

/// The request the end-to-end tests use to read the server's copy of a
/// document: params `{ "uri": ... }`, result `{ "text": ..., "version": ... }`
/// (`null` for a document that is not open).
pub const DOCUMENT_TEXT_METHOD: &str = "sigmalens/documentText";

pub struct ServerOptions {
    /// The corpus index to rank and enrich completions and hovers with;
    /// `None` for the embedded one.
    pub index: Option<PathBuf>,
}

/// Serves LSP on stdin/stdout until the client sends `exit`.
pub fn run(options: ServerOptions) -> Result<(), String> {
    let corpus = corpus_for(options.index.as_deref())?;
    // The corpus checks' per-rule tables take milliseconds: build them while
    // the client is still initializing, not on the first diagnostics.
    let warm = corpus.clone();
    std::thread::spawn(move || {
        if let Some(index) = warm.index() {
            index.tables();
        }
    });
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the server runtime: {e}"))?;
    runtime.block_on(async {
        let (service, socket) =
            LspService::build(|client| server::SigmaServer::new(client, corpus))
                .custom_method(DOCUMENT_TEXT_METHOD, server::SigmaServer::document_text)
                .finish();
        // One message at a time: edits and the requests after them are
        // handled in order, so no request sees an older text.
        Server::new(tokio::io::stdin(), tokio::io::stdout(), socket)
            .concurrency_level(1)
            .serve(service)
            .await;
    });
    Ok(())
}

/// The corpus index completion and hover read: the embedded one, or the
/// file at `path`; a file that is no valid index stops the server at once.
fn corpus_for(path: Option<&std::path::Path>) -> Result<Arc<dyn CorpusSource>, String> {
    let corpus = match path {
        Some(path) => Index::load(path).map(IndexCorpus::new),
        None => IndexCorpus::embedded(),
    };
    match corpus {
        Ok(corpus) => Ok(Arc::new(corpus)),
        Err(error) => Err(match path {
            Some(path) => format!("--index {}: {error}", path.display()),
            None => format!("embedded corpus index: {error}"),
        }),
    }
}
