// Foundation checks inside a real VS Code extension host: activation on an asm-log document, diagnostics from
// the language server, every contributed command registered, the steps tree API.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { test, waitFor } from '../support/hostTest';

// Compiled to out/test/host/suite/: the fixtures stay in the sources (test/host/fixtures/).
const FIXTURE = path.resolve(__dirname, '../../../../test/host/fixtures/dd-trace-appsec-disabled.log');

const EXT_ID = 'asm-troubleshooter.asm-troubleshooter';

interface Api {
  store: unknown;
  tree: { getSteps(): { id: string; status: string; title: string; number: number }[]; getChildren(n?: unknown): unknown[] };
  client: unknown;
}

async function openFixtureLog(): Promise<vscode.TextDocument> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the test host opened no workspace folder');
  // dd-trace*.log is one of the asm-log file-name patterns; the content alone would match the first-line pattern too.
  const uri = vscode.Uri.joinPath(folder.uri, 'host-suite', 'dd-trace-appsec-disabled.log');
  await vscode.workspace.fs.writeFile(uri, readFileSync(FIXTURE));
  const doc = await vscode.workspace.openTextDocument(uri);
  await vscode.window.showTextDocument(doc);
  return doc;
}

async function activeApi(): Promise<Api> {
  const ext = vscode.extensions.getExtension<Api>(EXT_ID);
  assert.ok(ext, `extension ${EXT_ID} is not loaded`);
  return waitFor('extension activation', () => ext.isActive && ext.exports);
}

test('a tracer log opens as asm-log and activates the extension', async () => {
  const ext = vscode.extensions.getExtension<Api>(EXT_ID);
  assert.ok(ext, `extension ${EXT_ID} is not loaded`);
  const doc = await openFixtureLog();
  assert.equal(doc.languageId, 'asm-log');
  const api = await activeApi();
  assert.ok(api.store && api.tree && api.client, 'activate() returns {store, tree, client}');
});

test('the language server reports appsec-disabled on the CONFIGURATION line', async () => {
  const doc = await openFixtureLog();
  const diag = await waitFor('an appsec-disabled diagnostic', () =>
    vscode.languages.getDiagnostics(doc.uri).find((d) => (typeof d.code === 'object' ? d.code.value : d.code) === 'appsec-disabled'),
  );
  assert.equal(diag.severity, vscode.DiagnosticSeverity.Error);
  assert.equal(diag.range.start.line, 0);
  // The range covers the appsec_enabled key in the JSON, not the whole line.
  assert.match(doc.getText(diag.range), /appsec_enabled/);
  assert.match(diag.message, /Application Security/);
});

test('every command declared in package.json is registered', async () => {
  await activeApi();
  const ext = vscode.extensions.getExtension(EXT_ID)!;
  const declared: string[] = (ext.packageJSON.contributes?.commands ?? []).map((c: { command: string }) => c.command);
  assert.ok(declared.length > 0, 'package.json declares commands');
  const registered = new Set(await vscode.commands.getCommands(true));
  const missing = declared.filter((c) => !registered.has(c));
  assert.deepEqual(missing, [], `declared in package.json but not registered: ${missing.join(', ')}`);
});

test('the steps tree has the confirm node and steps 1-4, and the log fails the running step', async () => {
  await openFixtureLog();
  const api = await activeApi();
  const steps = await waitFor('the running step to fail', () => {
    const s = api.tree.getSteps();
    return s.find((x) => x.id === 'running')?.status === 'fail' && s;
  });
  assert.equal(steps.length, 5);
  assert.deepEqual(
    steps.map((s) => s.number),
    [0, 1, 2, 3, 4],
  );
  assert.match(steps[0]!.title, /Confirm Application Security is running/);
  // With evidence, the tree's root shows the five steps (without, it stays empty for the viewsWelcome).
  assert.equal(api.tree.getChildren().length, 5);
});
