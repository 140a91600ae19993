// "Enable ASM for this service" from a log finding: with a workspace whose compose file configures the service, the
// log's appsec-disabled finding offers "Enable ASM for <service> in <file>" (a client command naming the file and the
// service), and asm/enableAsm for that file and service returns an edit that, applied, turns ASM on and keeps every
// other byte (CRLF included). Without such a file, only the read-only instructions are offered.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CodeAction, Command, Diagnostic } from 'vscode-languageserver-protocol';
import { LspClient, applyEdits } from '../support/lspClient';
import { CLIENT_COMMANDS, type EnableAsmArgs } from '../../src/server/commands';
import { METHODS } from '../../src/server/protocol';
import type { EnableAsmResult, EnableAsmTargetsResult } from '../../src/server/config';

const COMPOSE = [
  'services:',
  '  web:',
  '    image: node:20 # the shop',
  '    command: node -r dd-trace/init app.js',
  '    environment:',
  '      DD_SERVICE: "web"',
  "      DD_ENV: 'prod'",
  '  api:',
  '    image: eclipse-temurin:21',
  '    command: java -javaagent:/dd-java-agent.jar -jar /api.jar',
  '    environment:',
  '      DD_SERVICE: api',
  '',
].join('\r\n');

let dir: string;
let empty: string;
let c: LspClient;
let bare: LspClient;
async function start(folder: string): Promise<LspClient> {
  const client = new LspClient();
  await client.conn.sendRequest('initialize', {
    processId: process.pid,
    rootUri: null,
    capabilities: {},
    workspaceFolders: [{ uri: pathToFileURL(folder).toString(), name: 'ws' }],
  });
  await client.conn.sendNotification('initialized', {});
  return client;
}
before(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'asm-enable-'));
  empty = mkdtempSync(path.join(os.tmpdir(), 'asm-enable-none-'));
  writeFileSync(path.join(dir, 'docker-compose.yml'), COMPOSE);
  writeFileSync(path.join(empty, 'notes.txt'), 'nothing to deploy here\n');
  c = await start(dir);
  bare = await start(empty);
});
after(async () => {
  await c.stop();
  await bare.stop();
  rmSync(dir, { recursive: true, force: true });
  rmSync(empty, { recursive: true, force: true });
});

let n = 0;
async function logAction(client: LspClient) {
  const uri = pathToFileURL(path.resolve('demo/logs/dd-trace-node-asm-off.log')).toString() + `?e${n++}`;
  client.open(uri, 'asm-log', readFileSync('demo/logs/dd-trace-node-asm-off.log', 'utf8'));
  const diags = await client.diagnostics(uri, (d) => d.some((x) => x.code === 'appsec-disabled'));
  const d = diags.find((x) => x.code === 'appsec-disabled') as Diagnostic;
  return client.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri }, range: d.range, context: { diagnostics: [d] } });
}

test("the workspace scan lists the compose services that do not turn ASM on, for the log's language", async () => {
  const r = await c.request<EnableAsmTargetsResult>(METHODS.enableAsmTargets, { language: 'nodejs' });
  assert.equal(r.folder, dir);
  assert.deepEqual(
    r.targets.map((t) => [t.file, t.service, t.appsec]),
    [['docker-compose.yml', 'web', 'unset']],
  );
  const all = await c.request<EnableAsmTargetsResult>(METHODS.enableAsmTargets, {});
  assert.deepEqual(all.targets.map((t) => t.service).sort(), ['api', 'web']);
});

test('a Node.js log with ASM off offers "Enable ASM for web in docker-compose.yml", and the edit keeps every other byte (CRLF)', async () => {
  await c.request(METHODS.enableAsmTargets, {}); // the scan done (the initialize request started one)
  const actions = await logAction(c);
  const titles = actions.map((a) => a.title);
  const enable = actions.find((a) => a.title === 'Enable ASM for web in docker-compose.yml');
  assert.ok(enable, titles.join(' | '));
  assert.ok(!titles.some((t) => /for api/.test(t)), 'the Java service is not offered for a Node.js log');
  assert.ok(titles.includes('Show how to enable ASM for Node.js'), 'the read-only instructions stay (restarts, code changes)');
  const cmd = enable.command as Command;
  assert.equal(cmd.command, CLIENT_COMMANDS.enableAsm);
  const args = cmd.arguments![0] as EnableAsmArgs;
  assert.deepEqual(args, { uri: pathToFileURL(path.join(dir, 'docker-compose.yml')).toString(), service: 'web', language: 'nodejs' });

  // the file is not open in the editor: the server reads it from disk
  const r = await c.request<EnableAsmResult>(METHODS.enableAsm, { uri: args.uri, service: args.service });
  assert.ok(r.edit, JSON.stringify(r));
  assert.deepEqual(Object.keys(r.edit.changes!), [args.uri]);
  const after = applyEdits(COMPOSE, r.edit.changes![args.uri]! as never);
  const lines = after.split('\r\n');
  assert.equal(lines.length, COMPOSE.split('\r\n').length + 1, 'one line added');
  const added = lines.findIndex((l) => l.includes('DD_APPSEC_ENABLED'));
  assert.equal(added, 7, "inside web's environment, after its last variable");
  assert.match(lines[added]!, /^ {6}DD_APPSEC_ENABLED: "?true"?$/);
  lines.splice(added, 1);
  assert.equal(lines.join('\r\n'), COMPOSE, 'every other byte kept');
  assert.ok(!/[^\r]\n/.test(after), 'no bare LF in a CRLF file');

  // applied in the editor: the log no longer offers it for web (the open document's text counts, not the last scan)
  c.open(args.uri, 'yaml', after);
  await c.diagnostics(args.uri, (d) => !d.some((x) => x.code === 'config-appsec-not-enabled' && x.range.start.line < 7));
  const again = (await logAction(c)).map((a) => a.title);
  assert.ok(!again.some((t) => /^Enable ASM for web/.test(t)), again.join(' | '));
  assert.ok(again.includes('Show how to enable ASM for Node.js'));
});

test('asm/enableAsm for a service the file does not have, or a file that is not a deployment file, says why', async () => {
  const uri = pathToFileURL(path.join(dir, 'docker-compose.yml')).toString();
  assert.match((await c.request<EnableAsmResult>(METHODS.enableAsm, { uri, service: 'nope' })).message!, /No service named nope/);
  const notes = pathToFileURL(path.join(empty, 'notes.txt')).toString();
  assert.match((await c.request<EnableAsmResult>(METHODS.enableAsm, { uri: notes })).message!, /not a deployment file/);
});

test('without a deployment file configuring the service, only the read-only instructions are offered', async () => {
  assert.deepEqual((await bare.request<EnableAsmTargetsResult>(METHODS.enableAsmTargets, {})).targets, []);
  const actions = await logAction(bare);
  const titles = actions.map((a) => a.title);
  assert.ok(titles.includes('Show how to enable ASM for Node.js'), titles.join(' | '));
  assert.ok(!titles.some((t) => /^Enable ASM for /.test(t)), titles.join(' | '));
});

test("the tree's Apply Fix on a log analysed from disk (asm/findingActions) offers the same edit command", async () => {
  const other = mkdtempSync(path.join(os.tmpdir(), 'asm-enable-tree-'));
  writeFileSync(path.join(other, 'compose.yaml'), COMPOSE);
  const client = await start(other);
  try {
    await client.request(METHODS.enableAsmTargets, {});
    const uri = pathToFileURL(path.resolve('demo/logs/dd-trace-node-asm-off.log')).toString();
    await client.request(METHODS.analyzeFile, { uri });
    const commands = await client.request<Command[]>(METHODS.findingActions, { uri, line: 0, code: 'appsec-disabled' });
    const enable = commands.find((x) => x.command === CLIENT_COMMANDS.enableAsm);
    assert.ok(enable, JSON.stringify(commands.map((x) => x.title)));
    assert.equal(enable.title, 'Enable ASM for web in compose.yaml');
  } finally {
    await client.stop();
    rmSync(other, { recursive: true, force: true });
  }
});

test("package.json offers the command in the palette, on the running step only, and in the walkthrough's enable step", () => {
  const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
  const declared = pkg.contributes.commands.find((x: { command: string }) => x.command === CLIENT_COMMANDS.enableAsm);
  assert.equal(declared?.category, 'ASM Troubleshooter');
  const menus = (pkg.contributes.menus['view/item/context'] as { command: string; when: string }[]).filter((m) => m.command === CLIENT_COMMANDS.enableAsm);
  assert.equal(menus.length, 1);
  const m = /viewItem =~ \/(.+)\/$/.exec(menus[0]!.when);
  assert.ok(m && menus[0]!.when.startsWith('view == asmTroubleshooter.steps && '), menus[0]!.when);
  const re = new RegExp(m[1]!);
  assert.ok(re.test('step.running.runnable'));
  for (const other of ['step.agent.runnable', 'step.integrations.runnable', 'check.runnable', 'evidence.file.finding', 'service'])
    assert.ok(!re.test(other), other);
  const step = pkg.contributes.walkthroughs[0].steps.find((s: { id: string }) => s.id === 'enable');
  assert.match(step.description, /\(command:asmTroubleshooter\.enableAsm\)/);
  assert.ok(step.completionEvents.includes('onCommand:asmTroubleshooter.enableAsm'));
});
