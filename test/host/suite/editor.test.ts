// Issue 16 inside a real VS Code: a healthy log puts nothing in Problems, a log error's code action does what it
// says (the Enable ASM document is read-only and closes without a save prompt), a code lens sits at the start of a
// long startup line, revealing a finding selects its exact column, the intake action copies DD_TRACE_AGENT_URL.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { test, waitFor } from '../support/hostTest';

const DEMO_LOGS = path.resolve(__dirname, '../../../../demo/logs');
const EXT_ID = 'asm-troubleshooter.asm-troubleshooter';

interface Api {
  store: { get(uri: string): { findings: { code: string }[] } | undefined };
}

async function open(name: string, as: string): Promise<{ doc: vscode.TextDocument; api: Api }> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'no workspace folder');
  const uri = vscode.Uri.joinPath(folder.uri, 'host-suite-editor', as);
  await vscode.workspace.fs.writeFile(uri, readFileSync(path.join(DEMO_LOGS, name)));
  const doc = await vscode.workspace.openTextDocument(uri);
  await vscode.window.showTextDocument(doc);
  const ext = vscode.extensions.getExtension<Api>(EXT_ID)!;
  const api = await waitFor('activation', () => ext.isActive && ext.exports);
  // The analysis reached the client (asm/analysis): Problems is final for this version.
  await waitFor('the analysis of the log', () => api.store.get(uri.toString()));
  return { doc, api };
}

const codeOf = (d: vscode.Diagnostic) => String(typeof d.code === 'object' ? d.code.value : d.code);

test('a healthy log (ASM on, Agent answering, attacks detected): Problems badge 0', async () => {
  const { doc, api } = await open('dd-trace-node-asm-on.log', 'dd-trace-healthy.log');
  assert.ok(
    api.store.get(doc.uri.toString())!.findings.some((f) => f.code === 'appsec-enabled'),
    'the evidence is there for the tree',
  );
  const shown = vscode.languages.getDiagnostics(doc.uri).filter((d) => d.severity !== vscode.DiagnosticSeverity.Hint);
  assert.deepEqual(shown.map(codeOf), []);
});

test('ASM off: a code lens at column 0, "Show how to enable ASM for Node.js" opens a read-only document that closes without a save prompt', async () => {
  const { doc } = await open('dd-trace-node-asm-off.log', 'dd-trace-asm-off.log');
  const diag = await waitFor('appsec-disabled', () => vscode.languages.getDiagnostics(doc.uri).find((d) => codeOf(d) === 'appsec-disabled'));
  const lenses = await waitFor('a code lens', async () => {
    const l = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', doc.uri);
    return l?.length ? l : undefined;
  });
  assert.equal(lenses[0]!.range.start.character, 0);
  assert.match(lenses[0]!.command!.title, /^ASM off · Node\.js 5\.132\.0 · Agent http/);

  const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
    'vscode.executeCodeActionProvider',
    doc.uri,
    diag.range,
    vscode.CodeActionKind.QuickFix.value,
  );
  const enable = actions.find((a) => a.title === 'Show how to enable ASM for Node.js');
  assert.ok(enable?.command, actions.map((a) => a.title).join(' | '));
  await vscode.commands.executeCommand(enable.command.command, ...(enable.command.arguments ?? []));
  const instr = await waitFor('the instructions document', () => vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'asm-troubleshooter'));
  assert.match(instr.getText(), /DD_APPSEC_ENABLED/);
  assert.equal(instr.isDirty, false);
  assert.equal(
    vscode.workspace.textDocuments.some((d) => d.isUntitled),
    false,
    'no Untitled document',
  );
  // Closing everything must not stop on a "Save changes?" dialog (which would hang this test).
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
});

test('revealing a finding selects its exact range (column ~516 of the startup line), not Ln 1, Col 1', async () => {
  const { doc } = await open('dd-trace-node-asm-off.log', 'dd-trace-reveal.log');
  const diag = await waitFor('appsec-disabled', () => vscode.languages.getDiagnostics(doc.uri).find((d) => codeOf(d) === 'appsec-disabled'));
  assert.ok(diag.range.start.character > 400);
  await vscode.commands.executeCommand('asmTroubleshooter.revealFinding', { uri: doc.uri.toString(), line: 0, code: 'appsec-disabled' });
  const ed = await waitFor(
    'the editor',
    () => vscode.window.activeTextEditor?.document.uri.toString() === doc.uri.toString() && vscode.window.activeTextEditor,
  );
  assert.equal(ed.selection.start.character, diag.range.start.character);
  assert.equal(ed.selection.end.character, diag.range.end.character);
  assert.ok(
    ed.visibleRanges.some((r) => r.contains(diag.range.start)),
    'scrolled into view',
  );
});

test('"Start the local trace intake and copy DD_TRACE_AGENT_URL" copies it', async () => {
  await vscode.env.clipboard.writeText('');
  const r = await vscode.commands.executeCommand<{ url: string } | undefined>('asmTroubleshooter.startIntake', { copyAgentUrl: true });
  try {
    assert.ok(r?.url, 'the intake started');
    assert.equal(await vscode.env.clipboard.readText(), `DD_TRACE_AGENT_URL=${r.url}`);
  } finally {
    await vscode.commands.executeCommand('asmTroubleshooter.stopIntake');
  }
});
