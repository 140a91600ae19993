// Python (dd-trace-py) as the seventh tracer: line classification, the startup line as a dict repr (v2.2.0+) and as
// JSON (before), its keys, the debug and failure lines, integrations, language detection, hovers and the kb entries.
// Fixtures: test/fixtures/logs/python (README.md names the format strings each line is built from).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { classifyLine } from '../../src/core/log/dialect';
import { parsePyRepr } from '../../src/core/log/pyrepr';
import { detectLanguage, enableInstructionsMarkdown } from '../../src/core/language';
import { hoverAt } from '../../src/core/hover';
import { kb } from '../../src/core/kb';
import { analyze, byCode, codes, fixture } from '../log/helpers';

const FIX = path.resolve(__dirname, '../../../test/python/fixtures');

test('Python prefixes: the file handler format, with log injection, logging basicConfig, and raw startup lines', () => {
  const file = classifyLine('2026-11-30 10:00:00,123 WARNING [ddtrace.appsec._listeners] [_listeners.py:39] - Disabling AppSec: x');
  assert.deepEqual([file.dialect, file.level], ['python', 'warn']);
  assert.equal('2026-11-30 10:00:00,123 WARNING [ddtrace.appsec._listeners] [_listeners.py:39] - '.length, file.messageStart);
  const inj = classifyLine(
    '2026-11-30 10:00:00,123 INFO [ddtrace._trace.tracer] [tracer.py:407] [dd.service=web dd.env=prod dd.version=1 dd.trace_id=0 dd.span_id=0] - - DATADOG TRACER CONFIGURATION - {}',
  );
  assert.deepEqual([inj.dialect, inj.level], ['python', 'info']);
  const basic = classifyLine('DEBUG:ddtrace.appsec.processor:[DDAS-001-00] Executing AppSec In-App WAF with parameters: {}');
  assert.deepEqual([basic.dialect, basic.level, basic.messageStart], ['python', 'debug', 'DEBUG:ddtrace.appsec.processor:'.length]);
  assert.equal(classifyLine("- DATADOG TRACER CONFIGURATION - {'version': '3.1.0'}").dialect, 'python');
  // Not Python: another app's logger, a .NET line (dot before the milliseconds), Go's DEBUG prefix.
  assert.equal(classifyLine('2026-11-30 10:00:00,123 INFO [myapp.views] [views.py:3] - hello').dialect, null);
  assert.equal(classifyLine('DEBUG:myapp:hello').dialect, null);
  assert.equal(classifyLine('2023-12-06 11:29:18.051 +00:00 [INF] AppSec is now Enabled').dialect, 'dotnet');
  assert.equal(classifyLine('Datadog Tracer v1.36.0 DEBUG: x').dialect, 'go');
});

test('parsePyRepr reads what CPython prints, keeps non-literals as text, tolerates cut input', () => {
  const v = parsePyRepr(
    `{'a': True, 'b': None, 'c': 'it\\'s', "d": "it's", 'e': [1, 2.5, -3], 'f': {'g': False}, 'h': ddtrace.X(service, y), 'i': <object at 0x7f>, 'j': (1,)}`,
  );
  assert.equal(v.complete, true);
  assert.deepEqual(v.value, {
    a: true,
    b: null,
    c: "it's",
    d: "it's",
    e: [1, 2.5, -3],
    f: { g: false },
    h: 'ddtrace.X(service, y)',
    i: '<object at 0x7f>',
    j: [1],
  });
  const cut = parsePyRepr("{'version': '3.1.0', 'asm_enabled': True, 'integrations': {'flask': {'enabled': Tr");
  assert.equal(cut.complete, false);
  assert.deepEqual(cut.value, { version: '3.1.0', asm_enabled: true, integrations: { flask: {} } });
  // Deep nesting is capped, never a stack overflow; a 1 MB unterminated string ends.
  assert.ok(parsePyRepr('['.repeat(100000)).end > 0);
  assert.equal(parsePyRepr("{'k': '" + 'x'.repeat(1 << 20)).complete, false);
});

test('startup repr (2.2.0+): ASM on, framework instrumented, an IntegrationConfig(…) value does not stop the parse', () => {
  const a = analyze(fixture('python/startup-repr-enabled.log'));
  assert.deepEqual(codes(a), ['appsec-enabled']);
  assert.equal(a.summary.tracer, 'python');
  assert.equal(a.summary.version, '3.12.0');
  assert.equal(a.summary.appsec, 'enabled');
  assert.deepEqual(a.summary.integrations, ['flask', 'requests']);
  const f = byCode(a, 'appsec-enabled')[0]!;
  const line = fixture('python/startup-repr-enabled.log').split('\n')[0]!;
  assert.equal(line.slice(f.range.start.character, f.range.end.character), "'asm_enabled': True");
});

test('startup repr: ASM off, Remote Configuration off, agent error, framework disabled', () => {
  const a = analyze(fixture('python/startup-repr-disabled.log'));
  assert.deepEqual(codes(a).sort(), ['agent-unreachable', 'agent-unreachable', 'appsec-disabled', 'integration-disabled', 'remote-config-disabled']);
  assert.equal(a.summary.appsec, 'disabled');
  assert.equal(a.summary.agentReachable, false);
  assert.deepEqual(a.summary.disabledIntegrations, ['flask']);
  assert.match(byCode(a, 'integration-disabled')[0]!.message, /flask/);
  assert.match(byCode(a, 'remote-config-disabled')[0]!.message, /1-click activation/);
  assert.match(byCode(a, 'appsec-disabled')[0]!.message, /DD_APPSEC_ENABLED=true/);
});

test('startup repr: ddtrace_enabled False is tracer-disabled, and asm_enabled then claims nothing', () => {
  const a = analyze(fixture('python/startup-repr-tracer-off.log'));
  assert.deepEqual(codes(a), ['tracer-disabled']);
  assert.equal(a.summary.appsec, 'disabled');
});

test('startup JSON (before 2.2.0): asm_enabled read; before 1.13.0 no ASM field, so no verdict', () => {
  const a = analyze(fixture('python/startup-json-enabled.log'));
  assert.deepEqual(codes(a), ['appsec-enabled']);
  assert.equal(a.summary.version, '1.20.3');
  const old = analyze(fixture('python/startup-json-1.5.log'));
  assert.deepEqual(codes(old), []);
  assert.equal(old.summary.tracer, 'python');
  assert.equal(old.summary.appsec, 'unknown');
  // A 1.13 line with the env string "false" for remote_config_enabled; a version before ASM existed.
  const rc = analyze(
    '2023-06-01 10:00:00,123 INFO [ddtrace.tracer] [tracer.py:369] - - DATADOG TRACER CONFIGURATION - {"version": "1.13.0", "lang": "python", "asm_enabled": true, "remote_config_enabled": "false"}',
  );
  assert.deepEqual(codes(rc).sort(), ['appsec-enabled', 'remote-config-disabled']);
  const tooOld = analyze(`- DATADOG TRACER CONFIGURATION - {'version': '0.57.0', 'lang': 'python'}`);
  assert.deepEqual(codes(tooOld), ['tracer-too-old']);
});

test('debug lines: [DDAS-001-00] and [DDAS-011-00] (1.9.0+) and the 2022 form say ASM runs; the old form names 1.9.0', () => {
  const a = analyze(fixture('python/appsec-debug.log'));
  assert.deepEqual(codes(a), ['appsec-enabled', 'appsec-enabled']);
  assert.equal(a.summary.tracer, 'python');
  const old = analyze(fixture('python/appsec-debug-2022.log'));
  assert.deepEqual(codes(old), ['appsec-enabled', 'appsec-enabled']);
  assert.match(old.findings[0]!.message, /1\.9\.0/);
  // Hover on the Python 3-digit codes comes from the kb messages (the catalogue's 4-digit codes have their own).
  const h = hoverAt('DEBUG:ddtrace.appsec.processor:[DDAS-001-00] Executing AppSec In-App WAF with parameters: {}', 35);
  assert.ok(h);
  assert.match(h.markdown, /1\.9\.0/);
  assert.ok(hoverAt('[DDAS-011-00] ASM In-App WAF returned: []', 3)!.markdown.includes('Timeout True'));
  assert.equal(hoverAt('[DDAS-099-00] something', 3), null);
});

test('AppSec failures: libddwaf, rules file, WAF init are appsec-start-failed; the RC worker line is remote-config-disabled', () => {
  const a = analyze(fixture('python/appsec-failures.log'));
  assert.deepEqual(
    byCode(a, 'appsec-start-failed').map((f) => f.range.start.line),
    [0, 1, 2],
  );
  assert.match(byCode(a, 'appsec-start-failed')[0]!.message, /libddwaf\.so: cannot open shared object file/);
  assert.equal(byCode(a, 'remote-config-disabled').length, 1);
  assert.equal(a.summary.appsec, 'disabled');
});

test('startup-key hovers in the repr form', () => {
  const line = "- DATADOG TRACER CONFIGURATION - {'asm_enabled': True, 'waf_timeout': 5.0}";
  const h = hoverAt(line, line.indexOf('waf_timeout') + 2);
  assert.ok(h);
  assert.match(h.markdown, /milliseconds/);
});

test('workspace detection: requirements.txt; ddtrace-run in a Procfile; a Dockerfile without it says nothing', async () => {
  const req = await detectLanguage({ workspaceDir: path.join(FIX, 'lang-python-req') });
  assert.deepEqual([req.language, path.basename(req.file ?? '')], ['python', 'requirements.txt']);
  const proc = await detectLanguage({ workspaceDir: path.join(FIX, 'lang-python-procfile') });
  assert.deepEqual([proc.language, path.basename(proc.file ?? '')], ['python', 'Procfile']);
  const plain = await detectLanguage({ workspaceDir: path.join(FIX, 'lang-docker-plain') });
  assert.equal(plain.language, null);
});

test('kb: Python tracer, integrations, steps and enable instructions', () => {
  const t = kb().tracer('python');
  assert.equal(t.appsecField, 'asm_enabled');
  assert.deepEqual(kb().integrations('python')!.required.slice(0, 2), ['wsgi', 'asgi']);
  assert.ok(kb().step('running')!.languages!.python!.length >= 2);
  const md = enableInstructionsMarkdown('python');
  assert.match(md, /^## Python \(detected\)$/m);
  assert.ok(md.includes('ddtrace-run'));
});

test('blocking API called while ASM is off: appsec-disabled', () => {
  const a = analyze(
    '2026-11-30 10:00:02,001 WARNING [ddtrace.appsec._trace_utils] [_trace_utils.py:356] - block_request() is disabled. To use this feature please enable, Application Security Monitoring\n',
  );
  assert.deepEqual(codes(a), ['appsec-disabled']);
  assert.equal(a.summary.tracer, 'python');
});

test('check --json on the Python fixtures: each file with its codes', async () => {
  const { spawnSync } = await import('node:child_process');
  const dir = path.resolve(__dirname, '../../../test/fixtures/logs/python');
  const r = spawnSync(process.execPath, [path.resolve('dist/cli.js'), 'check', '--json', dir], { encoding: 'utf8' });
  const j = JSON.parse(r.stdout) as { files: { path: string; findings: { code: string }[]; summary: { tracer: string } }[] };
  const got = Object.fromEntries(
    j.files.map((f) => [
      path.basename(f.path),
      f.findings
        .map((x) => x.code)
        .sort()
        .join(','),
    ]),
  );
  assert.deepEqual(got, {
    'appsec-debug-2022.log': 'appsec-enabled,appsec-enabled',
    'appsec-debug.log': 'appsec-enabled,appsec-enabled',
    'appsec-failures.log': 'appsec-start-failed,appsec-start-failed,appsec-start-failed,remote-config-disabled',
    'startup-json-1.5.log': '',
    'startup-json-enabled.log': 'appsec-enabled',
    'startup-repr-disabled.log': 'agent-unreachable,agent-unreachable,appsec-disabled,integration-disabled,remote-config-disabled',
    'startup-repr-enabled.log': 'appsec-enabled',
    'startup-repr-tracer-off.log': 'tracer-disabled',
  });
  assert.ok(j.files.every((f) => f.summary.tracer === 'python'));
  assert.equal(r.status, 1);
});

test('a WAF run that hit its timeout (Timeout True) is appsec-waf-error; Timeout False is not', () => {
  const t = analyze(
    '2026-11-30 10:00:01,004 DEBUG [ddtrace.appsec._processor] [_processor.py:379] - [DDAS-011-00] ASM In-App WAF returned: []. Timeout True\n',
  );
  assert.deepEqual(codes(t), ['appsec-waf-error']);
  assert.match(t.findings[0]!.message, /milliseconds/);
  const f = analyze(
    '2026-11-30 10:00:01,004 DEBUG [ddtrace.appsec._processor] [_processor.py:379] - [DDAS-011-00] ASM In-App WAF returned: []. Timeout False\n',
  );
  assert.deepEqual(codes(f), ['appsec-enabled']);
});
