// Issue 15: the Agent's status and /info in steps 3/4, asked of the real language server (dist/server.js over stdio,
// as the thin VS Code client asks it): asm/steps on a workspace holding a saved `datadog-agent status` gives what
// `steps --json` gives; an opened status document and asm/checkAgent (a loopback Agent) update steps 3/4.
// Fixtures: test/steps/fixtures/agent-status (from DataDog/datadog-agent's templates, see agent-status.test.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { LspClient, lspPerFile } from '../support/lspClient';
import { runSteps, toJsonSteps } from '../../src/cli/steps';
import { METHODS, type StepsParams, type StepsState } from '../../src/server/protocol';

const FIX = path.resolve(__dirname, '../../../test/steps/fixtures/agent-status');
const tmp = mkdtempSync(path.join(tmpdir(), 'asm-agent-lsp-'));
let c: LspClient;

lspPerFile((x) => (c = x), [tmp]);

const params = (workspaceFolder: string, agentUrl = ''): StepsParams => ({
  workspaceFolder,
  settings: { language: 'auto', logsGlobs: [], agentUrl },
  rescan: true,
});
const checkOf = (s: Pick<StepsState, 'steps'>, step: string, id: string) => s.steps.find((x) => x.id === step)?.checks.find((k) => k.id === id);

test('asm/steps on a workspace with a saved status text: the same steps 3/4 as steps --json', async () => {
  const ws = path.join(tmp, 'status-ws');
  mkdirSync(ws, { recursive: true });
  copyFileSync(path.join(FIX, 'status-rc-unauthorized.txt'), path.join(ws, 'agent-status.txt'));
  const state = await c.request<StepsState>(METHODS.steps, params(ws));
  const cli = await runSteps({ workspace: ws, logs: null, agent: null, language: null, timeoutMs: 3000, env: {} });
  assert.deepEqual(toJsonSteps(state.language.language, state.steps, state.services), toJsonSteps(cli.language.language, cli.steps, cli.services));
  assert.ok(
    checkOf(state, 'agent', 'agent-tracers')?.evidence.some(
      (e) => e.text === 'Traces from python 3.11.4, tracer 2.8.0: 12 in the last minute' && e.file === path.join(ws, 'agent-status.txt'),
    ),
  );
  assert.equal(checkOf(state, 'backend', 'agent-rc-key')?.status, 'warning');
});

test('an opened status --json document feeds steps 3/4; closing it removes that evidence', async () => {
  const ws = path.join(tmp, 'empty-ws');
  mkdirSync(ws, { recursive: true });
  const base = await c.request<StepsState>(METHODS.steps, params(ws));
  assert.equal(checkOf(base, 'agent', 'agent-tracers')?.status, 'unknown');
  const uri = pathToFileURL(path.join(ws, 'pasted-status.json')).href;
  c.open(uri, 'asm-log', readFileSync(path.join(FIX, 'status.json'), 'utf8'));
  const s = await c.stepsPushed(base.seq, (x) => checkOf(x, 'agent', 'agent-tracers')?.status === 'pass');
  assert.ok(checkOf(s, 'agent', 'agent-tracers')!.evidence.some((e) => /^Traces from nodejs /.test(e.text) && e.file === path.join(ws, 'pasted-status.json')));
  void c.conn.sendNotification('textDocument/didClose', { textDocument: { uri } });
  await c.stepsPushed(s.seq, (x) => checkOf(x, 'agent', 'agent-tracers')?.status === 'unknown');
});

test('asm/checkAgent on an Agent without /v0.7/config: step 3 says which setting to change', async () => {
  const body = readFileSync(path.join(FIX, 'info-no-rc.json'), 'utf8');
  const server = http.createServer((req, res) => {
    res.writeHead(req.url === '/info' ? 200 : 404, { 'Content-Type': 'application/json' });
    res.end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    const ws = path.join(tmp, 'agent-ws');
    mkdirSync(ws, { recursive: true });
    await c.request(METHODS.checkAgent, { workspaceFolder: ws, agentUrl: url, trusted: true, timeoutMs: 3000 });
    const s = await c.stepsPushed(0, (x) => x.agentResult?.outcome === 'ok' && checkOf(x, 'agent', 'agent-remote-config')?.status === 'warning');
    assert.ok(
      checkOf(s, 'agent', 'agent-remote-config')!.evidence.some(
        (e) => /DD_REMOTE_CONFIGURATION_ENABLED=true/.test(e.text) && e.code === 'remote-config-disabled',
      ),
    );
    assert.equal(checkOf(s, 'agent', 'agent-version')?.status, 'warning');
    const cli = await runSteps({ workspace: ws, logs: null, agent: url, language: null, timeoutMs: 3000, env: {} });
    assert.deepEqual(checkOf(s, 'agent', 'agent-remote-config'), checkOf(cli, 'agent', 'agent-remote-config'));
  } finally {
    await new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    });
  }
});
