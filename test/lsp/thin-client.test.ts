// The requests the thin VS Code client makes of the language server, over stdio against dist/server.js:
// asm/steps (same statuses as `asm-troubleshooter steps --json`, pushed again when an open log changes them),
// asm/steps/extraChecks, asm/languages, asm/enableInstructions, asm/checkAgent (a real loopback agent),
// asm/supportBundle (written and redacted by the server), and the test attack with the local intake running in the
// server (asm/intake/*, asm/attack/*, asm/simulate with work-done progress). Safety: the server refuses a bad
// target and never follows a redirect to a host the client did not confirm.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { existsSync, mkdtempSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { encode } from '@msgpack/msgpack';
import { ResponseError } from 'vscode-jsonrpc/node';
import { WorkDoneProgress, type WorkDoneProgressBegin, type WorkDoneProgressReport, type WorkDoneProgressEnd } from 'vscode-languageserver-protocol';
import { LspClient, lspPerFile } from '../support/lspClient';
import { runSteps, toJsonSteps } from '../../src/cli/steps';
import { serveLoopback } from '../support/loopback';
import {
  METHODS,
  type AttackFinishResult,
  type AttackResult,
  type CheckAgentResult,
  type IntakeInfo,
  type IntakeStats,
  type LanguageChoice,
  type ReceivedTrace,
  type SimulateSummary,
  type StepsParams,
  type StepsState,
  type SupportBundleResult,
} from '../../src/server/protocol';

const FIX = path.resolve(__dirname, '../../../test/steps/fixtures');
const DEMO = path.join(FIX, 'ws-demo');
const tmp = mkdtempSync(path.join(tmpdir(), 'asm-thin-client-'));
let c: LspClient;

lspPerFile((x) => (c = x), [tmp]);

function stepsParams(workspaceFolder: string | null, logsGlobs: string[], rescan = true): StepsParams {
  return { workspaceFolder, settings: { language: 'auto', logsGlobs, agentUrl: '' }, rescan };
}

async function listen(handler: http.RequestListener): Promise<{ url: string; close: () => Promise<void>; hits: () => number }> {
  const srv = await serveLoopback(handler);
  return { url: `${srv.url}/`, hits: () => srv.requests.length, close: srv.close };
}

test('asm/steps: the same statuses and evidence as `steps --json` on the same workspace', async () => {
  const state = await c.request<StepsState>(METHODS.steps, stepsParams(DEMO, ['logs/*.log']));
  const cli = await runSteps({ workspace: DEMO, logs: ['logs/*.log'], agent: null, language: null, timeoutMs: 3000, env: process.env });
  assert.deepEqual(toJsonSteps(state.language.language, state.steps), toJsonSteps(cli.language.language, cli.steps));
  assert.equal(state.language.language, 'nodejs');
  assert.deepEqual(
    state.steps.map((s) => s.id),
    ['running', 'test-attack', 'integrations', 'agent', 'backend'],
  );
  // The agent log's "No data received" fails step 4, with its file and line as evidence.
  const backend = state.steps.find((s) => s.id === 'backend')!;
  assert.equal(backend.status, 'fail');
  assert.ok(backend.checks.some((k) => k.evidence.some((e) => e.file === path.join(DEMO, 'logs', 'trace-agent.log') && e.line !== undefined)));
});

test('asm/steps: an open log changes the steps and the server pushes them (asm/steps/changed)', async () => {
  const empty = path.join(tmp, 'empty-ws');
  mkdirSync(empty, { recursive: true });
  const base = await c.request<StepsState>(METHODS.steps, stepsParams(empty, []));
  assert.notEqual(base.steps.find((s) => s.id === 'running')!.status, 'fail');
  const uri = pathToFileURL(path.join(empty, 'dd-trace.log')).href;
  c.open(uri, 'asm-log', 'DATADOG TRACER CONFIGURATION - {"version":"5.132.0","lang":"nodejs","appsec_enabled":false}\n');
  const s = await c.stepsPushed(base.seq, (x) => x.steps.find((y) => y.id === 'running')?.status === 'fail');
  assert.equal(s.language.language, 'nodejs');
  const ev = s.steps
    .find((y) => y.id === 'running')!
    .checks.flatMap((k) => k.evidence)
    .find((e) => e.code === 'appsec-disabled');
  assert.ok(ev, 'appsec-disabled evidence');
  assert.equal(ev.file, path.join(empty, 'dd-trace.log'));
  // Closing it removes its evidence again.
  void c.conn.sendNotification('textDocument/didClose', { textDocument: { uri } });
  await c.stepsPushed(s.seq, (x) => x.steps.find((y) => y.id === 'running')?.status !== 'fail');
});

test('asm/steps: the language setting wins; extra checks add up by producer and replace their own', async () => {
  const s1 = await c.request<StepsState>(METHODS.steps, {
    ...stepsParams(DEMO, ['logs/*.log'], false),
    settings: { language: 'php', logsGlobs: ['logs/*.log'] },
  });
  assert.deepEqual([s1.language.language, s1.language.source], ['php', 'setting']);
  const check = (title: string, status: string) => ({ title, status, evidence: [{ text: `${title} evidence` }] });
  await c.request(METHODS.extraChecks, { step: 'backend', source: 'a', checks: [check('Producer A', 'pass')] });
  let s = await c.request<StepsState>(METHODS.extraChecks, { step: 'backend', source: 'b', checks: [check('Producer B', 'warning')] });
  let titles = s.steps.find((x) => x.id === 'backend')!.checks.map((k) => k.title);
  assert.ok(titles.includes('Producer A') && titles.includes('Producer B'), JSON.stringify(titles));
  s = await c.request<StepsState>(METHODS.extraChecks, { step: 'backend', source: 'a', checks: [] });
  titles = s.steps.find((x) => x.id === 'backend')!.checks.map((k) => k.title);
  assert.ok(!titles.includes('Producer A') && titles.includes('Producer B'), JSON.stringify(titles));
  await c.request(METHODS.extraChecks, { step: 'backend', source: 'b', checks: [] });
  await c.request(METHODS.steps, stepsParams(DEMO, ['logs/*.log'], false));
});

test('asm/languages and asm/enableInstructions come from the knowledge base', async () => {
  const langs = await c.request<LanguageChoice[]>(METHODS.languages, null);
  assert.deepEqual(
    langs.map((l) => l.id),
    ['java', 'dotnet', 'go', 'ruby', 'php', 'nodejs', 'python'],
  );
  assert.ok(langs.every((l) => l.name.length > 1));
  const md = await c.request<string>(METHODS.enableInstructions, { language: 'php' });
  const php = langs.find((l) => l.id === 'php')!.name;
  assert.match(md, new RegExp(`Your service looks like \\*\\*${php.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\*\\*`));
  assert.ok(md.indexOf(`## ${php} (detected)`) < md.indexOf('## ', md.indexOf(`## ${php} (detected)`) + 3));
  const none = await c.request<string>(METHODS.enableInstructions, { language: 'cobol' });
  assert.doesNotMatch(none, /\(detected\)/);
});

test('asm/checkAgent: a real loopback agent, the address from the setting, and step 3 updated', async () => {
  const agent = await listen((req, res) => {
    res.writeHead(req.url === '/info' ? 200 : 404, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ version: '7.52.0', endpoints: ['/v0.4/traces', '/v0.5/traces'], config: { receiver_port: 8126 } }));
  });
  try {
    const r = await c.request<CheckAgentResult>(METHODS.checkAgent, { workspaceFolder: DEMO, agentUrl: ` ${agent.url} `, timeoutMs: 3000 });
    assert.equal(r.result.outcome, 'ok');
    assert.equal(r.address.source.kind, 'setting');
    assert.equal(typeof r.source, 'string');
    assert.ok(agent.hits() >= 1);
    const s = await c.stepsPushed(0, (x) => x.agentResult?.outcome === 'ok');
    assert.equal(s.address?.source.kind, 'setting');
    assert.equal(s.steps.find((x) => x.id === 'agent')!.checks.find((k) => k.id === 'agent-info')?.status, 'pass');
  } finally {
    await agent.close();
  }
});

test('asm/supportBundle: written into the chosen folder, secrets redacted, logs with evidence excerpted', async () => {
  const ws = path.join(tmp, 'bundle-ws');
  mkdirSync(ws, { recursive: true });
  const secret = '0123456789abcdef0123456789abcdef';
  // The secret sits next to the appsec-disabled finding: inside its excerpt (the finding's line ± 2).
  writeFileSync(
    path.join(ws, 'dd-trace.log'),
    `DATADOG TRACER CONFIGURATION - {"version":"5.132.0","lang":"nodejs","appsec_enabled":false}\nDD_API_KEY=${secret}\n`,
  );
  await c.request<StepsState>(METHODS.steps, stepsParams(ws, ['*.log']));
  const out = path.join(tmp, 'bundle-out');
  mkdirSync(out);
  const b = await c.request<SupportBundleResult>(METHODS.supportBundle, { folder: out, extensionVersion: '9.9.9', host: 'test host' });
  assert.equal(b.folder, out);
  assert.equal(b.markdown, path.join(out, 'asm-support-bundle.md'));
  assert.equal(b.files[0], b.markdown);
  const md = readFileSync(b.markdown, 'utf8');
  assert.match(md, /9\.9\.9/);
  assert.match(md, /test host/);
  assert.match(md, /Confirm Application Security is running/);
  assert.ok(md.includes('appsec_enabled'), 'the startup line is excerpted');
  assert.ok(md.includes('DD_API_KEY='), 'the line next to the finding is excerpted');
  assert.ok(!md.includes(secret), 'the API key is redacted');
  assert.equal(b.files.length, 2, 'the markdown and the raw excerpt beside it');
  assert.match(b.files[1]!, /excerpts[\\/]dd-trace\.log$/);
  assert.ok(Object.values(b.redactions).reduce((x, y) => x + y, 0) >= 1);
  await assert.rejects(
    c.request(METHODS.supportBundle, { folder: 'relative/dir', extensionVersion: '1', host: 'h' }),
    (e: ResponseError<unknown>) => e.code === -32602,
  );
  // Never overwrites: a second bundle into the same folder is refused and writes nothing; so is a folder that
  // already holds a file of the same name (the client always creates a new asm-support-bundle-… folder).
  const excerpt = readFileSync(b.files[1]!, 'utf8');
  await assert.rejects(c.request(METHODS.supportBundle, { folder: out, extensionVersion: '0.0.1', host: 'again' }), (e: ResponseError<unknown>) =>
    /already exists.*never overwrites/.test(e.message),
  );
  assert.equal(readFileSync(b.markdown, 'utf8'), md);
  assert.equal(readFileSync(b.files[1]!, 'utf8'), excerpt);
  const mine = path.join(tmp, 'bundle-mine');
  mkdirSync(path.join(mine, 'excerpts'), { recursive: true });
  writeFileSync(path.join(mine, 'excerpts', 'dd-trace.log'), 'my own file');
  await assert.rejects(c.request(METHODS.supportBundle, { folder: mine, extensionVersion: '0.0.1', host: 'h' }), (e: ResponseError<unknown>) =>
    /never overwrites/.test(e.message),
  );
  assert.equal(readFileSync(path.join(mine, 'excerpts', 'dd-trace.log'), 'utf8'), 'my own file');
  assert.ok(!existsSync(path.join(mine, 'asm-support-bundle.md')), 'nothing written when any file would be overwritten');
});

test('test attack in the server: intake started, attack sent, the span awaited, step 1 passes, intake listed and stopped', async () => {
  const info = await c.request<IntakeInfo>(METHODS.intakeStart, { port: 0 });
  assert.match(info.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.equal(info.alreadyRunning, false);
  assert.equal((await c.request<IntakeInfo>(METHODS.intakeStart, { port: 0 })).alreadyRunning, true);
  // A service whose "tracer" sends the appsec.event span of each request to the intake, like dd-trace does.
  const app = await listen((req, res) => {
    const ua = String(req.headers['user-agent'] ?? '');
    const appsec = JSON.stringify({
      triggers: [
        {
          rule: { id: 'ua0-600-12x', name: 'Arachni', tags: { type: 'attack_tool', category: 'attack_attempt' } },
          rule_matches: [{ operator: 'match_regex', parameters: [{ address: 'server.request.headers.no_cookies', key_path: ['user-agent'], value: ua }] }],
        },
      ],
    });
    const meta = {
      'appsec.event': 'true',
      '_dd.appsec.json': appsec,
      'http.url': `http://${req.headers.host}${req.url}`,
      'http.method': 'GET',
      'http.status_code': '200',
      'http.useragent': ua,
    };
    const body = encode(
      [
        [
          {
            trace_id: 1234n,
            span_id: 42n,
            parent_id: 0,
            name: 'web.request',
            resource: 'GET /',
            service: 'svc',
            type: 'web',
            start: BigInt(Date.now()) * 1_000_000n,
            duration: 1_000_000,
            error: 0,
            meta,
            metrics: { '_dd.appsec.enabled': 1 },
          },
        ],
      ],
      { useBigInt64: true },
    );
    const post = http.request(
      `${info.url}/v0.4/traces`,
      { method: 'PUT', headers: { 'Content-Type': 'application/msgpack', 'X-Datadog-Trace-Count': '1' } },
      (r) => r.resume(),
    );
    post.end(body);
    res.writeHead(200, { 'Content-Type': 'text/plain' });
    res.end('hello');
  });
  try {
    const ua = await c.request<string>(METHODS.attackUserAgent, null);
    assert.ok(ua.length > 0);
    const since = Date.now();
    const r = await c.request<AttackResult>(METHODS.attackSend, { url: app.url, timeoutMs: 5000, confirmedHosts: [] });
    assert.equal(r.status, 200);
    assert.equal(r.userAgent, ua, 'an empty user agent means the knowledge base default');
    assert.equal(r.outcome.kind, 'reached');
    const f = await c.request<AttackFinishResult>(METHODS.attackFinish, { result: r, since, waitMs: 10_000 });
    assert.equal(f.event?.ruleId, 'ua0-600-12x');
    assert.equal(f.event?.userAgent, ua);
    const s = await c.stepsPushed(0, (x) => x.steps.find((y) => y.id === 'test-attack')?.status === 'pass');
    assert.ok(s.steps.find((y) => y.id === 'test-attack')!.checks.some((k) => k.evidence.some((e) => /ua0-600-12x/.test(e.text))));
    // The client heard about the trace, and lists it.
    const note = c.notifications.find((n) => n.method === METHODS.intakeTrace);
    assert.ok(note, 'asm/intake/trace notification');
    assert.equal((note.params as { events: { ruleId: string }[] }).events[0]?.ruleId, 'ua0-600-12x');
    const traces = await c.request<ReceivedTrace[]>(METHODS.intakeTraces, { limit: 10 });
    assert.equal(traces.length, 1);
    assert.equal(traces[0]!.spans[0]!.meta['http.useragent'], ua);
    const curl = await c.request<string>(METHODS.attackCurl, { url: app.url, userAgent: 'Arachni/v1', timeoutMs: 5000 });
    assert.match(curl, /^curl /);
    assert.ok(curl.includes('Arachni/v1') && curl.includes(app.url));
  } finally {
    await app.close();
    const stats = await c.request<IntakeStats | null>(METHODS.intakeStop, null);
    assert.equal(stats?.events, 1);
    assert.equal(await c.request(METHODS.intakeStop, null), null);
  }
  // Without a running intake nothing is awaited or claimed about the span (`event` absent).
  const app2 = await listen((_req, res) => res.end('ok'));
  try {
    const r = await c.request<AttackResult>(METHODS.attackSend, { url: app2.url, timeoutMs: 5000, confirmedHosts: [] });
    const f = await c.request<AttackFinishResult>(METHODS.attackFinish, { result: r, since: Date.now(), waitMs: 10_000 });
    assert.deepEqual(f, {});
  } finally {
    await app2.close();
  }
});

test('safety: a bad target is refused, a redirect to an unconfirmed host is not followed', async () => {
  await assert.rejects(
    c.request(METHODS.attackSend, { url: 'ftp://127.0.0.1/', timeoutMs: 1000, confirmedHosts: [] }),
    (e: ResponseError<unknown>) => e.code === -32602,
  );
  await assert.rejects(c.request(METHODS.attackSend, { timeoutMs: 1000, confirmedHosts: [] }), (e: ResponseError<unknown>) => e.code === -32602);
  await assert.rejects(
    c.request(METHODS.simulate, {
      url: 'not a url',
      existingPath: '/',
      missingPath: '/x',
      rounds: 1,
      concurrency: 1,
      maxRequestsPerSecond: 1,
      timeoutMs: 1000,
    }),
    (e: ResponseError<unknown>) => e.code === -32602,
  );
  const app = await listen((_req, res) => {
    res.writeHead(302, { Location: 'http://other-host.invalid/landing' });
    res.end();
  });
  try {
    const r = await c.request<AttackResult>(METHODS.attackSend, { url: app.url, timeoutMs: 5000, confirmedHosts: [] });
    assert.equal(r.outcome.kind, 'redirect-other-host');
    assert.equal(r.redirectTo, 'http://other-host.invalid/landing');
    assert.equal(app.hits(), 1);
  } finally {
    await app.close();
  }
});

test('asm/simulate: every round sent to both routes, with work-done progress', async () => {
  const app = await listen((req, res) => {
    res.writeHead(req.url === '/' ? 200 : 404);
    res.end();
  });
  type Progress = WorkDoneProgressBegin | WorkDoneProgressReport | WorkDoneProgressEnd;
  const progress: Progress[] = [];
  const token = 'simulate-1';
  const sub = c.conn.onProgress(WorkDoneProgress.type, token, (v) => progress.push(v));
  try {
    const s = await c.request<SimulateSummary>(METHODS.simulate, {
      url: app.url,
      existingPath: '/',
      missingPath: '/missing',
      rounds: 3,
      concurrency: 2,
      maxRequestsPerSecond: 100,
      timeoutMs: 5000,
      workDoneToken: token,
    });
    assert.equal(s.requested, 6);
    assert.deepEqual(s.existing.statuses, { '200': 3 });
    assert.deepEqual(s.missing.statuses, { '404': 3 });
    assert.equal(s.cancelled, false);
    assert.equal(app.hits(), 6);
    assert.equal(progress[0]?.kind, 'begin');
    const reports = progress.filter((p): p is WorkDoneProgressReport => p.kind === 'report');
    assert.equal(reports.at(-1)?.message, '6/6');
    assert.equal(reports.at(-1)?.percentage, 100);
  } finally {
    sub.dispose();
    await app.close();
  }
});

test('asm/simulate: a second simulation while one runs is refused (the rate cap would double), then allowed again', async () => {
  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  const app = await listen((req, res) => {
    void held.then(() => {
      res.writeHead(req.url === '/' ? 200 : 404);
      res.end();
    });
  });
  const params = { url: app.url, existingPath: '/', missingPath: '/missing', rounds: 1, concurrency: 1, maxRequestsPerSecond: 100, timeoutMs: 10_000 };
  try {
    const first = c.request<SimulateSummary>(METHODS.simulate, params);
    for (let i = 0; i < 500 && app.hits() === 0; i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(app.hits(), 1, 'the first simulation is under way');
    await assert.rejects(c.request(METHODS.simulate, params), (e: ResponseError<unknown>) => /already running/.test(e.message));
    release();
    assert.equal((await first).requested, 2);
    assert.equal((await c.request<SimulateSummary>(METHODS.simulate, params)).requested, 2);
    assert.equal(app.hits(), 4);
  } finally {
    release();
    await app.close();
  }
});
