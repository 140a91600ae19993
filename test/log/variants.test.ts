// Format variants from real tracer versions (fixtures name their upstream source in their header): each gives the
// right finding and none of the wrong ones, and the verdict ("running", "Agent") follows.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { analyze, byCode, codes, errors, fixture, FIXTURES } from './helpers';
import { analyzeFile } from '../../src/core/files';
import { computeVerdict } from '../../src/core/evidence/verdict';
import { stepFindings, summaryEvidence } from '../../src/core/steps-inputs';
import { isAgentAddress } from '../../src/core/log/rules/agent';

async function verdictOf(rel: string) {
  const file = path.join(FIXTURES, rel);
  const r = await analyzeFile(file);
  return computeVerdict({
    language: null,
    files: [
      {
        file,
        findings: stepFindings(file, r.findings, r.timeline, r.mtimeMs),
        summary: r.summary ? summaryEvidence(file, r.summary) : null,
        timeline: r.timeline!,
        mtimeMs: r.mtimeMs!,
      },
    ],
  });
}
const status = (v: Awaited<ReturnType<typeof verdictOf>>, id: string) => v.steps.find((s) => s.id === id)!.status;

test('dd-trace-js 2.x-4.x: unprefixed "Unable to start AppSec" after appsec_enabled true makes "running" fail', async () => {
  const a = analyze(fixture('nodejs/unprefixed-start-failed-4x.log'));
  assert.deepEqual(
    byCode(a, 'appsec-start-failed').map((f) => f.range.start.line),
    [3, 5],
  );
  assert.equal(a.summary.appsec, 'disabled', 'the failure after the startup line wins');
  const v = await verdictOf('nodejs/unprefixed-start-failed-4x.log');
  assert.equal(status(v, 'running'), 'fail');
  assert.match(v.services[0]!.summary, /^ASM failed to start in checkout-web at 09:40:00, after the 09:40:00 start/);
  // Not on an ordinary line that merely mentions it.
  assert.deepEqual(codes(analyze('the docs say: Unable to start AppSec means the WAF is missing\n')), []);
});

test('connect ECONNREFUSED to the database is not the Agent; the same error at the Agent address is', () => {
  const a = analyze(fixture('nodejs/db-refused.log'));
  const un = byCode(a, 'agent-unreachable');
  assert.deepEqual(
    un.map((f) => f.range.start.line),
    [5],
    'only dd-agent:8126, the agent_url of the startup line',
  );
  assert.equal(isAgentAddress('connect ECONNREFUSED 10.0.0.5:5432', 'http://dd-agent:8126/'), false);
  assert.equal(isAgentAddress('connect ECONNREFUSED 127.0.0.1:8126', null), true, 'the default address');
  assert.equal(isAgentAddress('connect ECONNREFUSED 127.0.0.1:8126', 'http://localhost:8126'), true, 'loopback spellings');
  assert.equal(isAgentAddress('connect ECONNREFUSED 127.0.0.1:8126', 'unix:///var/run/datadog/apm.socket'), false);
  // The demo's Agent-down run still is the Agent's (its address is the agent_url).
  const demo = analyze(fixture('nodejs/agent-down.log'));
  assert.ok(byCode(demo, 'agent-unreachable').length > 0);
  // Without a startup line, a refusal to a database port stays quiet.
  assert.deepEqual(codes(analyze('Error: connect ECONNREFUSED db:5432\n')), []);
});

test('tracer-too-old is a warning when ASM works in the same log (Ruby 0.54), an error otherwise', () => {
  const a = analyze(fixture('ruby/old-0.54-working.log'));
  const old = byCode(a, 'tracer-too-old');
  assert.equal(old.length, 1);
  assert.equal(old[0]!.severity, 'warning');
  assert.deepEqual(errors(a), []);
  const startupOnly = fixture('ruby/old-0.54-working.log').split('\n').slice(0, 3).join('\n');
  assert.equal(byCode(analyze(startupOnly), 'tracer-too-old')[0]!.severity, 'error');
});

test('Go: DD_APPSEC_ENABLED=yes (v1.36 parse error, and the newer "non-boolean value … dropping")', async () => {
  const old = analyze(fixture('go/appsec-enabled-yes-1.36.log'));
  const inv = byCode(old, 'appsec-config-invalid');
  assert.equal(inv.length, 1);
  assert.match(inv[0]!.message, /DD_APPSEC_ENABLED=yes/);
  assert.deepEqual(byCode(old, 'appsec-start-failed'), [], 'reported as the invalid value it is, not as an unexplained start error');
  const neu = analyze(fixture('go/appsec-enabled-dropped.log'));
  assert.deepEqual(codes(neu), ['appsec-config-invalid']);
  assert.match(neu.findings[0]!.message, /from env var/);
  assert.equal(status(await verdictOf('go/appsec-enabled-dropped.log'), 'running'), 'fail');
});

test('Java debug DDSpan line with _dd.appsec.json and appsec.event=true is an attack', async () => {
  const a = analyze(fixture('java/ddspan-appsec-debug.log'));
  const at = byCode(a, 'attack-detected');
  assert.equal(at.length, 1);
  assert.deepEqual(at[0]!.data?.rules, ['ua0-600-12x']);
  assert.match(at[0]!.message, /GET http:\/\/localhost:8080\/, from 127\.0\.0\.1, User-Agent "Arachni\/v", status 200/);
  const v = await verdictOf('java/ddspan-appsec-debug.log');
  assert.equal(status(v, 'test-attack'), 'pass', 'an attack after the latest start');
  assert.equal(v.steps.find((s) => s.id === 'test-attack')!.description, '1 attack detected in checkout since the 09:40:00 start, the last at 09:41:02');
  // A finished span without the event is not.
  assert.deepEqual(
    codes(
      analyze(
        '[dd.trace 2026-11-21 09:41:02:123 +0000] [x] DEBUG datadog.trace.core.DDSpan - Finished span (WRITTEN): DDSpan [ t_id=1, s_id=2, p_id=0 ] trace=a/b/c tags={appsec.event=false}\n',
      ),
    ),
    [],
  );
});

test('libddwaf-rb 1.x Result objects: :match is an attack, :ok is not', () => {
  const a = analyze(fixture('ruby/waf-result-object-1x.log'));
  const at = byCode(a, 'attack-detected');
  assert.equal(at.length, 1);
  assert.equal(at[0]!.range.start.line, 3);
  assert.deepEqual(at[0]!.data?.rules, ['ua0-600-12x']);
});

test("the Agent's JSON log format (log_format_json): LogStats lines", () => {
  const a = analyze(fixture('agent/json-logstats.log'));
  assert.deepEqual(codes(a), ['agent-traces-received', 'agent-traces-dropped']);
  assert.equal(a.summary.tracesReceived, 2);
  assert.deepEqual(
    codes(
      analyze(
        '{"agent":"trace","time":"2026-11-21 09:38:55 UTC","level":"INFO","file":"info/stats.go","line":"111","func":"LogStats","msg":"No data received"}\n',
      ),
    ),
    ['agent-no-data'],
  );
});

test('Ruby 1.x initializer: c.tracing.instrument :rack is the manual Rack setup too, with its own quick fix title', () => {
  const a = analyze(fixture('ruby/datadog-tracer-1x.rb'));
  const f = byCode(a, 'ruby-rack-manual');
  assert.equal(f.length, 1);
  assert.equal(f[0]!.range.start.line, 6);
  assert.match(f[0]!.message, /c\.tracing\.instrument :rack/);
  assert.match(f[0]!.message, /rails/);
  assert.equal(f[0]!.fixes?.[0]?.title, 'Remove the `c.tracing.instrument :rack` line');
});
