// Issue 17.3: the steps tree's first verdict sooner after activation. The client sends its steps parameters (the
// workspace folder, the settings) as initializationOptions; the server starts the workspace scan at initialize and
// pushes the verdict (asm/steps/changed) without waiting for the client's first asm/steps request, which then joins
// that scan instead of starting another. Later rescans still re-read the workspace; a plain LSP client (no options)
// gets no steps pushes.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { LspClient } from '../support/lspClient';
import { METHODS, type StepsParams, type StepsState } from '../../src/server/protocol';

const DEMO = path.resolve(__dirname, '../../../demo');
const tmp = mkdtempSync(path.join(tmpdir(), 'asm-steps-start-'));
const clients: LspClient[] = [];
after(async () => {
  for (const c of clients) await c.stop();
  rmSync(tmp, { recursive: true, force: true });
});

function workspace(name: string): string {
  const ws = path.join(tmp, name);
  mkdirSync(path.join(ws, 'logs'), { recursive: true });
  copyFileSync(path.join(DEMO, 'logs/dd-trace-node-asm-off.log'), path.join(ws, 'logs/dd-trace-node-asm-off.log'));
  return ws;
}

async function start(initializationOptions?: unknown): Promise<LspClient> {
  const c = new LspClient();
  clients.push(c);
  await c.conn.sendRequest('initialize', { processId: process.pid, rootUri: null, capabilities: {}, workspaceFolders: null, initializationOptions });
  await c.conn.sendNotification('initialized', {});
  return c;
}

const pushes = (c: LspClient) => c.notifications.filter((n) => n.method === METHODS.stepsChanged).map((n) => n.params as StepsState);

async function until<T>(what: string, f: () => T | undefined, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = f();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const params = (ws: string): StepsParams => ({ workspaceFolder: ws, settings: { language: 'auto', logsGlobs: [], agentUrl: '' }, rescan: true });
const running = (s: StepsState) => s.steps.find((x) => x.id === 'running')?.status;

test('initializationOptions.steps: the verdict is pushed without an asm/steps request; the first request joins that scan', async () => {
  const ws = workspace('primed');
  const c = await start({ steps: params(ws) });
  const first = await until('a pushed verdict', () => pushes(c).find((s) => running(s) === 'fail'));
  assert.ok(
    first.steps.some((s) => s.checks.some((k) => k.evidence.some((e) => e.code === 'appsec-disabled' && e.file?.startsWith(ws)))),
    "the log's appsec-disabled is the evidence",
  );
  // The tree's first request (same parameters, rescan) returns that verdict: no second scan, no newer state.
  const r = await c.request<StepsState>(METHODS.steps, params(ws));
  assert.equal(r.seq, first.seq);
  assert.equal(running(r), 'fail');
  // A later rescan re-reads the workspace: a new healthy log shows up.
  copyFileSync(path.join(DEMO, 'logs/dd-trace-node-asm-on.log'), path.join(ws, 'logs/dd-trace-node-asm-on.log'));
  const again = await c.request<StepsState>(METHODS.steps, params(ws));
  assert.ok(again.seq > first.seq);
  assert.ok(
    again.steps.some((s) => s.checks.some((k) => k.evidence.some((e) => e.file === path.join(ws, 'logs/dd-trace-node-asm-on.log')))),
    'the new log is read',
  );
});

test('a first request with other parameters than the options rescans with its own', async () => {
  const a = workspace('options-a');
  const b = path.join(tmp, 'options-b');
  mkdirSync(b, { recursive: true });
  writeFileSync(path.join(b, 'notes.txt'), 'no logs here\n');
  const c = await start({ steps: params(a) });
  const r = await c.request<StepsState>(METHODS.steps, params(b));
  assert.equal(running(r), 'unknown', JSON.stringify(r.steps.map((s) => s.status)));
});

test('no initializationOptions (a plain LSP client): nothing is scanned or pushed', async () => {
  const c = await start(undefined);
  await c.request('textDocument/hover', { textDocument: { uri: 'file:///nowhere.log' }, position: { line: 0, character: 0 } }).catch(() => null);
  assert.deepEqual(pushes(c), []);
});

test('malformed initializationOptions are ignored', async () => {
  const c = await start({ steps: { workspaceFolder: 42, settings: 'x' } });
  await c.request('textDocument/hover', { textDocument: { uri: 'file:///nowhere.log' }, position: { line: 0, character: 0 } }).catch(() => null);
  assert.deepEqual(pushes(c), []);
});
