// Every message of kb/messages.yaml: its example matches its pattern, holds its literal, and analysing the example
// raises the message's finding. Every DDAS code of kb/ddas.yaml with a template is recognised by its own code.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { kb } from '../../src/core/kb';
import { analyze, codes } from './helpers';

test('every message example holds its literal and matches its pattern', () => {
  const k = kb();
  assert.ok(k.data.messages.length >= 40, `only ${k.data.messages.length} messages`);
  for (const m of k.data.messages) {
    assert.ok(m.example.includes(m.literal), `${m.id}: example lacks literal ${m.literal}`);
    assert.match(m.example, new RegExp(m.pattern), `${m.id}: pattern does not match its example`);
  }
});

test('analysing each message example raises its finding', () => {
  for (const m of kb().data.messages) {
    const a = analyze(m.example + '\n');
    assert.ok(codes(a).includes(m.finding), `${m.id}: expected ${m.finding}, got ${JSON.stringify(codes(a))}`);
  }
});

test('every DDAS code with a template is recognised by its own code, with the catalogue severity', () => {
  const k = kb();
  assert.equal(k.data.ddas.length, 19);
  for (const d of k.data.ddas) {
    for (const [who, t] of Object.entries(d.templates)) {
      const line = t.replace(/\{[^}]*\}/g, 'x');
      const a = analyze(line);
      const f = a.findings.find((x) => x.code === d.code);
      assert.ok(f, `${d.code} (${who}): ${JSON.stringify(codes(a))}`);
      const sev = { error: 'error', warning: 'warning', info: 'information', debug: 'hint' }[d.level];
      assert.equal(f.severity, sev, `${d.code} severity`);
      assert.equal(d.severity, sev, `${d.code}: catalogue severity follows its level`);
    }
  }
});

test('the seed misprint DAS-0011-00 is read as DDAS-0011-00, and the PHP helper typo as DDAS-0012-02', () => {
  const a = analyze('DAS-0011-00: AppSec In-App WAF returned: <full_iaw_output> Took <exec_duration> ms');
  const f = a.findings.find((x) => x.code === 'DDAS-0011-00');
  assert.ok(f);
  assert.match(f.message, /misprint/);
  assert.deepEqual([f.range.start.character, f.range.end.character], [0, 11]);
  const b = analyze('[2024-01-01 10:00:06.500][debug][42] DDAS-0012-01: Blocked attack');
  assert.deepEqual(codes(b).sort(), ['DDAS-0012-02', 'attack-blocked']);
  assert.match(b.findings.find((x) => x.code === 'DDAS-0012-02')!.message, /typo/);
});

test('codes outside the catalogue and look-alikes are ignored', () => {
  assert.deepEqual(codes(analyze('DEBUG:ddtrace.appsec.processor:[DDAS-001-00] Executing AppSec In-App WAF with parameters:')), []);
  assert.deepEqual(codes(analyze('XDDAS-0011-00 and DDAS-0099-00 and DDAS-00110-00')), []);
});

test('agent-traces-dropped: the problems are the warnString after the last "| [tags] -> ", never text spanning an earlier one', () => {
  const real =
    '2021-11-29 21:19:58 CET | TRACE | WARN | (pkg/trace/info/stats.go:115 in LogStats) | [lang:go lang_version:go1.17.1 tracer_version:v1.36.0 endpoint_version:v0.4] -> traces_dropped(payload_too_large:1, decoding_error:2), spans_malformed(duplicate_span_id:1). Enable debug logging for more details.';
  const a = analyze(real);
  assert.deepEqual(codes(a), ['agent-traces-dropped']);
  assert.equal(a.findings[0]!.data?.problems, 'traces_dropped(payload_too_large:1, decoding_error:2), spans_malformed(duplicate_span_id:1)');
  // A bracketed segment before the real one is not taken as tags with the rest as problems.
  const noisy = real.replace('| [lang:go', '| [a] -> x | [lang:go');
  const b = analyze(noisy);
  assert.equal(b.findings[0]!.data?.problems, 'traces_dropped(payload_too_large:1, decoding_error:2), spans_malformed(duplicate_span_id:1)');
  assert.match(b.findings[0]!.message, /from a go tracer v1\.36\.0/);
  assert.equal(b.findings[0]!.range.start.character, noisy.indexOf('[lang:go'));
});

// --- The tracer message catalogue (kb/messages.yaml entries with `versions`, mined from the tracers' sources) ---
const CATALOGUE_DIALECTS = ['java', 'dotnet', 'go', 'ruby', 'php', 'php-helper', 'nodejs', 'agent'];

test('catalogue entries name repo@commit and path, a version range, and their finding carries cause, fix and versions', () => {
  const cat = kb().data.messages.filter((m) => m.versions || m.below);
  assert.ok(cat.length > 0);
  for (const m of cat) {
    const srcs = Array.isArray(m.source) ? m.source : [m.source];
    assert.ok(
      srcs.some((s) => /^DataDog\/[\w.-]{1,60}@[0-9a-f]{7,40} \S{3,}/.test(s)),
      `${m.id}: no "repo@commit path" source in ${JSON.stringify(srcs)}`,
    );
    for (const d of m.dialects) assert.ok(CATALOGUE_DIALECTS.includes(d), `${m.id}: unknown dialect ${d}`);
    const f = analyze(m.example + '\n').findings.find((x) => x.code === m.finding);
    assert.ok(f, `${m.id}: no ${m.finding}`);
    // A start failure quoting a more specific error takes that error's cause (data.causeMessage).
    assert.ok(f.data?.message === m.id || f.data?.causeMessage === m.id, `${m.id}: the finding comes from another message (${String(f.data?.message)})`);
    const why = f.data?.causeMessage === undefined || f.data.causeMessage === m.id ? m : kb().data.messages.find((x) => x.id === f.data?.causeMessage)!;
    if (why !== m) assert.ok(m.cause === undefined || m.cause === 'unexpected', `${m.id}: its own cause ${m.cause} was replaced by ${why.id}'s`);
    if (why.cause) assert.equal(f.data?.cause, why.cause, `${m.id}: cause`);
    const fix = why.fix ?? m.fix;
    if (fix) assert.ok(f.message.includes(fix), `${m.id}: its fix is not in the message: ${f.message}`);
    if (m.finding === 'appsec-start-failed') assert.ok(m.cause, `${m.id}: an appsec-start-failed message names its cause class`);
  }
});

test('a generic start failure quoting a specific error takes its cause and fix; without one it keeps its own', () => {
  const line = '2024/05/02 10:00:00 Datadog Tracer v1.64.0 ERROR: appsec: could not start because of an unexpected error: unsupported OS/Arch: linux/386';
  const f = analyze(line).findings.find((x) => x.code === 'appsec-start-failed')!;
  assert.equal(f.data?.message, 'go-appsec-start-error');
  assert.equal(f.data?.cause, 'unsupported-platform');
  assert.equal(f.data?.causeMessage, 'go-unsupported-os-arch');
  assert.ok(f.message.includes(kb().data.messages.find((x) => x.id === 'go-unsupported-os-arch')!.fix!));
  const plain = analyze('2024/05/02 10:00:00 Datadog Tracer v1.64.0 ERROR: appsec: could not start because of an unexpected error: boom').findings.find(
    (x) => x.code === 'appsec-start-failed',
  )!;
  assert.equal(plain.data?.cause, undefined);
  assert.equal(plain.data?.causeMessage, undefined);
});

test("agent-too-old: raised below the message's minimum version only", () => {
  for (const [line, old] of [
    ['Agent 7.38.2 - Commit: 1e5c5a1 - Serialization version: v5.0.22 - Go version: go1.17.11', true],
    ['Agent 7.41.0-rc.3 - Meta: git.1.abc - Commit: 1e5c5a1 - Serialization version: v5.0.22 - Go version: go1.19', true],
    ['Agent 7.41.1 - Commit: 0a1b2c3 - Serialization version: v5.0.40 - Go version: go1.19.4', false],
    ['Agent 7.57.2 - Commit: 38ba0c7 - Serialization version: v5.0.130 - Go version: go1.22.7', false],
    ['Agent 6.9.0 - Commit: 9a8b7c6 - Serialization version: v4.7.1 - Go version: go1.10.8', true],
    ['Agent 7.100.0 - Commit: 0a1b2c3 - Serialization version: v5.1.0 - Go version: go1.26.1', false],
  ] as const) {
    const a = analyze(line);
    assert.equal(codes(a).includes('agent-too-old'), old, line);
    if (old) assert.match(a.findings.find((f) => f.code === 'agent-too-old')!.message, /7\.41\.1/);
  }
});

test('the catalogue holds at least 120 messages, with mined entries for every tracer, the helper and the Agent', () => {
  const all = kb().data.messages;
  assert.ok(all.length >= 120, `${all.length} messages`);
  const mined = all.filter((m) => (Array.isArray(m.source) ? m.source : [m.source]).some((s) => /^DataDog\/[\w.-]{1,60}@[0-9a-f]{7,40} /.test(s)));
  for (const d of CATALOGUE_DIALECTS) {
    const n = mined.filter((m) => m.dialects.includes(d)).length;
    assert.ok(n >= 5, `${d}: only ${n} mined messages`);
  }
});
