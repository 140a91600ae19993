// computeSteps: the one status function of the tree and the CLI.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computeSteps, worst, type StepFinding } from '../../src/core/steps';
import { compareVersions } from '../../src/core/version';
import { kb, RAW_KB } from '../../src/core/kb';

const f = (code: string, severity: StepFinding['severity'], line = 0, file = '/logs/a.log'): StepFinding => ({
  code,
  severity,
  step: kb().finding(code).step,
  message: `${code} message`,
  file,
  line,
});
const step = (r: ReturnType<typeof computeSteps>, id: string) => r.find((s) => s.id === id)!;

test('the five nodes in the seed order, all unknown without evidence', () => {
  const r = computeSteps({ language: null, findings: [] });
  assert.deepEqual(
    r.map((s) => s.id),
    ['running', 'test-attack', 'integrations', 'agent', 'backend'],
  );
  assert.deepEqual(
    r.map((s) => s.number),
    [0, 1, 2, 3, 4],
  );
  assert.ok(r.every((s) => s.status === 'unknown' && s.description === 'no evidence yet'));
  assert.ok(r.every((s) => s.doc.startsWith('https://docs.datadoghq.com/')));
  // The knowledge base's general sub-steps are listed, unproven.
  assert.ok(step(r, 'agent').checks.some((c) => c.id === 'agent-info' && c.status === 'unknown' && c.command === 'asmTroubleshooter.checkAgent'));
});

test('step 4: agent-no-data fails it, agent-traces-received alone passes it', () => {
  const fail = computeSteps({ language: null, findings: [f('agent-no-data', 'error', 0, '/logs/trace-agent.log')] });
  assert.equal(step(fail, 'backend').status, 'fail');
  const c = step(fail, 'backend').checks[0];
  assert.equal(c.id, 'agent-logstats');
  assert.deepEqual(
    c.evidence.map((e) => [e.file, e.line, e.code]),
    [['/logs/trace-agent.log', 0, 'agent-no-data']],
  );
  const pass = computeSteps({ language: null, findings: [f('agent-traces-received', 'information', 1)] });
  assert.equal(step(pass, 'backend').status, 'pass');
  assert.match(step(pass, 'backend').description, /1 check passed, 4 not proven/);
});

test('a pass never hides a fail: in one check and across checks', () => {
  const r = computeSteps({
    language: null,
    findings: [f('agent-traces-received', 'information', 5), f('agent-no-data', 'error', 2), f('agent-traces-received', 'information', 9)],
  });
  const b = step(r, 'backend');
  assert.equal(b.status, 'fail');
  assert.equal(b.checks[0].status, 'fail');
  assert.equal(b.checks[0].evidence[0].code, 'agent-no-data', 'the failing evidence comes first');
  const r2 = computeSteps({ language: null, findings: [f('appsec-enabled', 'information'), f('tracer-too-old', 'error')] });
  assert.equal(step(r2, 'running').status, 'fail');
  assert.equal(step(r2, 'running').checks[0].id, 'tracer-version', 'failing checks sort first');
  assert.equal(worst(['pass', 'unknown', 'warning', 'pass']), 'warning');
  assert.equal(worst([]), 'unknown');
});

test('per-language sub-steps appear for the detected language only, as unknown with their detail', () => {
  const none = computeSteps({ language: null, findings: [] });
  assert.ok(!step(none, 'running').checks.some((c) => c.id === 'node-native-appsec'));
  const node = computeSteps({ language: 'nodejs', findings: [] });
  const c = step(node, 'running').checks.find((x) => x.id === 'node-native-appsec')!;
  assert.equal(c.status, 'unknown');
  assert.match(c.hint!, /npm explore @datadog\/native-appsec/);
  const go = computeSteps({ language: 'go', findings: [f('go-appsec-build-tag', 'error')] });
  const tag = step(go, 'running').checks.find((x) => x.id === 'go-build')!;
  assert.equal(tag.status, 'fail', 'the language sub-step claims its finding code');
  assert.equal(step(go, 'running').status, 'fail');
});

test('PHP helper failures fail step 0 (ASM is not running for PHP without its helper), in the PHP sub-step, not step 3', () => {
  for (const code of ['php-helper-connection-failed', 'php-helper-permission']) assert.equal(kb().finding(code).step, 'running', code);
  const r = computeSteps({ language: 'php', findings: [f('php-helper-connection-failed', 'error', 3), f('php-helper-permission', 'error', 4)] });
  assert.equal(step(r, 'running').status, 'fail');
  const c = step(r, 'running').checks.find((x) => x.id === 'php-helper')!;
  assert.equal(c.status, 'fail');
  assert.deepEqual(c.evidence.map((e) => e.code).sort(), ['php-helper-connection-failed', 'php-helper-permission']);
  assert.equal(step(r, 'agent').status, 'unknown');
  assert.ok(!step(r, 'agent').checks.some((x) => x.id === 'php-helper'));
});

test('unclaimed findings become their own check, in their step', () => {
  const r = computeSteps({ language: null, findings: [f('agent-traces-dropped', 'warning'), f('attack-detected', 'information')] });
  assert.equal(step(r, 'backend').status, 'warning');
  assert.equal(step(r, 'test-attack').status, 'pass');
  assert.ok(step(r, 'test-attack').checks.some((c) => c.id === 'attack-detection' && c.status === 'pass'));
});

test('extra checks replace the sub-step of the same title, else are added', () => {
  const r = computeSteps({
    language: null,
    findings: [],
    extraChecks: {
      'test-attack': [
        {
          id: 'attack-response',
          title: 'The test attack reaches the application',
          status: 'pass',
          evidence: [{ text: 'HTTP 200 from http://127.0.0.1:3000/' }],
        },
      ],
      agent: [{ title: 'Something new', status: 'warning', evidence: [] }],
    },
  });
  const t = step(r, 'test-attack');
  assert.equal(t.checks.filter((c) => c.id === 'attack-response').length, 1);
  assert.equal(t.checks[0].status, 'pass');
  assert.equal(t.checks[0].command, 'asmTroubleshooter.sendTestAttack', 'keeps the knowledge-base command');
  assert.equal(step(r, 'agent').status, 'warning');
});

test('log summaries: tracer version against the minimum, loaded required integrations', () => {
  const r = computeSteps({
    language: 'nodejs',
    findings: [],
    summaries: [
      { file: '/l/new.log', tracer: 'nodejs', version: '5.132.0', integrations: ['http', 'express'], disabledIntegrations: [] },
      { file: '/l/old.log', tracer: 'nodejs', version: '1.7.1', integrations: null, disabledIntegrations: [] },
    ],
  });
  const v = step(r, 'running').checks.find((c) => c.id === 'tracer-version')!;
  assert.equal(v.status, 'fail');
  assert.deepEqual(
    v.evidence.map((e) => e.status),
    ['fail', 'pass'],
  );
  const i = step(r, 'integrations').checks.find((c) => c.id === 'required-integrations')!;
  assert.equal(i.status, 'pass');
  assert.match(i.evidence[0].text, /Loaded: http/);
  assert.ok(compareVersions('1.30.1.0', '2.2.0') < 0);
  assert.equal(compareVersions('2.2.0', '2.2.0'), 0);
  assert.ok(compareVersions('5.132.0', '2.0.0') > 0);
  assert.ok(compareVersions('0.94.1', '0.94.0') > 0);
});

test('environment evidence: DD_APPSEC_ENABLED and integrations switched off, with file and line', () => {
  const r = computeSteps({
    language: 'nodejs',
    findings: [],
    environment: [
      { kind: '.env', file: '/w/.env', vars: [{ name: 'DD_APPSEC_ENABLED', value: 'true', file: '/w/.env', line: 3 }] },
      {
        kind: 'docker-compose',
        file: '/w/docker-compose.yml',
        context: 'service web',
        vars: [
          { name: 'DD_APPSEC_ENABLED', value: 'false', file: '/w/docker-compose.yml', line: 7 },
          { name: 'DD_TRACE_HTTP_ENABLED', value: 'false', file: '/w/docker-compose.yml', line: 8 },
          { name: 'DD_TRACE_DISABLED_PLUGINS', value: 'fs,http', file: '/w/docker-compose.yml', line: 9 },
          { name: 'DD_TRACE_EXPRESS_ENABLED', value: 'false', file: '/w/docker-compose.yml', line: 10 },
        ],
      },
    ],
  });
  const a = step(r, 'running').checks.find((c) => c.id === 'appsec-env')!;
  assert.equal(a.status, 'fail');
  assert.deepEqual(
    a.evidence.map((e) => [e.status, e.file, e.line]),
    [
      ['fail', '/w/docker-compose.yml', 7],
      ['pass', '/w/.env', 3],
    ],
  );
  const i = step(r, 'integrations');
  assert.equal(i.status, 'fail');
  assert.deepEqual(
    i.checks[0].evidence.map((e) => e.line),
    [8, 9],
    'http is required for Node.js; express is not',
  );
});

test('evidence is capped, failing evidence kept first', () => {
  const many = Array.from({ length: 30 }, (_, n) => ({ ...f('agent-traces-received', 'information', n), message: `traces received: ${n + 1}` }));
  many.push(f('agent-no-data', 'error', 99));
  const c = step(computeSteps({ language: null, findings: many }), 'backend').checks[0];
  assert.equal(c.evidence.length, 21);
  assert.equal(c.evidence[0].line, 99);
  assert.match(c.evidence[20].text, /and 11 more/);
});

test('identical evidence collapses into one row with its count and first/last line', () => {
  const same = Array.from({ length: 235 }, (_, n) => f('agent-unreachable', 'error', 10 + n * 2));
  same.push(f('agent-unreachable', 'error', 3, '/logs/b.log'));
  const c = step(computeSteps({ language: null, findings: same }), 'agent').checks.find((x) => x.id === 'span-transmission')!;
  assert.equal(c.status, 'fail');
  assert.equal(c.evidence.length, 2, 'one row per file for the same message');
  const a = c.evidence.find((e) => e.file === '/logs/a.log')!;
  assert.deepEqual([a.count, a.line, a.lastLine], [235, 10, 10 + 234 * 2]);
  assert.equal(c.evidence.find((e) => e.file === '/logs/b.log')!.count, undefined);
});

test('every code a sub-step claims exists in the finding catalogue, and no code is claimed twice', () => {
  const seen = new Set<string>();
  for (const s of RAW_KB.steps as { checks: { codes?: string[] }[]; languages?: Record<string, { codes?: string[] }[]> }[]) {
    for (const sub of [...s.checks, ...Object.values(s.languages ?? {}).flat()]) {
      for (const code of sub.codes ?? []) {
        assert.ok(kb().hasFinding(code), `unknown code ${code} in kb/steps.yaml`);
        assert.ok(!seen.has(code), `${code} claimed twice`);
        seen.add(code);
      }
    }
  }
});

test('one compareVersions: a leading v, pre-releases before their release, build metadata ignored', () => {
  assert.equal(compareVersions('v1.36.0', '1.36.0'), 0);
  assert.equal(compareVersions('v1.35.9', '1.36.0'), -1);
  assert.equal(compareVersions('2.0.0-rc.1', '2.0.0'), -1, 'a release candidate is older than its release');
  assert.equal(compareVersions('2.0.0', '2.0.0-rc.1'), 1);
  assert.equal(compareVersions('2.0.0-rc.2', '2.0.0-rc.10'), -1);
  assert.equal(compareVersions('2.0.0-rc.1', '1.99.0'), 1);
  assert.equal(compareVersions('1.36.0+build.5', '1.36.0'), 0);
  assert.equal(compareVersions('1.100.0', '1.36.0'), 1);
});

test('sub-steps have stable unique ids; an extra check replaces the sub-step of its id, whatever its title', () => {
  for (const s of kb().data.steps) {
    const ids = [...s.checks, ...Object.values(s.languages ?? {}).flat()].map((c) => c.id);
    assert.equal(new Set(ids).size, ids.length, `${s.id}: ids are unique`);
  }
  const r = computeSteps({
    language: null,
    findings: [],
    extraChecks: { agent: [{ id: 'agent-info', title: 'Renamed', status: 'pass', evidence: [{ text: 'ok' }] }] },
  });
  const a = step(r, 'agent').checks.filter((c) => c.id === 'agent-info');
  assert.equal(a.length, 1);
  assert.equal(a[0].status, 'pass');
  // Neutral titles: a red icon never sits next to good news.
  assert.equal(step(r, 'integrations').checks[0].title, 'Required integrations');
});
