// The VS Code shell: reads settings, starts `sigmalens server --stdio`, and
// sends it only YAML documents that are Sigma rules.
import * as vscode from "vscode";
import {
  HoverRequest,
  LanguageClient,
  LanguageClientOptions,
  Middleware,
  ServerOptions,
  State,
} from "vscode-languageclient/node";
import {
  DEFAULT_SETTINGS,
  SigmalensSettings,
  documentSelector,
  isSigmaRule,
  lintSettings,
  serverCommand,
} from "./wiring";

let client: LanguageClient | undefined;
let statusBar: vscode.StatusBarItem;

function readSettings(): SigmalensSettings {
  const config = vscode.workspace.getConfiguration("sigmalens");
  return {
    path: config.get("path", DEFAULT_SETTINGS.path),
    indexPath: config.get("indexPath", DEFAULT_SETTINGS.indexPath),
    select: config.get("select", DEFAULT_SETTINGS.select),
    ignore: config.get("ignore", DEFAULT_SETTINGS.ignore),
    ruleGlobs: config.get("ruleGlobs", DEFAULT_SETTINGS.ruleGlobs),
  };
}

// Documents the server was told about: other YAML never reaches it, so it
// neither lints nor answers for them.
function sigmaOnlyMiddleware(): Middleware {
  const opened = new Set<string>();
  return {
    didOpen: (document, next) => {
      if (!isSigmaRule(document.getText())) {
        return Promise.resolve();
      }
      opened.add(document.uri.toString());
      return next(document);
    },
    didChange: (event, next) =>
      opened.has(event.document.uri.toString()) ? next(event) : Promise.resolve(),
    didSave: (document, next) =>
      opened.has(document.uri.toString()) ? next(document) : Promise.resolve(),
    didClose: (document, next) =>
      opened.delete(document.uri.toString()) ? next(document) : Promise.resolve(),
    workspace: {
      // The server pulls the `sigmalens` section; answer with lint keys only.
      configuration: (params) =>
        params.items.map((item) =>
          item.section === "sigmalens" ? lintSettings(readSettings()) : null,
        ),
    },
  };
}

function createClient(settings: SigmalensSettings): LanguageClient {
  const { command, args } = serverCommand(settings);
  const serverOptions: ServerOptions = { command, args };
  const clientOptions: LanguageClientOptions = {
    documentSelector: documentSelector(settings),
    initializationOptions: lintSettings(settings),
    middleware: sigmaOnlyMiddleware(),
  };
  // `sigmalens.trace.server` is read by the client itself from this id.
  return new LanguageClient("sigmalens", "sigmalens", serverOptions, clientOptions);
}

function showState(state: State): void {
  const text: Record<State, string> = {
    [State.Starting]: "$(sync~spin) sigmalens",
    [State.Running]: "$(check) sigmalens",
    [State.Stopped]: "$(error) sigmalens",
  };
  statusBar.text = text[state];
  statusBar.tooltip = state === State.Stopped ? "sigmalens server stopped: see its output" : "sigmalens server";
}

async function start(): Promise<void> {
  client = createClient(readSettings());
  client.onDidChangeState((change) => showState(change.newState));
  showState(State.Starting);
  try {
    await client.start();
  } catch (error) {
    showState(State.Stopped);
    void vscode.window.showErrorMessage(`sigmalens: cannot start the server: ${String(error)}`);
  }
}

async function restart(): Promise<void> {
  await client?.stop();
  await start();
}

// The corpus reach of the field or value under the cursor is what the
// server's hover says about it, so the command asks for the hover there.
async function showCorpusReach(): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (client === undefined || editor === undefined) {
    return;
  }
  const document = editor.document;
  const hover = await client.sendRequest(HoverRequest.type, {
    textDocument: { uri: client.code2ProtocolConverter.asUri(document.uri) },
    position: client.code2ProtocolConverter.asPosition(editor.selection.active),
  });
  const converted = client.protocol2CodeConverter.asHover(hover);
  const text = converted?.contents
    .map((part) => (typeof part === "string" ? part : part.value))
    .join("\n\n");
  if (text === undefined || text === "") {
    void vscode.window.showInformationMessage("sigmalens: nothing known about the text at the cursor.");
    return;
  }
  client.outputChannel.appendLine(text);
  client.outputChannel.show(true);
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  statusBar = vscode.window.createStatusBarItem(vscode.StatusBarAlignment.Right);
  statusBar.command = "sigmalens.restart";
  statusBar.show();
  context.subscriptions.push(
    statusBar,
    vscode.commands.registerCommand("sigmalens.showCorpusReach", showCorpusReach),
    vscode.commands.registerCommand("sigmalens.restart", restart),
    vscode.workspace.onDidChangeConfiguration((event) => {
      // Settings are read when the server starts; tracing the client applies itself.
      if (event.affectsConfiguration("sigmalens") && !event.affectsConfiguration("sigmalens.trace")) {
        void restart();
      }
    }),
  );
  await start();
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}
