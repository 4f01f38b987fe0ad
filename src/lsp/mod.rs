//! `kzrules lsp`: a Language Server Protocol server over standard input and output, on
//! `lsp-server` and `lsp-types`. It serves one rule folder (which one, the command line
//! decides: [`serve`] asks it once the client has said its workspace root), with the
//! documents open in the editor in place of the files on disk. After every change the
//! rule set is parsed, indexed and compiled again (a millisecond for the shipped rules),
//! and the compiler's diagnostics are published for every file.
//!
//! Features: diagnostics ([`actions::to_lsp`]), quick fixes and formatting
//! ([`actions`]), hover ([`hover`]), definition, references, rename and symbols
//! ([`navigate`]), completion ([`complete`]), and code lenses with the rule tests of
//! each rule ([`lenses`]).

mod actions;
mod complete;
mod hover;
pub mod index;
mod lenses;
mod navigate;
pub mod position;
mod words;
pub mod workspace;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use lsp_server::{Connection, ErrorCode, Message, Notification, Request, Response};
use lsp_types::notification::Notification as _;
use lsp_types::{
    CodeActionKind, CodeActionOptions, CodeActionOrCommand, CodeActionParams,
    CodeActionProviderCapability, CodeLensOptions, CodeLensParams, CompletionOptions,
    CompletionParams, CompletionResponse, DidChangeTextDocumentParams, DidCloseTextDocumentParams,
    DidOpenTextDocumentParams, DocumentFormattingParams, DocumentRangeFormattingParams,
    DocumentSymbolParams, DocumentSymbolResponse, ExecuteCommandOptions, ExecuteCommandParams,
    GotoDefinitionParams, GotoDefinitionResponse, Hover, HoverContents, HoverParams,
    HoverProviderCapability, InitializeParams, MarkupContent, MarkupKind, MessageType, OneOf,
    PositionEncodingKind, PublishDiagnosticsParams, ReferenceParams, RenameParams,
    ServerCapabilities, ShowMessageParams, TextDocumentIdentifier, TextDocumentPositionParams,
    TextDocumentSyncCapability, TextDocumentSyncKind, Url, WorkspaceSymbolParams,
    WorkspaceSymbolResponse,
};
use serde_json::Value;

use lenses::{TestRun, RUN_RULE_TESTS};
use workspace::{normal_path, Analysis};

/// Why the server stopped other than by the client's `shutdown` and `exit`.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// The client broke the protocol, or the connection failed.
    #[error("language server protocol: {0}")]
    Protocol(String),
}

impl From<lsp_server::ProtocolError> for ServeError {
    fn from(e: lsp_server::ProtocolError) -> Self {
        ServeError::Protocol(e.to_string())
    }
}

/// Serve over standard input and output until the client says `exit`. `rule_folder`
/// picks the rule folder from the client's workspace root (if it gave one).
pub fn serve(rule_folder: impl FnOnce(Option<&Path>) -> Option<PathBuf>) -> Result<(), ServeError> {
    let (connection, io_threads) = Connection::stdio();
    run(&connection, rule_folder)?;
    drop(connection);
    io_threads
        .join()
        .map_err(|e| ServeError::Protocol(e.to_string()))
}

/// Serve over a connection (standard input and output, or in memory for tests).
pub fn run(
    connection: &Connection,
    rule_folder: impl FnOnce(Option<&Path>) -> Option<PathBuf>,
) -> Result<(), ServeError> {
    let (id, params) = connection.initialize_start()?;
    let params: InitializeParams = serde_json::from_value(params).unwrap_or_default();
    let root = workspace_root(&params);
    let folder = rule_folder(root.as_deref()).map(|f| f.canonicalize().unwrap_or(f));
    connection.initialize_finish(
        id,
        serde_json::json!({
            "capabilities": capabilities(),
            "serverInfo": {"name": "kzrules", "version": env!("CARGO_PKG_VERSION")},
        }),
    )?;
    let mut server = Server {
        connection,
        folder,
        open: BTreeMap::new(),
        analysis: Analysis::default(),
        published: BTreeSet::new(),
        tests: None,
    };
    server.refresh()?;
    for message in &connection.receiver {
        match message {
            Message::Request(request) => {
                if connection.handle_shutdown(&request)? {
                    return Ok(());
                }
                let response = server.request(request);
                server.send(Message::Response(response))?;
            }
            Message::Notification(n) => server.notification(n)?,
            Message::Response(_) => {}
        }
    }
    Ok(())
}

/// The client's workspace root: its first workspace folder, else its root URI.
#[allow(deprecated)] // `root_uri` and `root_path`: older clients send only these
fn workspace_root(params: &InitializeParams) -> Option<PathBuf> {
    params
        .workspace_folders
        .as_ref()
        .and_then(|f| f.first())
        .and_then(|f| f.uri.to_file_path().ok())
        .or_else(|| params.root_uri.as_ref().and_then(|u| u.to_file_path().ok()))
        .or_else(|| params.root_path.as_ref().map(PathBuf::from))
}

fn capabilities() -> ServerCapabilities {
    ServerCapabilities {
        position_encoding: Some(PositionEncodingKind::UTF16),
        text_document_sync: Some(TextDocumentSyncCapability::Kind(TextDocumentSyncKind::FULL)),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        definition_provider: Some(OneOf::Left(true)),
        references_provider: Some(OneOf::Left(true)),
        rename_provider: Some(OneOf::Left(true)),
        completion_provider: Some(CompletionOptions {
            trigger_characters: Some(vec![String::from(" "), String::from("{")]),
            ..CompletionOptions::default()
        }),
        document_formatting_provider: Some(OneOf::Left(true)),
        document_range_formatting_provider: Some(OneOf::Left(true)),
        code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
            code_action_kinds: Some(vec![CodeActionKind::QUICKFIX]),
            ..CodeActionOptions::default()
        })),
        code_lens_provider: Some(CodeLensOptions {
            resolve_provider: Some(false),
        }),
        document_symbol_provider: Some(OneOf::Left(true)),
        workspace_symbol_provider: Some(OneOf::Left(true)),
        execute_command_provider: Some(ExecuteCommandOptions {
            commands: vec![String::from(RUN_RULE_TESTS)],
            ..ExecuteCommandOptions::default()
        }),
        ..ServerCapabilities::default()
    }
}

/// A request that cannot be answered: its error code and message.
type Failure = (ErrorCode, String);

struct Server<'c> {
    connection: &'c Connection,
    folder: Option<PathBuf>,
    open: BTreeMap<PathBuf, String>,
    analysis: Analysis,
    /// The documents whose last published diagnostics were not empty.
    published: BTreeSet<Url>,
    /// The rule tests run against the current program, once a lens asked.
    tests: Option<Vec<TestRun>>,
}

fn parse<P: serde::de::DeserializeOwned>(params: Value) -> Result<P, Failure> {
    serde_json::from_value(params).map_err(|e| (ErrorCode::InvalidParams, e.to_string()))
}

fn to_value(value: impl serde::Serialize) -> Result<Value, Failure> {
    serde_json::to_value(value).map_err(|e| (ErrorCode::InternalError, e.to_string()))
}

impl Server<'_> {
    fn send(&self, message: Message) -> Result<(), ServeError> {
        self.connection
            .sender
            .send(message)
            .map_err(|e| ServeError::Protocol(e.to_string()))
    }

    fn notify<N: lsp_types::notification::Notification>(
        &self,
        params: N::Params,
    ) -> Result<(), ServeError> {
        self.send(Message::Notification(Notification::new(
            N::METHOD.to_string(),
            params,
        )))
    }

    /// Analyse the rule set again and publish what changed of its diagnostics.
    fn refresh(&mut self) -> Result<(), ServeError> {
        self.analysis = Analysis::new(self.folder.as_deref(), &self.open);
        self.tests = None;
        let mut by_file: HashMap<Url, Vec<lsp_types::Diagnostic>> = HashMap::new();
        for d in &self.analysis.diagnostics {
            if let Some((url, diagnostic)) = actions::to_lsp(&self.analysis, d) {
                by_file.entry(url).or_default().push(diagnostic);
            }
        }
        let now: BTreeSet<Url> = by_file.keys().cloned().collect();
        let mut targets: BTreeSet<Url> = now.union(&self.published).cloned().collect();
        // An open document always hears of its state, even when nothing changed.
        targets.extend(self.open.keys().filter_map(|p| Url::from_file_path(p).ok()));
        for url in targets {
            let diagnostics = by_file.remove(&url).unwrap_or_default();
            self.notify::<lsp_types::notification::PublishDiagnostics>(PublishDiagnosticsParams {
                uri: url,
                diagnostics,
                version: None,
            })?;
        }
        self.published = now;
        Ok(())
    }

    fn notification(&mut self, n: Notification) -> Result<(), ServeError> {
        use lsp_types::notification as note;
        let path_of = |url: &Url| url.to_file_path().ok().map(|p| normal_path(&p));
        match n.method.as_str() {
            note::DidOpenTextDocument::METHOD => {
                let Ok(p) = parse::<DidOpenTextDocumentParams>(n.params) else {
                    return Ok(());
                };
                if let Some(path) = path_of(&p.text_document.uri) {
                    if self.folder.is_none() {
                        self.folder = path.parent().map(Path::to_path_buf);
                    }
                    self.open.insert(path, p.text_document.text);
                }
                self.refresh()
            }
            note::DidChangeTextDocument::METHOD => {
                let Ok(p) = parse::<DidChangeTextDocumentParams>(n.params) else {
                    return Ok(());
                };
                if let (Some(path), Some(change)) = (
                    path_of(&p.text_document.uri),
                    p.content_changes.into_iter().last(),
                ) {
                    self.open.insert(path, change.text);
                }
                self.refresh()
            }
            note::DidCloseTextDocument::METHOD => {
                let Ok(p) = parse::<DidCloseTextDocumentParams>(n.params) else {
                    return Ok(());
                };
                if let Some(path) = path_of(&p.text_document.uri) {
                    self.open.remove(&path);
                }
                self.refresh()
            }
            note::DidSaveTextDocument::METHOD | note::DidChangeWatchedFiles::METHOD => {
                self.refresh()
            }
            _ => Ok(()),
        }
    }

    fn request(&mut self, request: Request) -> Response {
        let id = request.id.clone();
        match self.answer(request) {
            Ok(value) => Response::new_ok(id, value),
            Err((code, message)) => Response::new_err(id, code as i32, message),
        }
    }

    /// The document of a URI, and the byte offset of a position in it.
    fn place(&self, at: &TextDocumentPositionParams) -> Result<Option<(u32, usize)>, Failure> {
        Ok(self
            .analysis
            .document(&at.text_document.uri)
            .map(|(file, doc)| (file, doc.lines.offset(doc.text(), at.position))))
    }

    fn file(&self, doc: &TextDocumentIdentifier) -> Option<u32> {
        self.analysis.document(&doc.uri).map(|(file, _)| file)
    }

    fn tests(&mut self) -> Option<&[TestRun]> {
        let program = self.analysis.program.as_ref()?;
        let folder = self.folder.as_deref()?;
        if self.tests.is_none() {
            self.tests = Some(lenses::run_tests(program, folder));
        }
        self.tests.as_deref()
    }

    fn answer(&mut self, request: Request) -> Result<Value, Failure> {
        use lsp_types::request::{self as req, Request as _};
        let a = &self.analysis;
        match request.method.as_str() {
            req::HoverRequest::METHOD => {
                let p: HoverParams = parse(request.params)?;
                let Some((file, offset)) = self.place(&p.text_document_position_params)? else {
                    return Ok(Value::Null);
                };
                to_value(hover::hover(a, file, offset).map(|value| Hover {
                    contents: HoverContents::Markup(MarkupContent {
                        kind: MarkupKind::Markdown,
                        value,
                    }),
                    range: None,
                }))
            }
            req::GotoDefinition::METHOD => {
                let p: GotoDefinitionParams = parse(request.params)?;
                let Some((file, offset)) = self.place(&p.text_document_position_params)? else {
                    return Ok(Value::Null);
                };
                let found = navigate::definition(a, file, offset);
                to_value((!found.is_empty()).then_some(GotoDefinitionResponse::Array(found)))
            }
            req::References::METHOD => {
                let p: ReferenceParams = parse(request.params)?;
                let Some((file, offset)) = self.place(&p.text_document_position)? else {
                    return Ok(Value::Null);
                };
                to_value(navigate::references(
                    a,
                    file,
                    offset,
                    p.context.include_declaration,
                ))
            }
            req::Rename::METHOD => {
                let p: RenameParams = parse(request.params)?;
                let Some((file, offset)) = self.place(&p.text_document_position)? else {
                    return Ok(Value::Null);
                };
                navigate::rename(a, file, offset, &p.new_name)
                    .map_err(|e| (ErrorCode::RequestFailed, e.to_string()))
                    .and_then(to_value)
            }
            req::Completion::METHOD => {
                let p: CompletionParams = parse(request.params)?;
                let Some((file, offset)) = self.place(&p.text_document_position)? else {
                    return Ok(Value::Null);
                };
                let before = a
                    .of_span(file)
                    .and_then(|d| d.text().get(..offset))
                    .unwrap_or("");
                let typed_char = p.context.is_some_and(|c| {
                    c.trigger_kind == lsp_types::CompletionTriggerKind::TRIGGER_CHARACTER
                });
                to_value(CompletionResponse::Array(complete::complete(
                    &a.index, before, typed_char,
                )))
            }
            req::Formatting::METHOD => {
                let p: DocumentFormattingParams = parse(request.params)?;
                let doc = a.document(&p.text_document.uri).map(|(_, d)| d);
                to_value(doc.and_then(|d| actions::format(d, None)))
            }
            req::RangeFormatting::METHOD => {
                let p: DocumentRangeFormattingParams = parse(request.params)?;
                let doc = a.document(&p.text_document.uri).map(|(_, d)| d);
                to_value(doc.and_then(|d| actions::format(d, Some(p.range))))
            }
            req::CodeActionRequest::METHOD => {
                let p: CodeActionParams = parse(request.params)?;
                let Some(file) = self.file(&p.text_document) else {
                    return Ok(Value::Null);
                };
                let found: Vec<CodeActionOrCommand> = actions::code_actions(a, file, p.range)
                    .into_iter()
                    .map(CodeActionOrCommand::CodeAction)
                    .collect();
                to_value(found)
            }
            req::CodeLensRequest::METHOD => {
                let p: CodeLensParams = parse(request.params)?;
                let Some(file) = self.file(&p.text_document) else {
                    return Ok(Value::Null);
                };
                let runs = self.tests().map(<[TestRun]>::to_vec);
                to_value(lenses::lenses(&self.analysis, file, runs.as_deref()))
            }
            req::DocumentSymbolRequest::METHOD => {
                let p: DocumentSymbolParams = parse(request.params)?;
                let Some(file) = self.file(&p.text_document) else {
                    return Ok(Value::Null);
                };
                to_value(DocumentSymbolResponse::Nested(navigate::document_symbols(
                    a, file,
                )))
            }
            req::WorkspaceSymbolRequest::METHOD => {
                let p: WorkspaceSymbolParams = parse(request.params)?;
                to_value(WorkspaceSymbolResponse::Flat(navigate::workspace_symbols(
                    a, &p.query,
                )))
            }
            req::ExecuteCommand::METHOD => {
                let p: ExecuteCommandParams = parse(request.params)?;
                let rule = p.arguments.first().and_then(Value::as_str).unwrap_or("");
                if p.command != RUN_RULE_TESTS || rule.is_empty() {
                    return Err((
                        ErrorCode::InvalidParams,
                        format!(
                            "unknown command `{}` (known: `{RUN_RULE_TESTS}` RULE_ID)",
                            p.command
                        ),
                    ));
                }
                self.tests = None;
                let Some(runs) = self.tests() else {
                    return Err((
                        ErrorCode::RequestFailed,
                        String::from("the rules do not compile: fix their errors to run the tests"),
                    ));
                };
                let text = lenses::report(rule, runs);
                let failed = lenses::of_rule(runs, rule).iter().any(|r| !r.passed);
                self.notify::<lsp_types::notification::ShowMessage>(ShowMessageParams {
                    typ: if failed {
                        MessageType::WARNING
                    } else {
                        MessageType::INFO
                    },
                    message: text.clone(),
                })
                .map_err(|e| (ErrorCode::InternalError, e.to_string()))?;
                Ok(Value::String(text))
            }
            other => Err((
                ErrorCode::MethodNotFound,
                format!("`{other}` is not supported by kzrules lsp"),
            )),
        }
    }
}
