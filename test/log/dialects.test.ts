// Fixture logs of every tracer, the Agent and the PHP helper (lines from shared/facts/asm-formats.md and the seed;
// Node.js files are real dd-trace 5.132.0 output): the codes, their lines, and the per-file summary.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze, byCode, codes, errors, fixture } from './helpers';
import { classifyLine } from '../../src/core/log/dialect';

const run = (rel: string) => analyze(fixture(rel));

test('Java: FULLY_ENABLED startup and AppSecSystem line; agent reachable; no error', () => {
  const a = run('java/enabled.log');
  assert.deepEqual(codes(a), ['agent-reachable', 'appsec-enabled', 'appsec-enabled']);
  assert.equal(errors(a).length, 0);
  assert.equal(a.summary.tracer, 'java');
  assert.equal(a.summary.version, '1.20.0~6bb3e09b2a');
  assert.equal(a.summary.appsec, 'enabled');
  assert.equal(a.summary.agentReachable, true);
  assert.deepEqual(a.summary.dialects, ['java']);
});

test('Java: ENABLED_INACTIVE is a warning; 0.83.2 is too old and cannot reach the agent', () => {
  const a = run('java/inactive.log');
  assert.equal(byCode(a, 'appsec-inactive')[0]!.severity, 'warning');
  assert.equal(a.summary.appsec, 'inactive');
  const b = run('java/old-agent-down.log');
  assert.deepEqual(codes(b), ['tracer-too-old', 'agent-unreachable', 'agent-unreachable']);
  assert.match(byCode(b, 'tracer-too-old')[0]!.message, /0\.83\.2.*0\.94\.0/);
  const send = byCode(b, 'agent-unreachable')[1]!;
  assert.equal(send.range.start.line, 1);
  assert.match(send.message, /9 traces were lost/);
  assert.equal(b.summary.agentReachable, false);
});

test('.NET: appsec_enabled false is an error, disabled OpenTelemetry is fine, agent_reachable true', () => {
  const a = run('dotnet/startup-2.43.log');
  assert.deepEqual(codes(a), ['agent-reachable', 'appsec-disabled', 'appsec-disabled']);
  assert.deepEqual(a.summary.disabledIntegrations, ['OpenTelemetry']);
  assert.equal(a.summary.version, '2.43.0.0');
  const d = byCode(a, 'appsec-disabled')[0]!;
  assert.equal(a.findings[1]!.range.start.line, 0);
  assert.match(d.message, /DD_APPSEC_ENABLED=true/);
  assert.match(d.docUrl!, /confirm-application-security-is-running/);
});

test('.NET console format: AspNet disabled and agent unreachable are errors naming the fix', () => {
  const a = run('dotnet/aspnet-disabled.log');
  assert.deepEqual(a.summary.dialects, ['dotnet']);
  const i = byCode(a, 'integration-disabled');
  assert.equal(i.length, 1, 'AspNet only: AspNetCore alone is fine');
  assert.match(i[0]!.message, /AspNet\b.*Remove AspNet from DD_DISABLED_INTEGRATIONS/);
  assert.equal(i[0]!.step, 'integrations');
  assert.match(byCode(a, 'agent-unreachable')[0]!.message, /actively refused/);
  assert.equal(a.summary.agentReachable, false);
});

test('.NET console format with the JSON quoted ("{\\"version\\":…}"): the same findings as the unquoted line', () => {
  const plain = run('dotnet/aspnet-disabled.log');
  const quoted = run('dotnet/aspnet-disabled-quoted.log');
  assert.deepEqual(codes(quoted), ['integration-disabled', 'agent-unreachable', 'appsec-enabled']);
  assert.deepEqual(codes(quoted), codes(plain));
  assert.deepEqual(
    quoted.findings.map((f) => f.message),
    plain.findings.map((f) => f.message),
  );
  assert.deepEqual({ ...quoted.summary, lines: 0 }, { ...plain.summary, lines: 0 });
  // Ranges cover the escaped field, as they cover the plain one.
  const line = fixture('dotnet/aspnet-disabled-quoted.log').split('\n')[0]!;
  const r = byCode(quoted, 'integration-disabled')[0]!.range;
  assert.equal(line.slice(r.start.character, r.end.character), String.raw`\"disabled_integrations\":[\"AspNet\",\"AspNetCore\"]`);
  // Truncated quoted JSON (no closing quote) still yields its fields, as the truncated plain line does.
  const cut = line.slice(0, line.indexOf(String.raw`,\"agent_reachable\"`));
  const plainLine = fixture('dotnet/aspnet-disabled.log').split('\n')[0]!;
  const plainCut = plainLine.slice(0, plainLine.indexOf(',"agent_reachable"'));
  assert.deepEqual(codes(analyze(cut)), ['appsec-not-configured', 'integration-disabled']);
  assert.deepEqual(codes(analyze(cut)), codes(analyze(plainCut)));
});

test('.NET: AspNetCore alone disabled gives no error (seed note)', () => {
  const a = run('dotnet/aspnetcore-only.log');
  assert.equal(errors(a).length, 0, JSON.stringify(a.findings));
  assert.deepEqual(a.summary.disabledIntegrations, ['AspNetCore']);
  assert.equal(a.summary.appsec, 'enabled');
});

test('.NET: DDAS lines with attacks name the rule id and name', () => {
  const a = run('dotnet/attacks.log');
  const det = byCode(a, 'attack-detected')[0]!;
  assert.match(det.message, /ua0-600-12x "Arachni"/);
  assert.match(byCode(a, 'attack-blocked')[0]!.message, /ua0-600-56x "Datadog test scanner - blocking version: user-agent"/);
  assert.equal(byCode(a, 'DDAS-0003-01')[0]!.severity, 'error');
  assert.equal(byCode(a, 'DDAS-0015-00')[0]!.severity, 'information');
  assert.equal(a.summary.attacks, 2);
  assert.equal(a.summary.blocked, 1);
  assert.deepEqual(a.summary.rules, ['ua0-600-12x', 'ua0-600-56x']);
});

test('Go: the documented v1.36.0 line with appsec:false; running; unreachable and build tag', () => {
  const a = run('go/disabled-1.36.log');
  assert.deepEqual(codes(a), ['appsec-disabled', 'appsec-disabled']);
  assert.equal(a.summary.version, '1.36.0');
  const b = run('go/running.log');
  assert.equal(errors(b).length, 0);
  assert.deepEqual(b.summary.integrations, ['net/http']);
  const c = run('go/problems.log');
  assert.deepEqual(codes(c), ['agent-unreachable', 'agent-unreachable', 'go-appsec-build-tag']);
  assert.match(byCode(c, 'go-appsec-build-tag')[0]!.message, /-tags appsec/);
  assert.equal(c.summary.tracer, 'go');
});

test('Ruby: libddwaf rules loaded, WAF result, tag block and processed events count as one attack', () => {
  const a = run('ruby/debug.log');
  assert.equal(errors(a).length, 0, JSON.stringify(errors(a)));
  assert.equal(a.summary.appsec, 'enabled');
  assert.equal(a.summary.tracer, 'ruby');
  assert.equal(a.summary.version, '1.13.0');
  assert.deepEqual(a.summary.integrations, ['action_pack', 'rack', 'rails']);
  const att = byCode(a, 'attack-detected');
  assert.deepEqual(
    att.map((f) => f.range.start.line),
    [4, 9, 20],
  );
  for (const f of att) assert.match(f.message, /ua0-600-10x "Nessus" \(security_scanner\)/);
  assert.equal(a.summary.attacks, 1);
  assert.deepEqual(a.summary.rules, ['ua0-600-10x']);
});

test('Ruby: no rack in integrations_loaded, 0.37.0 too old, Agent Error', () => {
  const a = run('ruby/no-rack.log');
  assert.deepEqual(codes(a), ['tracer-too-old', 'integration-disabled', 'agent-unreachable']);
  assert.match(byCode(a, 'integration-disabled')[0]!.message, /rack.*c\.tracing\.instrument :rails/);
});

test('Ruby initializer: c.use :rack next to c.use :rails, with a fix deleting the line; comments ignored', () => {
  const text = fixture('ruby/datadog-tracer.rb');
  const a = analyze(text);
  assert.deepEqual(codes(a), ['ruby-rack-manual']);
  const f = a.findings[0]!;
  assert.equal(f.range.start.line, 5);
  assert.match(f.message, /rails integration/);
  const edit = f.fixes![0]!.edits[0]!;
  assert.deepEqual(edit.range, { start: { line: 5, character: 0 }, end: { line: 6, character: 0 } });
  assert.deepEqual(codes(analyze('  c.use :rack\n')), [], 'no Datadog.configure block: not an initializer');
});

test('PHP: helper connection failure and the three permission warnings say which file and which ini settings', () => {
  const a = run('php/helper-permission.log');
  assert.deepEqual(codes(a), ['php-helper-connection-failed', 'php-helper-permission', 'php-helper-permission', 'php-helper-permission']);
  const [, lock, bind, unlink] = a.findings;
  assert.match(lock!.message, /lock file \/tmp\/ddappsec\.lock.*Permission denied.*ddappsec\.helper_lock_path/);
  assert.doesNotMatch(lock!.message, /in Unknown on line/);
  assert.match(bind!.message, /bind\(\).*datadog\.appsec\.helper_runtime_path/);
  assert.match(unlink!.message, /\/tmp\/ddappsec\.sock.*Operation not permitted.*www-data/);
  assert.deepEqual(lock!.data, { which: 'lock', path: '/tmp/ddappsec.lock', reason: 'Permission denied' });
  assert.equal(a.summary.tracer, 'php');
});

test('PHP: pre-1.0 startup with integrations_disabled (warning) and agent_error', () => {
  const a = run('php/startup-0.x.log');
  assert.deepEqual(codes(a), ['tracer-too-old', 'integration-disabled', 'agent-unreachable', 'agent-unreachable']);
  assert.equal(byCode(a, 'integration-disabled')[0]!.severity, 'warning');
  assert.deepEqual(a.summary.disabledIntegrations, ['curl', 'laravel']);
  // `php --ri=ddtrace` rows (` => `) are PHP's, not raw Node.js console lines; raw DIAGNOSTICS (plural) is not Node's.
  assert.deepEqual(a.summary.dialects, ['php']);
  assert.equal(classifyLine('DATADOG TRACER CONFIGURATION => {"lang":"php"}').dialect, 'php');
  assert.equal(classifyLine('DATADOG TRACER DIAGNOSTICS - agent_error: x').dialect, null);
  for (const node of [
    'DATADOG TRACER CONFIGURATION - {"lang":"nodejs"}',
    'DATADOG TRACER DIAGNOSTIC - Agent Error: connect ECONNREFUSED 127.0.0.1:9',
    'DATADOG TRACER INTEGRATIONS LOADED - ["http"]',
  ]) {
    assert.equal(classifyLine(node).dialect, 'nodejs', node);
  }
});

test('PHP helper: DDAS-0014-00 means ASM runs; attacks and a failed request', () => {
  const a = run('php-helper/helper.log');
  assert.equal(a.summary.appsec, 'enabled');
  assert.equal(a.summary.attacks, 2);
  assert.equal(a.summary.blocked, 1);
  assert.deepEqual(a.summary.dialects, ['php-helper']);
  assert.equal(byCode(a, 'DDAS-0004-00')[0]!.severity, 'error');
  assert.ok(codes(a).includes('appsec-enabled'));
});

test('Agent: LogStats traces received (no error) and No data received only when nothing arrives', () => {
  const a = run('agent/trace-agent.log');
  assert.deepEqual(codes(a), ['agent-traces-received']);
  assert.equal(a.summary.tracesReceived, 2);
  assert.match(a.findings[0]!.message, /2 traces from a \.NET tracer 1\.30\.1\.0/);
  const b = run('agent/no-data.log');
  assert.deepEqual(codes(b), ['agent-no-data', 'agent-traces-dropped']);
  assert.equal(b.findings[0]!.range.start.line, 0);
  assert.match(b.findings[0]!.message, /2 times/);
  assert.match(b.findings[1]!.message, /payload_too_large/);
  assert.equal(b.summary.tracesReceived, 0);
});

test('Node.js (real dd-trace 5.132.0 output): unset, http disabled, agent down, attacks', () => {
  const unset = run('nodejs/appsec-unset.log');
  assert.deepEqual(codes(unset), ['appsec-not-configured']);
  assert.equal(unset.summary.appsec, 'not-configured');
  const http = run('nodejs/http-disabled.log');
  assert.deepEqual(
    byCode(http, 'integration-disabled').map((f) => f.range.start.line),
    [0, 8],
  );
  assert.ok(byCode(http, 'integration-disabled').every((f) => /DD_TRACE_DISABLED_PLUGINS/.test(f.message)));
  assert.deepEqual(http.summary.integrations, ['fs', 'net', 'dns', 'router', 'express']);
  const down = run('nodejs/agent-down.log');
  assert.deepEqual(codes(down), ['appsec-enabled', 'agent-unreachable']);
  assert.match(byCode(down, 'agent-unreachable')[0]!.message, /ECONNREFUSED 127\.0\.0\.1:9.*agent_url/);
  const dbg = run('nodejs/debug-attacks.log');
  assert.equal(errors(dbg).length, 0);
  assert.equal(dbg.summary.attacks, 2);
  assert.equal(dbg.summary.blocked, 1);
  assert.deepEqual(dbg.summary.rules, ['ua0-600-12x', 'ua0-600-56x']);
  assert.match(byCode(dbg, 'attack-detected')[0]!.message, /ua0-600-12x "Arachni".*User-Agent "Arachni\/v"/);
  assert.match(byCode(dbg, 'attack-blocked')[0]!.message, /ua0-600-56x.*status 403/);
  assert.equal(dbg.summary.agentReachable, true);
});

test('Ruby 2.x logs under the progname datadog (Datadog::Core::Logger::PREFIX), 1.x under ddtrace: both are Ruby lines', () => {
  // dd-trace-rb @cf0d441e lib/datadog/core/logger.rb: PREFIX = "datadog", messages "[datadog] …".
  const v2 =
    "W, [2026-11-30T10:00:00.123456 #1]  WARN -- datadog: [datadog] (lib/datadog/appsec/component.rb:40:in `build_appsec_component') AppSec is not supported in this environment";
  const v1 = 'D, [2021-12-14T11:03:32.167125 #73127] DEBUG -- ddtrace: [ddtrace] (lib/ddtrace/x.rb:1) y';
  assert.equal(classifyLine(v2).dialect, 'ruby');
  assert.equal(classifyLine(v1).dialect, 'ruby');
  assert.equal(classifyLine('W, [2026-11-30T10:00:00.123456 #1]  WARN -- rails: something').dialect, null);
  assert.equal(analyze(`${v2}\n`).summary.tracer, 'ruby');
});
