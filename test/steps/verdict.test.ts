// One verdict per service (core/evidence): the latest start wins across a restart (real dd-trace runs, in one log
// and in two files), a live test attack outranks stale logs, identical evidence collapses, and the tree (the
// language server over stdio, on the complete analysis of an open document) and `steps --json` agree on a log with
// more findings than every cap.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { startDdApp } from '../support/ddApp';
import { LspClient } from '../support/lspClient';
import { runSteps } from '../../src/cli/steps';
import { analyzeFile } from '../../src/core/files';
import { computeVerdict, type FileEvidence } from '../../src/core/evidence/verdict';
import { lineTime } from '../../src/core/evidence/time';
import { stepFindings, summaryEvidence } from '../../src/core/steps-inputs';
import type { CheckReport } from '../../src/core/steps';
import { METHODS, type StepsState } from '../../src/server/protocol';

const tmp = mkdtempSync(path.join(tmpdir(), 'asm-verdict-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
const FIX = path.resolve(__dirname, '../../../test/fixtures/logs');
const DEMO_LOGS = path.resolve(__dirname, '../../../demo/logs');

async function evidence(file: string): Promise<FileEvidence> {
  const r = await analyzeFile(file);
  return {
    file,
    findings: stepFindings(file, r.findings, r.timeline, r.mtimeMs),
    summary: r.summary ? summaryEvidence(file, r.summary) : null,
    timeline: r.timeline!,
    mtimeMs: r.mtimeMs!,
  };
}
const stepOf = <T extends { id: string; status: string }>(steps: T[], id: string): T => steps.find((s) => s.id === id)!;

/** A real dd-trace start: the Express app with the given DD_APPSEC_ENABLED, until its startup line. */
async function realRun(appsec: string): Promise<string> {
  const app = await startDdApp({ env: { DD_APPSEC_ENABLED: appsec, DD_TRACE_DEBUG: 'false' } });
  try {
    assert.ok(await app.waitForOutput((_o, e) => e.includes('DATADOG TRACER CONFIGURATION'), 20_000), 'startup line');
  } finally {
    await app.stop();
  }
  return app.stderr() + app.stdout();
}

test('each dialect line carries its own time', () => {
  assert.equal(lineTime('[dd.trace 2026-11-21 09:38:55:123 +0000] [main] INFO com.datadog - x'), Date.UTC(2026, 10, 21, 9, 38, 55, 123));
  assert.equal(lineTime('2026-11-21 10:38:55.123 +01:00 [INF] DATADOG TRACER CONFIGURATION - {}'), Date.UTC(2026, 10, 21, 9, 38, 55, 123));
  assert.equal(lineTime('2026/11/21 09:38:55 Datadog Tracer v1.60.0 INFO: appsec: starting'), Date.UTC(2026, 10, 21, 9, 38, 55));
  assert.equal(lineTime('I, [2026-11-21T09:38:55.123456 #1]  INFO -- ddtrace: x'), Date.UTC(2026, 10, 21, 9, 38, 55, 123));
  assert.equal(lineTime('[21-Nov-2026 09:38:55 UTC] PHP Warning:  x'), Date.UTC(2026, 10, 21, 9, 38, 55));
  assert.equal(lineTime('[2026-11-21 09:38:55.123][info][7] DDAS-0014-00: AppSec has started'), Date.UTC(2026, 10, 21, 9, 38, 55, 123));
  assert.equal(lineTime('2026-11-21 09:38:55 UTC | TRACE | INFO | (pkg/trace/info/stats.go:111 in LogStats) | x'), Date.UTC(2026, 10, 21, 9, 38, 55));
  assert.equal(lineTime('{"time":"2026-11-21T09:38:55Z","level":"info","msg":"x"}'), Date.UTC(2026, 10, 21, 9, 38, 55));
  assert.equal(lineTime('[ASM] Unable to start AppSec'), null);
});

test('real dd-trace restart, ASM off then on: one log and two files give "running" pass with the earlier start as history', async () => {
  const off = await realRun('false');
  const on = await realRun('true');
  const one = path.join(tmp, 'restart', 'service.log');
  mkdirSync(path.dirname(one), { recursive: true });
  writeFileSync(one, off + on);
  const v1 = computeVerdict({ language: null, files: [await evidence(one)] });
  assert.equal(v1.services.length, 1);
  assert.equal(v1.services[0]!.service, 'asm-troubleshooter-demo');
  assert.equal(stepOf(v1.steps, 'running').status, 'pass');
  assert.match(v1.services[0]!.summary, /^ASM on in asm-troubleshooter-demo since the \d\d:\d\d:\d\d(?:\.\d{3})? start \(earlier: ASM off at \d\d:\d\d:\d\d/);
  const startup = v1.steps[0]!.checks.find((c) => c.id === 'startup-asm')!;
  assert.ok(
    startup.evidence.some((e) => e.history && e.code === 'appsec-disabled'),
    'the off start is shown as history',
  );
  assert.ok(!startup.evidence.some((e) => !e.history && e.status === 'fail'));

  // Two files: the newer start wins whatever the order of the files.
  const a = path.join(tmp, 'two', 'a-on.log');
  const b = path.join(tmp, 'two', 'b-off.log');
  mkdirSync(path.dirname(a), { recursive: true });
  writeFileSync(a, on);
  writeFileSync(b, off);
  const v2 = computeVerdict({ language: null, files: [await evidence(b), await evidence(a)] });
  assert.equal(stepOf(v2.steps, 'running').status, 'pass');
  assert.deepEqual(v2.services[0]!.files.sort(), [a, b].sort());
  // Restarted once more with ASM off (times decide, not the order in the file): "running" fails and says since when.
  const offAgain = await realRun('false');
  writeFileSync(one, offAgain + on);
  const v3 = computeVerdict({ language: null, files: [await evidence(one)] });
  assert.equal(stepOf(v3.steps, 'running').status, 'fail');
  assert.match(v3.services[0]!.summary, /^ASM off in asm-troubleshooter-demo since the .* \(earlier: ASM on at/);
  // The same through `steps --json` on the workspace.
  writeFileSync(one, off + on);
  const cli = await runSteps({ workspace: path.dirname(one), logs: ['*.log'], agent: null, language: null, timeoutMs: 1000, env: {} });
  assert.equal(stepOf(cli.steps, 'running').status, 'pass');
});

test('a test attack detected after stale logs turns "running" green and says why', async () => {
  const stale = await evidence(path.join(DEMO_LOGS, 'dd-trace-node-asm-off.log'));
  const before = computeVerdict({ language: null, files: [stale] });
  assert.equal(stepOf(before.steps, 'running').status, 'fail');
  assert.equal(stepOf(before.steps, 'test-attack').status, 'unknown', 'no attack since the latest start: step 1 is not green');
  const detected: CheckReport = {
    id: 'attack-detection',
    title: 'x',
    status: 'pass',
    time: Date.UTC(2026, 10, 21, 9, 41, 2),
    service: 'asm-troubleshooter-demo',
    evidence: [{ text: 'rule ua0-600-12x "Arachni" matched server.request.headers.no_cookies' }],
  };
  const v = computeVerdict({ language: null, files: [stale], extraChecks: { 'test-attack': [detected] } });
  const running = stepOf(v.steps, 'running') as (typeof v.steps)[number];
  assert.equal(running.status, 'pass');
  assert.match(running.description, /the test attack at 09:41:02 was detected — outranks the log's "ASM off" at 09:38:54/);
  const startup = running.checks.find((c) => c.id === 'startup-asm')!;
  assert.equal(startup.evidence[0]!.strength, 'live');
  assert.ok(startup.evidence.some((e) => e.history && e.code === 'appsec-disabled'));
  assert.equal(stepOf(v.steps, 'test-attack').status, 'pass');
  // An attack older than the latest start proves nothing about it.
  const old = { ...detected, time: Date.UTC(2026, 10, 21, 9, 30, 0) };
  assert.equal(stepOf(computeVerdict({ language: null, files: [stale], extraChecks: { 'test-attack': [old] } }).steps, 'running').status, 'fail');
});

test('attacks logged before the latest start do not pass step 1; the demo has one service, one verdict', async () => {
  const files = await Promise.all(
    [
      'dd-trace-node-asm-on.log',
      'dd-trace-node-asm-off.log',
      'dd-trace-node-asm-unset.log',
      'dd-trace-node-http-disabled.log',
      'dd-trace-node-agent-down.log',
    ].map((f) => evidence(path.join(DEMO_LOGS, f))),
  );
  const v = computeVerdict({ language: null, files });
  assert.equal(v.services.length, 1);
  const s = v.services[0]!;
  assert.equal(s.latestStart!.file, path.join(DEMO_LOGS, 'dd-trace-node-agent-down.log'));
  assert.equal(s.conflicts.length, 0);
  assert.equal(stepOf(v.steps, 'test-attack').status, 'unknown');
  const running = stepOf(v.steps, 'running');
  assert.equal(running.status, 'pass');
  // No contradiction: no failing row under a passing check, no passing row under a failing one (history aside).
  for (const st of v.steps)
    for (const c of st.checks)
      for (const e of c.evidence) if (!e.history && e.status) assert.ok(!(c.status === 'pass' && e.status === 'fail'), `${c.id}: ${e.text}`);
  assert.equal(stepOf(v.steps, 'agent').status, 'fail', 'the latest run is the Agent-down one');
});

test('two services in one workspace: one verdict each, the overview names both', async () => {
  const text = readFileSync(path.join(DEMO_LOGS, 'dd-trace-node-asm-off.log'), 'utf8').replaceAll('asm-troubleshooter-demo', 'checkout-web');
  const f = path.join(tmp, 'svc', 'checkout.log');
  mkdirSync(path.dirname(f), { recursive: true });
  writeFileSync(f, text);
  const v = computeVerdict({ language: null, files: [await evidence(f), await evidence(path.join(DEMO_LOGS, 'dd-trace-node-asm-on.log'))] });
  assert.deepEqual(
    v.services.map((s) => s.service),
    ['asm-troubleshooter-demo', 'checkout-web'],
  );
  assert.equal(stepOf(v.services[0]!.steps, 'running').status, 'pass');
  assert.equal(stepOf(v.services[1]!.steps, 'running').status, 'fail');
  assert.match(v.services[1]!.summary, /^ASM off in checkout-web since the 09:38:54 start$/);
  assert.match(stepOf(v.steps, 'running').description, /asm-troubleshooter-demo: ASM on .*; checkout-web: ASM off/);
});

test('cap drift: more findings than every cap, then a disabled integration — the tree (server) and steps --json agree', async () => {
  const start = readFileSync(path.join(FIX, 'nodejs', 'debug-attacks.log'), 'utf8').split('\n');
  const startup = start.find((l) => l.startsWith('DATADOG TRACER CONFIGURATION'))!;
  const attack = start[5]!;
  const lines = [startup, ...Array.from({ length: 5100 }, () => attack), 'DATADOG TRACER INTEGRATIONS LOADED - ["fs","net","dns","router","express"]'];
  const ws = path.join(tmp, 'cap');
  mkdirSync(ws, { recursive: true });
  const file = path.join(ws, 'dd-trace.log');
  writeFileSync(file, lines.join('\n') + '\n');
  const cli = await runSteps({ workspace: ws, logs: ['*.log'], agent: null, language: null, timeoutMs: 1000, env: {} });
  assert.equal(stepOf(cli.steps, 'integrations').status, 'fail');
  const detection = cli.steps.find((s) => s.id === 'test-attack')!.checks.find((c) => c.id === 'attack-detection')!;
  const counted = detection.evidence.reduce((n, e) => n + (e.count ?? 1), 0);
  assert.equal(counted, 5100, 'every attack line counted, kept or past the cap');
  assert.ok(detection.evidence.length <= 3, 'identical attack lines collapse');

  const c = new LspClient();
  await c.initialize();
  try {
    // The tree's server: the document open (complete analysis), no workspace folder so nothing else is read.
    await c.request<StepsState>(METHODS.steps, { workspaceFolder: null, settings: { language: 'auto', logsGlobs: [], agentUrl: '' }, rescan: false });
    c.open(pathToFileURL(file).href, 'asm-log', lines.join('\n') + '\n');
    const deadline = Date.now() + 20_000;
    let state: StepsState | undefined;
    while (Date.now() < deadline) {
      state = c.notifications
        .filter((n) => n.method === METHODS.stepsChanged)
        .map((n) => n.params as StepsState)
        .find((s) => s.steps.some((x) => x.id === 'integrations' && x.status !== 'unknown'));
      if (state) break;
      await new Promise((r) => setTimeout(r, 25));
    }
    assert.ok(state, 'the server pushed steps for the open log');
    assert.deepEqual(
      state!.steps.map((s) => [s.id, s.status]),
      cli.steps.map((s) => [s.id, s.status]),
    );
  } finally {
    await c.stop();
  }
});

test("the tree's scope: one file, one service, or the open logs only (server StepsService)", async () => {
  const { StepsService } = await import('../../src/server/steps');
  const quiet = { info: () => {}, warn: () => {}, error: () => {}, log: () => {} };
  const service = new StepsService({ sendNotification: async () => {}, console: quiet } as never, {});
  const ws = path.resolve(DEMO_LOGS, '..');
  const base = { language: 'auto', logsGlobs: ['logs/*.log'], agentUrl: '' };
  try {
    const all = await service.request({ workspaceFolder: ws, settings: base, rescan: true });
    assert.equal(stepOf(all.steps, 'running').status, 'pass');
    const off = path.join(DEMO_LOGS, 'dd-trace-node-asm-off.log');
    const file = await service.request({ workspaceFolder: ws, settings: { ...base, scope: { kind: 'file', path: off } }, rescan: false });
    assert.equal(stepOf(file.steps, 'running').status, 'fail', 'the ASM-off run alone');
    assert.deepEqual(
      file.services!.flatMap((s) => s.files),
      [off],
    );
    const svc = await service.request({
      workspaceFolder: ws,
      settings: { ...base, scope: { kind: 'service', key: 'asm-troubleshooter-demo' } },
      rescan: false,
    });
    assert.deepEqual(
      svc.services!.map((s) => s.service),
      ['asm-troubleshooter-demo'],
    );
    const open = await service.request({ workspaceFolder: ws, settings: { ...base, scope: { kind: 'open' } }, rescan: false });
    assert.ok(
      open.steps.every((s) => s.id === 'agent' || s.status === 'unknown'),
      'no open document: no log evidence',
    );
  } finally {
    service.dispose();
  }
});

test('a span with _dd.appsec.enabled at the local intake, newer than the logs, is live proof that ASM runs', async () => {
  const { intakeChecks } = await import('../../src/core/evidence/live');
  const stale = await evidence(path.join(DEMO_LOGS, 'dd-trace-node-asm-off.log'));
  const span = {
    traceId: '1',
    spanId: '2',
    parentId: '0',
    name: 'express.request',
    resource: 'GET /',
    service: 'asm-troubleshooter-demo',
    type: 'web',
    start: 0,
    durationNs: 1,
    error: 0,
    meta: {},
    metrics: { '_dd.appsec.enabled': 1 },
  };
  const live = intakeChecks({ seq: 1, receivedAt: Date.UTC(2026, 10, 21, 9, 45, 0), version: 'v0.4', spans: [span], events: [] } as never);
  assert.deepEqual(
    live.map((c) => [c.step, c.check.id]),
    [['running', 'appsec-live']],
  );
  const v = computeVerdict({ language: null, files: [stale], extraChecks: { running: [live[0]!.check] } });
  assert.equal(stepOf(v.steps, 'running').status, 'pass');
  assert.match(v.services[0]!.summary, /seen live at the local intake at 09:45:00 — outranks the log's "ASM off" at 09:38:54/);
  // Without the metric, nothing is claimed.
  assert.deepEqual(intakeChecks({ seq: 2, receivedAt: 0, version: 'v0.4', spans: [{ ...span, metrics: {} }], events: [] } as never), []);
});
