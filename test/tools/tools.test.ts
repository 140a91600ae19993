// Diagnostic tools' outputs recognised by content and turned into the same findings as logs: php --ri ddappsec /
// ddtrace, ddtrace-run --info (colours, -nc, before 1.13.0), dd-dotnet check, datadog-setup.php config list.
// Fixtures: test/fixtures/tools (README.md names the source of each format).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { analyzeLogText } from '../../src/core/log/analyzer';

const DIR = path.resolve(__dirname, '../../../test/fixtures/tools');
const read = (f: string) => readFileSync(path.join(DIR, f), 'utf8');
const run = (f: string) => analyzeLogText(read(f));
const codes = (f: string) => run(f).findings.map((x) => x.code);
const one = (f: string, code: string) => {
  const all = run(f).findings.filter((x) => x.code === code);
  assert.equal(all.length, 1, `${f}: one ${code}, got ${all.length}`);
  return all[0]!;
};

test('php --ri ddappsec: state, remote config, helper connection (a warning: expected in the CLI)', () => {
  assert.deepEqual(codes('php-ri-ddappsec.txt'), ['tool-output', 'appsec-disabled', 'php-helper-connection-failed']);
  const a = run('php-ri-ddappsec.txt');
  assert.equal(a.summary.tracer, 'php');
  assert.equal(a.summary.appsec, 'disabled');
  assert.equal(one('php-ri-ddappsec.txt', 'php-helper-connection-failed').severity, 'warning');
  assert.match(one('php-ri-ddappsec.txt', 'tool-output').message, /state managed by Remote Configuration: No/);
  assert.deepEqual(codes('php-ri-ddappsec-rc.txt'), ['tool-output', 'appsec-not-configured']);
  assert.match(one('php-ri-ddappsec-rc.txt', 'tool-output').message, /Remote Configuration: Yes/);
});

test('php --ri ddtrace: Diagnostics agent_error and failed checks; the pretty-printed JSON is not misread', () => {
  assert.deepEqual(codes('php-ri-ddtrace.txt'), ['tool-output', 'agent-unreachable', 'tool-check-failed']);
  assert.equal(run('php-ri-ddtrace.txt').summary.agentReachable, false);
  assert.deepEqual(
    analyzeLogText('Datadog PHP tracer extension\nDatadog tracing support => disabled\n').findings.map((f) => f.code),
    ['tool-output', 'tracer-disabled'],
  );
});

test('ddtrace-run --info: with ANSI colours and with -nc the same lines count; before 1.13.0 the missing ASM lines say so', () => {
  assert.deepEqual(codes('ddtrace-run-info-ansi.txt'), ['tool-output', 'appsec-disabled', 'remote-config-disabled', 'agent-unreachable']);
  assert.ok(read('ddtrace-run-info-ansi.txt').includes('\u001b[94m'), 'the fixture has colours');
  assert.equal(run('ddtrace-run-info-ansi.txt').summary.tracer, 'python');
  assert.deepEqual(codes('ddtrace-run-info-nc.txt'), ['tool-output', 'appsec-enabled']);
  const old = one('ddtrace-run-info-1.12.txt', 'tool-output');
  assert.match(old.message, /older than 1\.13\.0/);
  assert.deepEqual(codes('ddtrace-run-info-1.12.txt'), ['tool-output']);
  assert.doesNotMatch(one('ddtrace-run-info-nc.txt', 'tool-output').message, /older than/);
});

test('dd-dotnet check: [FAILURE] lines, the specific ones once (tracing off, Agent), and the AppSec layer it lacks', () => {
  assert.deepEqual(codes('dd-dotnet-check-process.txt'), ['tool-output', 'tool-check-failed', 'tracer-disabled', 'agent-unreachable']);
  assert.match(one('dd-dotnet-check-process.txt', 'tool-check-failed').message, /native tracer library is not loaded/);
  assert.match(one('dd-dotnet-check-process.txt', 'tool-output').message, /checks no AppSec setting: check DD_APPSEC_ENABLED=true/);
  assert.equal(run('dd-dotnet-check-process.txt').summary.tracer, 'dotnet');
  assert.deepEqual(codes('dd-dotnet-check-agent-ok.txt'), ['tool-output', 'agent-reachable']);
  // With colours (Spectre's ANSI), the failure text is reported without the escape codes.
  const col = analyzeLogText(
    '---- STARTING TRACER SETUP CHECKS -----\n\u001b[31m [FAILURE]: The native loader library is not loaded into the process\u001b[0m\n',
  );
  const f = col.findings.find((x) => x.code === 'tool-check-failed')!;
  assert.ok(f && !f.message.includes('\u001b'), f?.message);
});

test('datadog-setup.php config list: which ini file sets datadog.appsec.enabled, per PHP binary', () => {
  assert.deepEqual(codes('datadog-setup-config-list.txt'), ['appsec-disabled', 'tool-output']);
  const t = one('datadog-setup-config-list.txt', 'tool-output');
  assert.match(t.message, /datadog\.appsec\.enabled = Off for \/usr\/sbin\/php-fpm8\.2 in \/etc\/php\/8\.2\/fpm\/conf\.d\/98-ddappsec\.ini/);
  assert.match(t.message, /datadog\.appsec\.enabled = 1 for \/usr\/bin\/php8\.2/);
  assert.equal(one('datadog-setup-config-list.txt', 'appsec-disabled').range.start.line, 1);
  const none = analyzeLogText('datadog.trace.enabled = On; default: 1, binary: /usr/bin/php, INI file: /etc/php/conf.d/98-ddtrace.ini\n');
  assert.match(none.findings[0]!.message, /no ini file sets datadog\.appsec\.enabled/);
});

test('check --json on the tool outputs: each recognised, with its codes', () => {
  const r = spawnSync(process.execPath, [path.resolve('dist/cli.js'), 'check', '--json', DIR], { encoding: 'utf8' });
  const j = JSON.parse(r.stdout) as { files: { path: string; findings: { code: string }[] }[] };
  const txt = j.files.filter((f) => f.path.endsWith('.txt'));
  assert.equal(txt.length, 9);
  for (const f of txt)
    assert.ok(
      f.findings.some((x) => x.code === 'tool-output'),
      f.path,
    );
});

test('hovers on tool rows come from the kb entries of their values', async () => {
  const { hoverAt } = await import('../../src/core/hover');
  const h = hoverAt('Current state => Not configured', 3);
  assert.ok(h);
  assert.match(h.markdown, /Remote Configuration \(1-click activation\)/);
  assert.match(h.markdown, /`Current state => Disabled`/);
  assert.match(hoverAt('    Application Security enabled: True', 8)!.markdown, /DD_APPSEC_ENABLED/);
  assert.equal(hoverAt('Something else => x', 3), null);
});
