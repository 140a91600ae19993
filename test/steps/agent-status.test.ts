// Issue 15 §1, the Agent fully read: /info version floors and Remote Configuration (endpoints), `datadog-agent status`
// text and --json (fixtures in test/steps/fixtures/agent-status, written from DataDog/datadog-agent's templates:
// comp/trace/status/impl/status_templates/traceagent.tmpl @c7f8f7c2, comp/remote-config/rcstatus/impl/
// status_templates/remoteconfiguration.tmpl @be0fcbaf, rcstatus/impl/status.go @dc27fb93, trace status.go @bd129d5d),
// through `check`, the editor's analyzeText, `agent --json` against a loopback Agent, and the steps evidence.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { readFileSync } from 'node:fs';
import {
  agentInfoFindings,
  agentStatusEvidence,
  floorsMissed,
  mayBeAgentArtifact,
  parseAgentStatusText,
  recognizeAgentArtifact,
  versionBelow,
} from '../../src/core/agent/status';
import { analyzeFile } from '../../src/core/files';
import { analyzeText } from '../../src/core/analyze';
import { agentCommand } from '../../src/cli/agent';
import { checkCommand } from '../../src/cli/check';
import { fakeAgent } from '../support/loopback';

const FIX = path.resolve(__dirname, '../../../test/steps/fixtures/agent-status');
const fx = (n: string) => path.join(FIX, n);
const codes = (fs: { code: string }[]) => fs.map((f) => f.code).sort();

test('version floors: 7.41.1 ASM, 7.39.1 Python RC, 7.35.0 meta_struct', () => {
  assert.ok(versionBelow('7.41.0', '7.41.1'));
  assert.ok(!versionBelow('7.41.1', '7.41.1'));
  assert.ok(!versionBelow('7.50.3-rc.1', '7.41.1'));
  assert.ok(versionBelow('6.99.0', '7.35.0'));
  assert.deepEqual(
    floorsMissed('7.40.0').map((f) => f.version),
    ['7.41.1'],
  );
  assert.deepEqual(
    floorsMissed('7.38.2').map((f) => f.version),
    ['7.41.1', '7.39.1'],
  );
  assert.deepEqual(
    floorsMissed('7.34.0').map((f) => f.version),
    ['7.41.1', '7.39.1', '7.35.0'],
  );
  assert.deepEqual(floorsMissed('not a version'), []);
});

test('/info without /v0.7/config and below 7.41.1: agent-too-old and remote-config-disabled with the exact setting; with it: nothing', async () => {
  const no = await analyzeFile(fx('info-no-rc.json'));
  assert.equal(no.kind, 'log');
  assert.deepEqual(codes(no.findings), ['agent-too-old', 'remote-config-disabled']);
  const rc = no.findings.find((f) => f.code === 'remote-config-disabled')!;
  assert.match(rc.message, /DD_REMOTE_CONFIGURATION_ENABLED=true on every Agent process/);
  assert.match(rc.message, /remote_configuration\.enabled/);
  assert.equal(rc.data?.setting, 'DD_REMOTE_CONFIGURATION_ENABLED=true');
  assert.equal(rc.range.start.line, 3, 'on the endpoints line');
  const old = no.findings.find((f) => f.code === 'agent-too-old')!;
  assert.deepEqual(old.data?.floors, ['7.41.1']);
  assert.equal(old.range.start.line, 1);
  const yes = await analyzeFile(fx('info-rc.json'));
  assert.deepEqual(yes.findings, []);
  assert.ok(yes.notes.some((n) => /Agent \/info/.test(n)));
  // The editor reads an opened /info the same way.
  assert.deepEqual(codes(analyzeText('log', readFileSync(fx('info-no-rc.json'), 'utf8')).findings), ['agent-too-old', 'remote-config-disabled']);
});

test('status text: RC key not authorized, writer errors, the tracer that reached the Agent (additional clients ignored)', async () => {
  const r = await analyzeFile(fx('status-rc-unauthorized.txt'));
  assert.deepEqual(codes(r.findings), ['agent-traces-received', 'agent-writer-errors', 'remote-config-unauthorized']);
  const seen = r.findings.find((f) => f.code === 'agent-traces-received')!;
  assert.deepEqual(seen.data, { lang: 'python', langVersion: '3.11.4', tracerVersion: '2.8.0', tracesReceived: 12, warning: null });
  const key = r.findings.find((f) => f.code === 'remote-config-unauthorized')!;
  assert.equal(key.data?.apiKeyAuthorized, false);
  assert.equal(key.data?.orgEnabled, true, 'the cluster-agent client\'s "Organization enabled: False" is not the default client\'s');
  assert.match(key.message, /Remote Configuration Read permission/);
  assert.equal(r.findings.find((f) => f.code === 'agent-writer-errors')!.data?.errors, 2);
  const s = parseAgentStatusText(readFileSync(fx('status-rc-unauthorized.txt'), 'utf8'))!;
  assert.equal(s.version, '7.50.3');
  assert.equal(s.apm?.receiver, '0.0.0.0:8126');
  assert.deepEqual(s.apm?.endpoints, ['https://trace.agent.datadoghq.com']);
});

test('status text: RC disabled in the Agent (reason kept), Agent 7.38.2 too old, no traces, GovCloud site', async () => {
  const r = await analyzeFile(fx('status-rc-disabled-old.txt'));
  assert.deepEqual(codes(r.findings), ['agent-no-data', 'agent-too-old', 'asm-site-unsupported', 'remote-config-disabled']);
  const rc = r.findings.find((f) => f.code === 'remote-config-disabled')!;
  assert.equal(rc.data?.reason, 'it is explicitly disabled in the agent configuration. (`remote_configuration.enabled: false`)');
  assert.deepEqual(r.findings.find((f) => f.code === 'agent-too-old')!.data?.floors, ['7.41.1', '7.39.1']);
  const down = await analyzeFile(fx('status-apm-down.txt'));
  assert.deepEqual(codes(down.findings), ['agent-unreachable', 'remote-config-error']);
  assert.match(down.findings.find((f) => f.code === 'remote-config-error')!.message, /api key is empty/);
});

test('status --json: the same reading (apmStats, remoteConfiguration)', async () => {
  const ok = await analyzeFile(fx('status.json'));
  assert.deepEqual(codes(ok.findings), ['agent-traces-received']);
  assert.equal(ok.findings[0]!.data?.lang, 'nodejs');
  const off = await analyzeFile(fx('status-rc-off.json'));
  assert.deepEqual(codes(off.findings), ['agent-unreachable', 'remote-config-disabled']);
});

test('steps evidence from the status: step 3 tracer and version, step 4 RC scope and writer', () => {
  const s = parseAgentStatusText(readFileSync(fx('status-rc-unauthorized.txt'), 'utf8'))!;
  const e = agentStatusEvidence(s, '/x/status.txt');
  assert.ok(
    e.agent.some((x) => x.text === 'Traces from python 3.11.4, tracer 2.8.0: 12 in the last minute' && x.status === 'pass' && x.file === '/x/status.txt'),
  );
  assert.ok(e.agent.some((x) => /Agent version 7\.50\.3/.test(x.text) && x.status === 'pass'));
  assert.ok(e.backend.some((x) => x.text === 'API key not authorized for Remote Configuration' && x.status === 'fail'));
  assert.ok(e.backend.some((x) => /Traces API errors in the last minute: 2/.test(x.text) && x.status === 'fail'));
});

test('recognition is by content and strict: logs, JSON lines and other JSON are not Agent artifacts', () => {
  assert.equal(recognizeAgentArtifact('{"version":"1.0.0","endpoints":["/api"]}'), null);
  assert.equal(recognizeAgentArtifact('{"level":"info","msg":"x"}\n{"level":"info"}\n'), null);
  assert.equal(mayBeAgentArtifact('{"a":1}\n{"b":2}\n'), false);
  assert.equal(recognizeAgentArtifact('2024-01-01 INFO APM Agent started\nRemote Configuration enabled\n'), null);
  assert.equal(recognizeAgentArtifact('{'.repeat(100_000)), null);
  assert.equal(recognizeAgentArtifact(`=========\nAPM Agent\n=========\n${'  Status: Running\n'.repeat(3)}`)?.kind, 'status');
  // The local intake's /info is not an Agent's: no finding.
  assert.deepEqual(
    agentInfoFindings({
      version: 'asm-troubleshooter-intake',
      gitCommit: null,
      endpoints: ['/v0.4/traces'],
      receiverPort: 1,
      defaultEnv: null,
      localIntake: true,
    }),
    [],
  );
});

test('agent --json lists the /info findings by code, like check on the saved answer', async () => {
  const saved = JSON.parse(readFileSync(fx('info-no-rc.json'), 'utf8')) as object;
  const a = await fakeAgent(saved, { everyPath: true });
  try {
    let out = '';
    await agentCommand(['--url', a.url, '--json', '--workspace', FIX], { out: (s) => (out += s), err: () => undefined });
    const j = JSON.parse(out) as { remoteConfig: boolean; findings: { code: string; data?: Record<string, unknown> }[] };
    assert.equal(j.remoteConfig, false);
    assert.deepEqual(codes(j.findings), ['agent-too-old', 'remote-config-disabled']);
    let checkOut = '';
    await checkCommand(['--json', fx('info-no-rc.json')], { out: (s) => (checkOut += s), err: () => undefined });
    assert.match(checkOut, /"agent-too-old"/);
    assert.match(checkOut, /"remote-config-disabled"/);
  } finally {
    await a.close();
  }
  const b = await fakeAgent(JSON.parse(readFileSync(fx('info-rc.json'), 'utf8')) as object, { everyPath: true });
  try {
    let out = '';
    await agentCommand(['--url', b.url, '--json', '--workspace', FIX], { out: (s) => (out += s), err: () => undefined });
    const j = JSON.parse(out) as { remoteConfig: boolean; findings: unknown[] };
    assert.equal(j.remoteConfig, true);
    assert.deepEqual(j.findings, []);
  } finally {
    await b.close();
  }
});

test('an open document holding `datadog-agent status` output gets the same findings in the editor as from check', async () => {
  const { DiagnosticsService } = await import('../../src/server/diagnostics');
  const file = path.resolve('test/fixtures/logs/catalogue/agent.log');
  const text = readFileSync(file, 'utf8');
  const published: { diagnostics: { code?: string | number; range: { start: { line: number } } }[] }[] = [];
  const notes: { findings: { code: string; line: number }[] }[] = [];
  const conn = {
    sendDiagnostics: async (p: (typeof published)[number]) => void published.push(p),
    sendNotification: async (_m: string, p: (typeof notes)[number]) => void notes.push(p),
    console: { error: (m: string) => assert.fail(m), log: () => {} },
  };
  const svc = new DiagnosticsService(conn as never, 0);
  const doc = svc.documentsConfig().create('file:///tmp/agent-status.log', 'asm-log', 1, text);
  await svc.run(doc);
  const editor = notes
    .at(-1)!
    .findings.map((f) => `${f.line + 1}:${f.code}`)
    .sort();
  const cli = analyzeText('log', text)
    .findings.map((f) => `${f.range.start.line + 1}:${f.code}`)
    .sort();
  assert.deepEqual(editor, cli);
  assert.ok(editor.includes('13:remote-config-unauthorized'), editor.join(' '));
});
