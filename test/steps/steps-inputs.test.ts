// core/steps-inputs: the one evidence gathering behind `steps` (CLI) and the server's steps — its bounds (count,
// size, kinds, relative globs without a workspace), cancellation, the agent check switch, and the assembly
// (open documents replace gathered files, language order, agent checks added to the extra checks); and the CLI and
// the server's StepsService giving the same steps for the same workspace.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promises as fsp } from 'node:fs';
import { assembleStepInputs, chooseLanguage, gatherWorkspaceEvidence } from '../../src/core/steps-inputs';
import { computeSteps } from '../../src/core/steps';
import { runSteps } from '../../src/cli/steps';
import { StepsService } from '../../src/server/steps';

const FIX = path.resolve(__dirname, '../../../test/steps/fixtures');
const DEMO = path.join(FIX, 'ws-demo');
const AGENT_LOG = path.join(DEMO, 'logs', 'trace-agent.log');
const TRACER_LOG = path.join(DEMO, 'logs', 'dd-trace.log');

async function tempDir(): Promise<string> {
  return fsp.mkdtemp(path.join(os.tmpdir(), 'asm-inputs-'));
}

test('gather: logs from globs analysed with the core, environment, address and workspace language', async () => {
  const seen: string[] = [];
  const e = await gatherWorkspaceEvidence({
    workspaceDir: DEMO,
    env: {},
    logs: { globs: ['logs/*.log'], maxFiles: 10 },
    onEnvironment: (x) => seen.push(`${x.environment.length} ${x.workspaceLanguages.map((w) => w.language)}`),
  });
  assert.ok(e);
  assert.deepEqual(
    e.logs.map((l) => l.path),
    [TRACER_LOG, AGENT_LOG].sort(),
  );
  const agentLog = e.logs.find((l) => l.path === AGENT_LOG)!;
  assert.ok(agentLog.findings.some((f) => f.code === 'agent-no-data' && f.file === AGENT_LOG && typeof f.line === 'number'));
  assert.ok(e.environment.some((s) => s.kind === '.env' && s.vars.some((v) => v.name === 'DD_APPSEC_ENABLED')));
  assert.equal(e.address.source.kind, 'default');
  assert.equal(e.agentResult, undefined);
  assert.deepEqual(
    e.workspaceLanguages.map((w) => w.language),
    ['nodejs'],
  );
  assert.deepEqual(seen, ['1 nodejs'], 'onEnvironment once, before the logs');
});

test('gather bounds: file count, size (reported), logs only, relative globs need a workspace', async () => {
  const dir = await tempDir();
  try {
    for (let i = 0; i < 5; i++)
      await fsp.writeFile(
        path.join(dir, `a${i}.log`),
        '2021-11-29 21:18:48 CET | TRACE | INFO | (pkg/trace/info/stats.go:104 in LogStats) | No data received\n',
      );
    await fsp.writeFile(path.join(dir, 'big.log'), 'x'.repeat(5000));
    await fsp.writeFile(path.join(dir, 'ddappsec.ini'), 'ddappsec.enabled = 1\n');
    await fsp.writeFile(path.join(dir, 'php.ini'), 'memory_limit = 128M\n');
    const capped = await gatherWorkspaceEvidence({ workspaceDir: dir, env: {}, logs: { globs: ['*.log'], maxFiles: 3 } });
    assert.equal(capped!.logs.length, 3);

    const tooLarge: [string, number][] = [];
    const sized = await gatherWorkspaceEvidence({
      workspaceDir: dir,
      env: {},
      logs: { globs: ['*.log', '*.ini'], maxFiles: 50, maxBytes: 1000 },
      onTooLarge: (f, n) => tooLarge.push([f, n]),
    });
    assert.deepEqual(tooLarge, [[path.join(dir, 'big.log'), 5000]]);
    assert.ok(!sized!.logs.some((l) => l.path.endsWith('big.log')));
    assert.ok(
      sized!.logs.some((l) => l.kind === 'ini'),
      'every kind by default (the CLI)',
    );

    const logsOnly = await gatherWorkspaceEvidence({ workspaceDir: dir, env: {}, logs: { globs: ['*.log', '*.ini'], maxFiles: 50, logsOnly: true } });
    // Logs only (the server), except the AppSec ini, whose findings feed the PHP sub-checks.
    assert.deepEqual(
      logsOnly!.logs.filter((l) => l.kind !== 'log').map((l) => path.basename(l.path)),
      ['ddappsec.ini'],
    );

    // No workspace: the relative glob is dropped, the absolute one expanded; no workspace language.
    const noWs = await gatherWorkspaceEvidence({ env: {}, logs: { globs: ['*.log', path.join(dir, 'a0.log')], maxFiles: 50 } });
    assert.deepEqual(
      noWs!.logs.map((l) => l.path),
      [path.join(dir, 'a0.log')],
    );
    assert.deepEqual(noWs!.workspaceLanguages, []);
  } finally {
    await fsp.rm(dir, { recursive: true, force: true });
  }
});

test('gather: a cancelled gathering returns null and reports nothing', async () => {
  const ctl = new AbortController();
  ctl.abort();
  let called = false;
  const e = await gatherWorkspaceEvidence({
    workspaceDir: DEMO,
    env: {},
    logs: { globs: ['logs/*.log'], maxFiles: 10 },
    signal: ctl.signal,
    onEnvironment: () => (called = true),
  });
  assert.equal(e, null);
  assert.equal(called, false);
});

test('gather: the agent is contacted only with check "when-configured" and a configured address', async () => {
  let requests = 0;
  const server = http.createServer((req, res) => {
    requests++;
    res.writeHead(req.url === '/info' ? 200 : 404, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ version: '7.52.0', endpoints: ['/v0.4/traces'], config: { receiver_port: 8126 } }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
  try {
    const base = { workspaceDir: DEMO, env: {}, logs: { globs: [] as string[], maxFiles: 0 } };
    const never = await gatherWorkspaceEvidence({ ...base, agent: { url, check: 'never' } });
    assert.equal(never!.address.url, url);
    assert.equal(never!.agentResult, undefined);
    assert.equal(requests, 0);
    const unconfigured = await gatherWorkspaceEvidence({ ...base, agent: { check: 'when-configured', timeoutMs: 500 } });
    assert.equal(unconfigured!.address.source.kind, 'default');
    assert.equal(unconfigured!.agentResult, undefined);
    assert.equal(requests, 0);
    const checked = await gatherWorkspaceEvidence({ ...base, agent: { url, label: '--agent', check: 'when-configured', timeoutMs: 2000 } });
    assert.equal(checked!.agentResult?.outcome, 'ok');
    assert.equal(checked!.address.source.context, '--agent');
    assert.equal(requests, 1);
  } finally {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  }
});

test('assemble: open documents come first and replace the gathered file; agent checks join the extra checks', async () => {
  const e = await gatherWorkspaceEvidence({ workspaceDir: DEMO, env: {}, logs: { globs: ['logs/*.log'], maxFiles: 10 } });
  const gathered = assembleStepInputs(e!);
  assert.ok(gathered.inputs.findings.some((f) => f.code === 'agent-no-data'));
  // The agent log open with its "No data received" line edited away: its live analysis has no finding.
  const live = assembleStepInputs(e!, { open: [{ file: AGENT_LOG, findings: [], summary: null }] });
  assert.ok(!live.inputs.findings.some((f) => f.file === AGENT_LOG));
  assert.equal(computeSteps(live.inputs).find((s) => s.id === 'backend')!.status, 'unknown');
  assert.equal(computeSteps(gathered.inputs).find((s) => s.id === 'backend')!.status, 'fail');
  const openFirst = assembleStepInputs(e!, {
    open: [
      {
        file: '/elsewhere/x.log',
        findings: [{ code: 'agent-no-data', severity: 'error', step: 'backend', message: 'm', file: '/elsewhere/x.log', line: 3 }],
        summary: null,
      },
    ],
  });
  assert.equal(openFirst.inputs.findings[0].file, '/elsewhere/x.log');
  // The address's check comes after the caller's own agent checks.
  const extra = { title: 'Mine', status: 'pass' as const, evidence: [] };
  const withExtra = assembleStepInputs(e!, { extraChecks: { agent: [extra] } });
  assert.equal(withExtra.inputs.extraChecks!.agent![0], extra);
  assert.ok(withExtra.inputs.extraChecks!.agent!.length > 1);
  // Nothing gathered yet (a server before its first scan): still valid inputs.
  const none = assembleStepInputs({});
  assert.deepEqual(none.inputs.findings, []);
  assert.equal(none.language.language, null);
});

test('language: setting, then the logs, then the workspace (others named), else a reason', () => {
  const ws = [
    { language: 'go' as const, file: '/w/go.mod' },
    { language: 'java' as const, file: '/w/pom.xml' },
  ];
  const logs = [{ file: '/w/a.log', tracer: 'nodejs', version: '5.0.0', integrations: null, disabledIntegrations: [] }];
  assert.equal(chooseLanguage('php', logs, ws).source, 'setting');
  assert.equal(chooseLanguage('auto', logs, ws).language, 'nodejs');
  const w = chooseLanguage('auto', [], ws);
  assert.equal(w.language, 'go');
  assert.match(w.reason, /^go\.mod in the workspace \(also found: Java\)$/);
  const n = chooseLanguage(null, [], []);
  assert.equal(n.language, null);
  assert.match(n.reason, /set asmTroubleshooter\.language/);
});

test('the CLI and the server steps, both on the shared gathering, agree on the same workspace', async () => {
  const cli = await runSteps({ workspace: DEMO, logs: ['logs/*.log'], agent: null, language: null, timeoutMs: 1000, env: {} });
  const pushed: unknown[] = [];
  const service = new StepsService(
    {
      sendNotification: async (_m: string, p: unknown) => void pushed.push(p),
      console: { info: () => {}, warn: () => {}, error: () => {}, log: () => {} },
    } as never,
    {},
  );
  try {
    const state = await service.request({ workspaceFolder: DEMO, settings: { language: 'auto', logsGlobs: ['logs/*.log'], agentUrl: '' }, rescan: true });
    assert.deepEqual(state.steps, cli.steps);
    assert.deepEqual(state.language, cli.language);
    assert.ok(pushed.length >= 2, 'the environment first, then the logs');
    assert.deepEqual(
      service
        .getLogFiles()
        .map((f) => f.path)
        .sort(),
      [AGENT_LOG, TRACER_LOG].sort(),
    );
    // Background files carry their ASM state for the bundle, as open ones do.
    const gathered = await gatherWorkspaceEvidence({ workspaceDir: DEMO, env: {}, logs: { globs: ['logs/*.log'], maxFiles: 10 } });
    const appsec = gathered!.logs.find((l) => l.path === TRACER_LOG)!.appsec;
    assert.ok(appsec);
    assert.equal(service.getLogFiles().find((f) => f.path === TRACER_LOG)!.appsec, appsec);
  } finally {
    service.dispose();
  }
});
