//! The `LanguageServer` implementation: one small method per LSP message,
//! each delegating to a handler with a snapshot of the document.

use std::sync::{Arc, Mutex, MutexGuard};

use serde_json::{Value, json};
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;
use tower_lsp_server::{Client, LanguageServer};

use super::convert;
use super::document::{self, Document, DocumentStore, Snapshot};
use super::handlers::{self, guarded};
use super::settings::SettingsResolver;
use crate::analysis::corpus::CorpusSource;
use crate::config::CONFIG_FILE_NAME;
use crate::rule::RuleFile;
use crate::syntax::yaml::YamlFile;
use crate::syntax::{LineIndex, PositionEncoding};

/// Cheap to clone: a task relinting later holds one.
#[derive(Clone)]
pub struct SigmaServer(Arc<Shared>);

pub struct Shared {
    client: Client,
    corpus: Arc<dyn CorpusSource>,
    state: Mutex<State>,
}

impl std::ops::Deref for SigmaServer {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}

#[derive(Default)]
struct State {
    encoding: PositionEncoding,
    /// The client answers `workspace/configuration`.
    pulls_configuration: bool,
    documents: DocumentStore,
    settings: SettingsResolver,
}

impl SigmaServer {
    pub fn new(client: Client, corpus: Arc<dyn CorpusSource>) -> SigmaServer {
        SigmaServer(Arc::new(Shared {
            client,
            corpus,
            state: Mutex::new(State::default()),
        }))
    }

    /// The state, even after a panic elsewhere poisoned the lock: every
    /// update to it is a whole assignment, never left half done.
    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn snapshot(&self, uri: &Uri) -> Option<Snapshot> {
        let state = self.state();
        let document = state.documents.get(uri)?;
        Some(Snapshot {
            uri: uri.clone(),
            file: document.file.clone(),
            diagnostics: document.diagnostics.clone(),
            encoding: state.encoding,
            corpus: self.corpus.clone(),
        })
    }

    /// Runs a request handler on the document's current snapshot.
    fn with_snapshot<T>(
        &self,
        method: &str,
        uri: &Uri,
        handler: impl FnOnce(&Snapshot) -> Result<Option<T>>,
    ) -> Result<Option<T>> {
        match self.snapshot(uri) {
            Some(snapshot) => guarded(method, || handler(&snapshot))?,
            None => Ok(None),
        }
    }

    /// Stores a new text for `uri`, then lints and publishes it.
    async fn update(&self, uri: Uri, version: i32, text: String) {
        let path = uri.to_file_path().map(|p| p.into_owned());
        let file = Arc::new(parse(text));
        self.state().documents.insert(
            uri.clone(),
            Document {
                version,
                file,
                path,
                diagnostics: Arc::default(),
            },
        );
        self.lint_and_publish(&uri).await;
    }

    /// Lints `uri` and publishes the findings. Until the corpus tables are
    /// built (at start, on another thread), the other findings go out at
    /// once and the corpus ones follow when the tables are ready.
    async fn lint_and_publish(&self, uri: &Uri) {
        let tables_pending = self
            .corpus
            .index()
            .is_some_and(|i| i.tables_if_built().is_none());
        if tables_pending {
            let server = self.clone();
            let uri = uri.clone();
            tokio::spawn(async move {
                let corpus = server.corpus.clone();
                let built = tokio::task::spawn_blocking(move || {
                    if let Some(index) = corpus.index() {
                        index.tables();
                    }
                });
                if built.await.is_ok() {
                    server.publish_findings(&uri, true).await;
                }
            });
        }
        self.publish_findings(uri, !tables_pending).await;
    }

    /// Lints `uri`, with the corpus checks or without, and publishes.
    async fn publish_findings(&self, uri: &Uri, with_corpus: bool) {
        let (document, settings, settings_error, encoding) = {
            let mut state = self.state();
            let Some(document) = state.documents.get(uri).cloned() else {
                return;
            };
            let (settings, error) = state.settings.for_document(document.path.as_deref());
            (document, settings, error, state.encoding)
        };
        if let Some(error) = settings_error {
            self.client.log_message(MessageType::WARNING, error).await;
        }
        let file = &document.file;
        let Ok(findings) = guarded("lint", || {
            handlers::diagnostics::lint(
                file,
                document.path.as_deref(),
                &settings,
                self.corpus.index().filter(|_| with_corpus),
            )
        }) else {
            return;
        };
        let published = findings
            .iter()
            .map(|finding| convert::diagnostic(uri, file, finding, encoding))
            .collect();
        self.state()
            .documents
            .set_diagnostics(uri, document.version, findings);
        self.client
            .publish_diagnostics(uri.clone(), published, Some(document.version))
            .await;
    }

    async fn relint_all(&self) {
        let uris = self.state().documents.uris();
        for uri in uris {
            self.lint_and_publish(&uri).await;
        }
    }

    async fn set_client_settings(&self, value: &Value) {
        let result = self.state().settings.set_client_settings(value);
        if let Err(message) = result {
            self.client.log_message(MessageType::ERROR, message).await;
        }
    }

    /// `sigmalens/documentText`: the server's copy of a document, for tests.
    pub async fn document_text(&self, params: TextDocumentIdentifier) -> Result<Value> {
        let state = self.state();
        Ok(match state.documents.get(&params.uri) {
            Some(document) => json!({ "text": document.file.text, "version": document.version }),
            None => Value::Null,
        })
    }
}

/// Parses a document; should the parser panic, the text is kept unparsed,
/// so later edits still apply to the text the client has.
fn parse(text: String) -> RuleFile {
    let unparsed = text.clone();
    guarded("parse", || RuleFile::parse(text)).unwrap_or_else(|_| RuleFile {
        lines: LineIndex::new(&unparsed),
        text: unparsed,
        yaml: YamlFile::default(),
        rules: Vec::new(),
    })
}

fn capabilities(encoding: PositionEncoding) -> ServerCapabilities {
    ServerCapabilities {
        position_encoding: Some(convert::encoding_kind(encoding)),
        text_document_sync: Some(TextDocumentSyncCapability::Options(
            TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(TextDocumentSyncKind::INCREMENTAL),
                save: Some(TextDocumentSyncSaveOptions::Supported(true)),
                ..Default::default()
            },
        )),
        completion_provider: Some(CompletionOptions {
            trigger_characters: Some(["|", ".", " "].map(String::from).to_vec()),
            ..Default::default()
        }),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        definition_provider: Some(OneOf::Left(true)),
        references_provider: Some(OneOf::Left(true)),
        rename_provider: Some(OneOf::Right(RenameOptions {
            prepare_provider: Some(true),
            work_done_progress_options: WorkDoneProgressOptions::default(),
        })),
        document_symbol_provider: Some(OneOf::Left(true)),
        folding_range_provider: Some(FoldingRangeProviderCapability::Simple(true)),
        code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
            code_action_kinds: Some(vec![CodeActionKind::QUICKFIX]),
            ..Default::default()
        })),
        ..Default::default()
    }
}

impl LanguageServer for SigmaServer {
    async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
        let offered = params
            .capabilities
            .general
            .as_ref()
            .and_then(|g| g.position_encodings.as_deref());
        let encoding = convert::negotiate(offered);
        let pulls_configuration = params
            .capabilities
            .workspace
            .as_ref()
            .and_then(|w| w.configuration)
            .unwrap_or(false);
        {
            let mut state = self.state();
            state.encoding = encoding;
            state.pulls_configuration = pulls_configuration;
        }
        if let Some(options) = &params.initialization_options {
            self.set_client_settings(options).await;
        }
        Ok(InitializeResult {
            capabilities: capabilities(encoding),
            server_info: Some(ServerInfo {
                name: "sigmalens".into(),
                version: Some(env!("CARGO_PKG_VERSION").into()),
            }),
            offset_encoding: None,
        })
    }

    async fn initialized(&self, _: InitializedParams) {
        if !self.state().pulls_configuration {
            return;
        }
        let section = ConfigurationItem {
            scope_uri: None,
            section: Some("sigmalens".into()),
        };
        match self.client.configuration(vec![section]).await {
            Ok(values) => {
                if let Some(settings) = values.first() {
                    self.set_client_settings(settings).await;
                    self.relint_all().await;
                }
            }
            Err(error) => {
                let message = format!("workspace/configuration failed: {error}");
                self.client.log_message(MessageType::WARNING, message).await;
            }
        }
    }

    async fn shutdown(&self) -> Result<()> {
        Ok(())
    }

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        let document = params.text_document;
        self.update(document.uri, document.version, document.text)
            .await;
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        let uri = params.text_document.uri;
        let version = params.text_document.version;
        let (text, encoding) = {
            let state = self.state();
            let Some(current) = state.documents.get(&uri) else {
                return;
            };
            if version <= current.version {
                return; // stale: an older edit arriving late
            }
            (current.file.text.clone(), state.encoding)
        };
        let Ok(text) = guarded("textDocument/didChange", || {
            document::apply_changes(&text, &params.content_changes, encoding)
        }) else {
            return;
        };
        self.update(uri, version, text).await;
    }

    async fn did_save(&self, params: DidSaveTextDocumentParams) {
        if params
            .text_document
            .uri
            .path()
            .as_str()
            .ends_with(CONFIG_FILE_NAME)
        {
            self.state().settings.forget_files();
            self.relint_all().await;
        }
    }

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        let uri = params.text_document.uri;
        self.state().documents.remove(&uri);
        self.client.publish_diagnostics(uri, Vec::new(), None).await;
    }

    async fn did_change_configuration(&self, params: DidChangeConfigurationParams) {
        if let Some(settings) = params.settings.get("sigmalens") {
            self.set_client_settings(settings).await;
        }
        self.state().settings.forget_files();
        self.relint_all().await;
    }

    async fn completion(&self, params: CompletionParams) -> Result<Option<CompletionResponse>> {
        let at = params.text_document_position;
        self.with_snapshot("textDocument/completion", &at.text_document.uri, |s| {
            Ok(handlers::completion::handle(s, at.position))
        })
    }

    async fn hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        let at = params.text_document_position_params;
        self.with_snapshot("textDocument/hover", &at.text_document.uri, |s| {
            Ok(handlers::hover::handle(s, at.position))
        })
    }

    async fn goto_definition(
        &self,
        params: GotoDefinitionParams,
    ) -> Result<Option<GotoDefinitionResponse>> {
        let at = params.text_document_position_params;
        self.with_snapshot("textDocument/definition", &at.text_document.uri, |s| {
            Ok(handlers::navigation::definition(s, at.position))
        })
    }

    async fn references(&self, params: ReferenceParams) -> Result<Option<Vec<Location>>> {
        let at = params.text_document_position;
        let include_declaration = params.context.include_declaration;
        self.with_snapshot("textDocument/references", &at.text_document.uri, |s| {
            Ok(handlers::navigation::references(
                s,
                at.position,
                include_declaration,
            ))
        })
    }

    async fn prepare_rename(
        &self,
        params: TextDocumentPositionParams,
    ) -> Result<Option<PrepareRenameResponse>> {
        self.with_snapshot(
            "textDocument/prepareRename",
            &params.text_document.uri,
            |s| handlers::navigation::prepare_rename(s, params.position),
        )
    }

    async fn rename(&self, params: RenameParams) -> Result<Option<WorkspaceEdit>> {
        let at = params.text_document_position;
        self.with_snapshot("textDocument/rename", &at.text_document.uri, |s| {
            handlers::navigation::rename(s, at.position, &params.new_name)
        })
    }

    async fn document_symbol(
        &self,
        params: DocumentSymbolParams,
    ) -> Result<Option<DocumentSymbolResponse>> {
        self.with_snapshot(
            "textDocument/documentSymbol",
            &params.text_document.uri,
            |s| Ok(handlers::navigation::document_symbols(s)),
        )
    }

    async fn folding_range(&self, params: FoldingRangeParams) -> Result<Option<Vec<FoldingRange>>> {
        self.with_snapshot(
            "textDocument/foldingRange",
            &params.text_document.uri,
            |s| Ok(handlers::navigation::folding_ranges(s)),
        )
    }

    async fn code_action(&self, params: CodeActionParams) -> Result<Option<CodeActionResponse>> {
        self.with_snapshot("textDocument/codeAction", &params.text_document.uri, |s| {
            Ok(handlers::code_action::handle(s, params.range))
        })
    }
}
