// The extension's wiring against the real server over stdio: the command
// line, the settings it sends and the Sigma document filter.
// SIGMALENS_BIN names the binary (default: the workspace's debug build).
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import {
  CompletionItem,
  CompletionList,
  Diagnostic,
  Hover,
  MarkupContent,
  StreamMessageReader,
  StreamMessageWriter,
  createProtocolConnection,
} from "vscode-languageserver-protocol/node";
import { DEFAULT_SETTINGS, isSigmaRule, lintSettings, serverCommand } from "../src/wiring";

// Runs bundled as editors/vscode/dist/test/client.test.js.
const repoRoot = path.resolve(__dirname, "../../../..");
const fixtures = path.join(repoRoot, "editors/fixtures");
const binary = process.env.SIGMALENS_BIN ?? path.join(repoRoot, "target/debug/sigmalens");

const fixture = (name: string): string => readFileSync(path.join(fixtures, name), "utf8");

test("the document filter takes Sigma rules and leaves other YAML alone", () => {
  assert.ok(isSigmaRule(fixture("bad_rule.yml")));
  assert.ok(isSigmaRule(fixture("good_rule.yml")));
  assert.ok(!isSigmaRule(fixture("not_sigma.yml")));
  assert.ok(!isSigmaRule("description: the detection: key is not at the top\n"));
});

test("settings become the command line and the lint settings", () => {
  assert.deepEqual(serverCommand(DEFAULT_SETTINGS), { command: "sigmalens", args: ["server", "--stdio"] });
  const settings = { ...DEFAULT_SETTINGS, path: "/opt/sigmalens", indexPath: "/data/index", ignore: ["SL502"] };
  assert.deepEqual(serverCommand(settings), {
    command: "/opt/sigmalens",
    args: ["server", "--stdio", "--index", "/data/index"],
  });
  assert.deepEqual(lintSettings(settings), { select: [], ignore: ["SL502"] });
});

test("the server lints, completes and hovers a rule", { skip: !existsSync(binary) && `no server binary at ${binary}` }, async () => {
  const settings = { ...DEFAULT_SETTINGS, path: binary, ignore: ["SL502"] };
  const { command, args } = serverCommand(settings);
  const server = spawn(command, args, { stdio: ["pipe", "pipe", "inherit"] });
  const connection = createProtocolConnection(
    new StreamMessageReader(server.stdout),
    new StreamMessageWriter(server.stdin),
  );
  // The server pulls the `sigmalens` section after `initialized`, as from VS Code.
  connection.onRequest("workspace/configuration", () => [lintSettings(settings)]);
  const diagnostics = new Promise<Diagnostic[]>((resolve) =>
    connection.onNotification("textDocument/publishDiagnostics", (params) => resolve(params.diagnostics)),
  );
  connection.listen();
  try {
    await connection.sendRequest("initialize", {
      processId: process.pid,
      rootUri: null,
      capabilities: { workspace: { configuration: true } },
      initializationOptions: lintSettings(settings),
    });
    await connection.sendNotification("initialized", {});
    const uri = pathToFileURL(path.join(fixtures, "bad_rule.yml")).href;
    await connection.sendNotification("textDocument/didOpen", {
      textDocument: { uri, languageId: "yaml", version: 1, text: fixture("bad_rule.yml") },
    });

    const codes = (await diagnostics).map((d) => d.code).sort();
    assert.deepEqual(codes, ["SL501", "SL601"], "SL502 is ignored by the settings");

    // After `CommandLine|` on line 16: the modifiers.
    const completion: CompletionItem[] | CompletionList | null = await connection.sendRequest(
      "textDocument/completion",
      { textDocument: { uri }, position: { line: 15, character: 20 } },
    );
    const items = Array.isArray(completion) ? completion : (completion?.items ?? []);
    const labels = items.map((item) => item.label);
    assert.ok(labels.includes("contains") && labels.includes("endswith"), `completion: ${labels.join(", ")}`);

    // On the field `Image` on line 15: what "Show corpus reach" displays.
    const hover: Hover | null = await connection.sendRequest("textDocument/hover", {
      textDocument: { uri },
      position: { line: 14, character: 10 },
    });
    assert.match((hover?.contents as MarkupContent | undefined)?.value ?? "", /\*\*Image\*\*[\s\S]*taxonomy/);

    await connection.sendRequest("shutdown");
    await connection.sendNotification("exit");
  } finally {
    connection.dispose();
    server.kill();
  }
});
