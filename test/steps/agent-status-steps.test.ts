// Issue 15, the Agent's status and /info in the steps: a saved `datadog-agent status` (text or --json) in the
// workspace, opened in the editor, or given with --logs feeds core/agent/status agentStatusEvidence into steps 3 and 4
// (which tracer reached this Agent; writer errors, the API key's Remote Configuration scope, the site); the Agent
// check's /info findings (agent-too-old, remote-config-disabled) become step-3 checks with the setting to change.
// The tree (the language server's StepsService) and `steps --json` give the same. Fixtures: test/steps/fixtures/
// agent-status (written from DataDog/datadog-agent's status templates, commits named in agent-status.test.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import os from 'node:os';
import path from 'node:path';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { runSteps, toJsonSteps, type JsonSteps } from '../../src/cli/steps';
import { StepsService } from '../../src/server/steps';
import { runAgentCheck } from '../../src/server/agent';
import { agentArtifactAnalysis } from '../../src/core/analyze';
import { fakeAgent } from '../support/loopback';

const FIX = path.resolve(__dirname, '../../../test/steps/fixtures/agent-status');
const fx = (n: string) => path.join(FIX, n);
type J = JsonSteps['steps'][number];
const check = (steps: J[], step: string, id: string) => {
  const c = steps.find((s) => s.id === step)?.checks.find((x) => x.id === id);
  assert.ok(c, `${step}/${id} in ${JSON.stringify(steps.find((s) => s.id === step)?.checks.map((x) => x.id))}`);
  return c;
};
const texts = (c: { evidence: { text: string }[] }) => c.evidence.map((e) => e.text);

function workspace(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'asm-agent-steps-'));
  for (const [name, from] of Object.entries(files)) copyFileSync(fx(from), path.join(dir, name));
  return dir;
}

async function cliJson(dir: string, extra: { logs?: string[]; agent?: string } = {}): Promise<JsonSteps> {
  const run = await runSteps({ workspace: dir, logs: extra.logs ?? null, agent: extra.agent ?? null, language: null, timeoutMs: 3000, env: {} });
  return JSON.parse(JSON.stringify(toJsonSteps(run.language.language, run.steps, run.services))) as JsonSteps;
}

function conn() {
  const pushed: unknown[] = [];
  return {
    pushed,
    c: { sendNotification: async (_m: string, p: unknown) => void pushed.push(p), console: { error: () => {}, warn: () => {}, info: () => {}, log: () => {} } },
  };
}

test('steps --json: a saved status text in the workspace gives step 3 the tracer that reached the Agent, step 4 the key, writer and site', async () => {
  const dir = workspace({ 'agent-status.txt': 'status-rc-unauthorized.txt' });
  try {
    const file = path.join(dir, 'agent-status.txt');
    const j = await cliJson(dir);
    const tracers = check(j.steps, 'agent', 'agent-tracers');
    assert.equal(tracers.status, 'pass');
    const seen = tracers.evidence.find((e) => e.text === 'Traces from python 3.11.4, tracer 2.8.0: 12 in the last minute');
    assert.ok(seen, texts(tracers).join(' | '));
    assert.equal(seen.file, file);
    assert.equal(typeof seen.line, 'number');
    assert.equal(check(j.steps, 'agent', 'agent-version').status, 'pass');
    assert.ok(texts(check(j.steps, 'agent', 'agent-version')).some((t) => /^Agent version 7\.50\.3$/.test(t)));
    const key = check(j.steps, 'backend', 'agent-rc-key');
    assert.equal(key.status, 'warning');
    assert.ok(
      texts(key).some((t) => /Remote Configuration Read permission/.test(t)),
      texts(key).join(' | '),
    );
    assert.ok(texts(key).some((t) => t === 'Remote Configuration for the organization: enabled'));
    const writer = check(j.steps, 'backend', 'agent-writer');
    assert.equal(writer.status, 'warning');
    assert.ok(texts(writer).some((t) => /2/.test(t)));
    assert.equal(check(j.steps, 'backend', 'agent-site').status, 'pass');
    // Each fact once: the failing status rows are the findings' (no second row saying the same).
    assert.equal(key.evidence.filter((e) => /not authorized/.test(e.text)).length, 1);
    // The per-service steps carry the same checks.
    for (const v of j.services) assert.deepEqual(check(v.steps, 'backend', 'agent-rc-key').status, 'warning');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('steps --json: an old Agent on GovCloud with Remote Configuration off (status text via --logs; --json status)', async () => {
  const dir = workspace({ 'saved-status': 'status-rc-disabled-old.txt', 'status.json': 'status-rc-off.json' });
  try {
    const j = await cliJson(dir, { logs: ['saved-status'] });
    const site = check(j.steps, 'backend', 'agent-site');
    assert.equal(site.status, 'warning');
    assert.ok(
      texts(site).some((t) => /GovCloud/.test(t)),
      texts(site).join(' | '),
    );
    const version = check(j.steps, 'agent', 'agent-version');
    assert.equal(version.status, 'warning');
    assert.ok(texts(version).some((t) => /7\.38\.2/.test(t) && /7\.41\.1/.test(t)));
    const rc = check(j.steps, 'agent', 'agent-remote-config');
    assert.notEqual(rc.status, 'pass');
    assert.ok(
      texts(rc).some((t) => /remote_configuration\.enabled/.test(t)),
      texts(rc).join(' | '),
    );
    assert.equal(check(j.steps, 'backend', 'agent-writer').status, 'pass');
    // A saved status --json, named with --logs or found by the scan (a *status*.json whose content is one): the same reading.
    const k = await cliJson(dir, { logs: ['status.json'] });
    const off = check(k.steps, 'agent', 'agent-remote-config');
    assert.ok(
      texts(off).some((t) => /remote_configuration\.enabled/.test(t)),
      texts(off).join(' | '),
    );
    assert.deepEqual(
      check((await cliJson(dir)).steps, 'agent', 'agent-remote-config').evidence.filter((e) => e.file === path.join(dir, 'status.json')),
      off.evidence,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the scan leaves other *status*.json alone (package files, an app status answer)', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'asm-agent-steps-'));
  try {
    writeFileSync(path.join(dir, 'health-status.json'), JSON.stringify({ status: 'ok', version: '1.2.3', endpoints: ['/api'] }));
    const run = await runSteps({ workspace: dir, logs: null, agent: null, language: null, timeoutMs: 3000, env: {} });
    assert.deepEqual(
      run.files.map((f) => f.path),
      [],
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the tree agrees with steps --json: background scan and an opened status document', async () => {
  const dir = workspace({ 'agent-status.txt': 'status-rc-unauthorized.txt' });
  try {
    const cli = await cliJson(dir);
    const { c } = conn();
    const svc = new StepsService(c as never, {});
    const state = await svc.request({ workspaceFolder: dir, rescan: true, settings: {} } as never);
    const tree = JSON.parse(JSON.stringify(toJsonSteps(state.language.language, state.steps, state.services))) as JsonSteps;
    assert.deepEqual(tree, cli);
    // The same text opened in the editor (an unsaved buffer) reads the same: the open document replaces the scan's.
    const text = readFileSync(fx('status-rc-unauthorized.txt'), 'utf8');
    svc.published(pathToFileURL(path.join(dir, 'agent-status.txt')).toString(), 'log', agentArtifactAnalysis(text)!);
    const again = svc.compute();
    // An unsaved buffer has no mtime: its rows carry no time; everything else is the same.
    const untimed = (j: unknown) => JSON.parse(JSON.stringify(j), (k, v: unknown) => (k === 'time' ? undefined : v)) as unknown;
    assert.deepEqual(untimed(toJsonSteps(again.language.language, again.steps, again.services)), untimed(cli));
    // Opened elsewhere (not in the scan): its evidence is still in steps 3/4.
    const svc2 = new StepsService(c as never, {});
    await svc2.request({ workspaceFolder: null, settings: {} } as never);
    svc2.published('untitled:Untitled-1', 'log', agentArtifactAnalysis(readFileSync(fx('status.json'), 'utf8'))!);
    const s = toJsonSteps(null, svc2.compute().steps);
    assert.ok(texts(check(s.steps as J[], 'agent', 'agent-tracers')).some((t) => /^Traces from nodejs /.test(t)));
    svc.dispose();
    svc2.dispose();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the Agent check: /info findings become step-3 checks with the setting to change, in steps --agent and asm/checkAgent alike', async () => {
  const a = await fakeAgent(JSON.parse(readFileSync(fx('info-no-rc.json'), 'utf8')) as object);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'asm-agent-steps-'));
  try {
    const j = await cliJson(dir, { agent: a.url });
    const rc = check(j.steps, 'agent', 'agent-remote-config');
    assert.equal(rc.status, 'warning');
    assert.ok(
      texts(rc).some((t) => /DD_REMOTE_CONFIGURATION_ENABLED=true/.test(t) && /remote_configuration\.enabled/.test(t)),
      texts(rc).join(' | '),
    );
    const version = check(j.steps, 'agent', 'agent-version');
    assert.equal(version.status, 'warning');
    assert.ok(texts(version).some((t) => /7\.41\.1/.test(t)));
    const { c } = conn();
    const svc = new StepsService(c as never, {});
    await svc.request({ workspaceFolder: dir, rescan: true, settings: { agentUrl: a.url } } as never);
    await runAgentCheck({ agentUrl: a.url, trusted: true, workspaceFolder: dir, timeoutMs: 3000 } as never, svc, {});
    const tree = toJsonSteps(null, svc.getSteps());
    assert.deepEqual(check(tree.steps as J[], 'agent', 'agent-remote-config'), rc);
    assert.deepEqual(check(tree.steps as J[], 'agent', 'agent-version'), version);
    svc.dispose();
  } finally {
    await a.close();
    rmSync(dir, { recursive: true, force: true });
  }
  // An Agent with Remote Configuration on and a recent version: both pass.
  const b = await fakeAgent(JSON.parse(readFileSync(fx('info-rc.json'), 'utf8')) as object);
  try {
    const dir2 = mkdtempSync(path.join(os.tmpdir(), 'asm-agent-steps-'));
    const j = await cliJson(dir2, { agent: b.url });
    assert.equal(check(j.steps, 'agent', 'agent-remote-config').status, 'pass');
    assert.equal(check(j.steps, 'agent', 'agent-version').status, 'pass');
    rmSync(dir2, { recursive: true, force: true });
  } finally {
    await b.close();
  }
});
