// The ini rules on their own (pure core): each stable code on a broken line, nothing on clean files, every fix applied
// byte for byte, the debug preset in both eras, and fast-check properties: any fix on garbage-filled files stays in its
// span and never throws.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { analyzeIni, MAX_INI_FINDINGS } from '../../src/core/ini/analyze';
import { editDistance } from '../../src/core/ini/model';
import { parseIni, printIni } from '../../src/core/ini/parse';
import { mergeEdits } from '../../src/server/codeActions';
import type { Finding, Fix, TextEdit } from '../../src/core/finding';
import { applyEdits, lineStarts } from '../support/lspClient';

const codes = (text: string, opts: { dedicated?: boolean; path?: string } = {}) => analyzeIni(text, opts).findings.map((f) => `${f.range.start.line}:${f.code}`);
const find = (text: string, code: string, opts: { dedicated?: boolean; path?: string } = {}) => {
  const f = analyzeIni(text, opts).findings.filter((x) => x.code === code);
  assert.ok(f.length, `no ${code} in ${JSON.stringify(text)}: ${codes(text, opts).join(', ')}`);
  return f;
};
const preferred = (f: Finding): Fix => {
  const x = f.fixes?.find((y) => y.isPreferred);
  assert.ok(x, `${f.code} has no preferred fix: ${JSON.stringify(f.fixes)}`);
  return x;
};
/** Applies every preferred fix of `code` at once, as "Fix all in file" does. */
const fixAll = (text: string, code: string) => applyEdits(text, mergeEdits(analyzeIni(text).findings.filter((f) => f.code === code && f.fixes?.some((x) => x.isPreferred)).flatMap((f) => preferred(f).edits)));

test('clean files give nothing: dedicated v0.2+, dd-trace-php 98-ddtrace.ini, and a php.ini with unrelated lines', () => {
  for (const name of ['98-ddappsec.ini', '98-ddtrace.ini']) assert.deepEqual(codes(readFileSync(`test/fixtures/ini/clean/${name}`, 'utf8'), { path: `/tmp/${name}` }), [], name);
  assert.deepEqual(codes(readFileSync('test/fixtures/ini/clean/php.ini', 'utf8'), { dedicated: false, path: '/tmp/php.ini' }), []);
  assert.deepEqual(codes(''), []);
  assert.deepEqual(codes('\ufeff; only a comment\r\n'), []);
});

test('php.ini mode checks only AppSec lines: typographic quotes and garbage elsewhere are not ours', () => {
  const text = 'memory_limit = ‘128M’\nnot a setting at all\ndatadog.appsec.log_level = ‘debug’\n';
  assert.deepEqual(codes(text, { dedicated: false }), ['2:ini-smart-quotes']);
  assert.deepEqual(codes(text, { dedicated: true }), ['0:ini-smart-quotes', '1:ini-syntax', '2:ini-smart-quotes']);
});

test('ini-smart-quotes: ‘ ’ “ ” around or inside; the fix straightens only the value', () => {
  const text = "a=1\nddappsec.log_level=‘debug’\ndatadog.appsec.log_file=’tmp/extension.log’\ndatadog.appsec.helper_extra_args = --log_level=“debug” ; c\n";
  const f = find(text, 'ini-smart-quotes');
  assert.equal(f.length, 3);
  assert.match(f[0]!.message, /falls back to error/);
  assert.equal(applyEdits(text, preferred(f[0]!).edits), "a=1\nddappsec.log_level='debug'\ndatadog.appsec.log_file=’tmp/extension.log’\ndatadog.appsec.helper_extra_args = --log_level=“debug” ; c\n");
  assert.equal(fixAll(text, 'ini-smart-quotes'), "a=1\nddappsec.log_level='debug'\ndatadog.appsec.log_file='tmp/extension.log'\ndatadog.appsec.helper_extra_args = --log_level=\"debug\" ; c\n");
});

test('ini-unknown-setting: did-you-mean for typos, near-miss prefixes and case; tracer keys are left alone', () => {
  const text = 'datadog.appsec.log_levl = debug\nddapsec.enabled = 1\ndatadog.appsec_enabled = 1\nDatadog.AppSec.Enabled = 1\ndatadog.trace.enabled = 1\nddtrace.request_init_hook = /x.php\ndatadog.appsec.frobnicate = 1\n';
  const f = find(text, 'ini-unknown-setting');
  assert.deepEqual(f.map((x) => [x.range.start.line, (x.data as { suggestions: string[] }).suggestions]), [
    [0, ['datadog.appsec.log_level']],
    [1, ['ddappsec.enabled']],
    [2, ['datadog.appsec.enabled']],
    [3, ['datadog.appsec.enabled']],
    [6, []],
  ]);
  assert.match(f[3]!.message, /case-sensitive/);
  assert.match(f[0]!.message, /Did you mean `datadog\.appsec\.log_level`/);
  assert.equal(fixAll(text, 'ini-unknown-setting'), 'datadog.appsec.log_level = debug\nddappsec.enabled = 1\ndatadog.appsec.enabled = 1\ndatadog.appsec.enabled = 1\ndatadog.trace.enabled = 1\nddtrace.request_init_hook = /x.php\ndatadog.appsec.frobnicate = 1\n');
});

test('ini-invalid-value: booleans, integers and ranges, log levels (fallback to error), args, waf_timeout in ms', () => {
  const text = 'datadog.appsec.enabled = maybe\ndatadog.appsec.log_level = debgu\ndatadog.appsec.trace_rate_limit = -5\ndatadog.appsec.waf_timeout = 10\ndatadog.appsec.helper_extra_args = -log_level=debug\ndatadog.appsec.log_level = WARNING\ndatadog.appsec.helper_extra_args = --log_level debug --log_level=loud\n';
  const f = find(text, 'ini-invalid-value');
  assert.deepEqual(f.map((x) => x.range.start.line), [0, 1, 2, 3, 4, 6]);
  assert.match(f[1]!.message, /falls back to the level error/);
  assert.equal(f[3]!.severity, 'warning');
  assert.match(f[3]!.message, /microseconds/);
  assert.equal(applyEdits(text, preferred(f[1]!).edits).split('\n')[1], 'datadog.appsec.log_level = debug');
  assert.equal(applyEdits(text, preferred(f[3]!).edits).split('\n')[3], 'datadog.appsec.waf_timeout = 10000');
  assert.equal(applyEdits(text, preferred(f[4]!).edits).split('\n')[4], 'datadog.appsec.helper_extra_args = --log_level=debug');
  assert.equal(f[0]!.fixes!.some((x) => x.isPreferred), false, 'on or off is the user\'s choice');
});

test('ini-invalid-value: every spelling PHP reads as a boolean is accepted (none and null are off), case-insensitive', () => {
  const ok = ['1', '0', 'true', 'False', 'on', 'OFF', 'yes', 'no', 'none', 'None', 'null', 'NULL', ''];
  const text = ok.map((v) => `datadog.appsec.block = ${v}\n[PATH=/srv/${v || 'empty'}]\n`).join('');
  assert.deepEqual(codes(text).filter((c) => c.endsWith('ini-invalid-value')), []);
  assert.deepEqual(codes('datadog.appsec.block = nope\n'), ['0:ini-invalid-value']);
});

test('ini-relative-path: the seed\'s ’tmp/extension.log’, fixed by inserting / only', () => {
  const text = 'ddappsec.log_file=’tmp/extension.log’\r\ndatadog.appsec.helper_log_file = helper.log\r\ndatadog.appsec.log_file = syslog\r\n';
  const f = find(text, 'ini-relative-path');
  assert.equal(f.length, 2);
  assert.deepEqual(preferred(f[0]!).edits, [{ range: { start: { line: 0, character: 19 }, end: { line: 0, character: 19 } }, newText: '/' }]);
  assert.equal(fixAll(text, 'ini-relative-path'), 'ddappsec.log_file=’/tmp/extension.log’\r\ndatadog.appsec.helper_log_file = /tmp/helper.log\r\ndatadog.appsec.log_file = syslog\r\n');
});

test('${VAR} values (PHP expands them when reading the file) are not judged: no relative path, no invalid value; single-quoted ones are raw', () => {
  const text = 'datadog.appsec.rules = ${RULES_PATH}\ndatadog.appsec.log_file = "${LOG_DIR}/appsec.log"\ndatadog.appsec.helper_runtime_path = ${RUN}\ndatadog.appsec.enabled = ${APPSEC_ON}\ndatadog.appsec.waf_timeout = "${WAF_US}"\ndatadog.appsec.rules = \'${RAW}/r.json\'\n';
  assert.deepEqual(codes(text, { path: '/tmp/98-ddappsec.ini' }), ['0:ini-duplicate-setting', '5:ini-relative-path']);
});

test('ini-placeholder: the guide\'s /<directory with compatible permissions>/ moved to /var/run/ddappsec/', () => {
  const text = 'ddappsec.helper_socket_path = /<directory with compatible permissions>/ddappsec.sock\nddappsec.helper_lock_path = "/<directory with compatible permissions>/ddappsec.lock"\ndatadog.appsec.helper_runtime_path = /<dir>/\ndatadog.appsec.rules = /<path to rules>.json\n';
  const f = find(text, 'ini-placeholder');
  assert.equal(f.length, 4);
  assert.equal(f[3]!.fixes, undefined, 'no guess for the rules file');
  assert.equal(fixAll(text, 'ini-placeholder'), 'ddappsec.helper_socket_path = /var/run/ddappsec/ddappsec.sock\nddappsec.helper_lock_path = "/var/run/ddappsec/ddappsec.lock"\ndatadog.appsec.helper_runtime_path = /var/run/ddappsec/\ndatadog.appsec.rules = /<path to rules>.json\n');
});

test('ini-legacy-name: v0.1 names migrate; socket + lock become one helper_runtime_path; an existing current name wins', () => {
  const text = '; v0.1\nddappsec.enabled = 1\nddappsec.helper_socket_path = /var/lib/dd/ddappsec.sock\nddappsec.helper_lock_path = /var/lib/dd/ddappsec.lock\ndatadog.appsec.rules_path = /etc/r.json\nddappsec.log_level = debug\ndatadog.appsec.log_level = info\ndatadog.appsec.ipheader = x-ip\nddappsec.waf_timeout = 10000';
  const f = find(text, 'ini-legacy-name');
  assert.deepEqual(f.map((x) => x.range.start.line), [1, 2, 3, 4, 5, 7, 8]);
  assert.match(f[5]!.message, /removed after extension 0\.4\.x; use datadog\.trace\.client_ip_header/);
  assert.equal(f[5]!.fixes, undefined);
  assert.equal(
    fixAll(text, 'ini-legacy-name'),
    '; v0.1\ndatadog.appsec.enabled = 1\ndatadog.appsec.helper_runtime_path = /var/lib/dd/\ndatadog.appsec.rules = /etc/r.json\ndatadog.appsec.log_level = info\ndatadog.appsec.ipheader = x-ip\ndatadog.appsec.waf_timeout = 10000',
  );
});

test('ini-legacy-name: two lines migrating to one name with different values: worded as the other fix, no preferred delete', () => {
  const text = 'ddappsec.enabled = true\nddappsec.helper_socket_path = /var/run/x/ddappsec.sock\nddappsec.helper_runtime_path = /tmp/\nddappsec.helper_lock_path = /var/lock/ddappsec.lock\n';
  const f = find(text, 'ini-legacy-name');
  assert.deepEqual(f.map((x) => x.range.start.line), [0, 1, 2, 3]);
  assert.equal(
    f[2]!.message,
    "`ddappsec.helper_runtime_path` never existed: extension v0.1 (ddappsec.*) had no helper_runtime_path; it is `datadog.appsec.helper_runtime_path` since v0.2. Line 2's fix also migrates to `datadog.appsec.helper_runtime_path`; keep one: remove this line, or migrate this one (`datadog.appsec.helper_runtime_path = /tmp/`) and remove line 2.",
  );
  assert.doesNotMatch(f[2]!.message, /already set/);
  assert.deepEqual(f[2]!.fixes!.map((x) => [x.title, x.isPreferred]), [
    ['Remove ddappsec.helper_runtime_path (line 2\'s fix migrates to datadog.appsec.helper_runtime_path)', false],
    ['Rename to datadog.appsec.helper_runtime_path, keeping this value (then remove line 2)', false],
  ]);
  assert.equal(applyEdits(text, f[2]!.fixes![0]!.edits), 'ddappsec.enabled = true\nddappsec.helper_socket_path = /var/run/x/ddappsec.sock\nddappsec.helper_lock_path = /var/lock/ddappsec.lock\n');
  assert.equal(applyEdits(text, f[2]!.fixes![1]!.edits), 'ddappsec.enabled = true\nddappsec.helper_socket_path = /var/run/x/ddappsec.sock\ndatadog.appsec.helper_runtime_path = /tmp/\nddappsec.helper_lock_path = /var/lock/ddappsec.lock\n');
  // The lock in another directory: same wording, no preferred fix.
  assert.match(f[3]!.message, /Line 2's fix also migrates to `datadog\.appsec\.helper_runtime_path`; keep one: remove this line, or migrate this one \(`datadog\.appsec\.helper_runtime_path = \/var\/lock\/`\) and remove line 2\.$/);
  assert.equal(f[3]!.fixes!.some((x) => x.isPreferred), false);
  // Fix-all migrates the first and deletes no value the user set.
  assert.equal(fixAll(text, 'ini-legacy-name'), 'datadog.appsec.enabled = true\ndatadog.appsec.helper_runtime_path = /var/run/x/\nddappsec.helper_runtime_path = /tmp/\nddappsec.helper_lock_path = /var/lock/ddappsec.lock\n');
  // Socket and lock in one directory: removing the second loses nothing, so that stays the preferred fix.
  const same = 'ddappsec.helper_socket_path = /var/lib/dd/ddappsec.sock\nddappsec.helper_lock_path = "/var/lib/dd/ddappsec.lock"\n';
  const g = find(same, 'ini-legacy-name');
  assert.equal(g[1]!.message.endsWith("Line 1's fix also migrates to `datadog.appsec.helper_runtime_path = /var/lib/dd/`, the same value: remove this line."), true, g[1]!.message);
  assert.equal(fixAll(same, 'ini-legacy-name'), 'datadog.appsec.helper_runtime_path = /var/lib/dd/\n');
});

test('ini-duplicate-setting: on the earlier line, says which value wins; the fix deletes the whole line and keeps CRLF', () => {
  const text = '\ufeffdatadog.appsec.log_level = info\r\ndatadog.appsec.enabled = 1\r\ndatadog.appsec.log_level = warn\r\n[PATH=/var/www]\r\ndatadog.appsec.log_level = debug';
  const f = find(text, 'ini-duplicate-setting');
  assert.equal(f.length, 1, '[PATH=] is its own scope');
  assert.match(f[0]!.message, /line 3; PHP keeps the last value \(`warn`\)/);
  assert.equal(f[0]!.range.start.character, 1, 'line 0 counts the BOM');
  assert.equal(applyEdits(text, preferred(f[0]!).edits), '\ufeffdatadog.appsec.enabled = 1\r\ndatadog.appsec.log_level = warn\r\n[PATH=/var/www]\r\ndatadog.appsec.log_level = debug');
  const three = 'x.y=1\ndatadog.appsec.enabled = 1\ndatadog.appsec.enabled = 0\ndatadog.appsec.enabled = true\n';
  assert.equal(fixAll(three, 'ini-duplicate-setting'), 'x.y=1\ndatadog.appsec.enabled = true\n', 'adjacent deletions do not clash');
});

test('ini-unwritable-path: checked on disk for local files only, moved to /var/run/ddappsec/', () => {
  const text = 'datadog.appsec.helper_runtime_path = /nonexistent-asm-test/run/\nddappsec.helper_socket_path = /nonexistent-asm-test/ddappsec.sock\ndatadog.appsec.helper_log_file = /nonexistent-asm-test/helper.log\ndatadog.appsec.helper_log_file = /etc/hostname/helper.log\ndatadog.appsec.helper_runtime_path = /tmp/\n';
  assert.deepEqual(codes(text).filter((c) => c.includes('unwritable')), [], 'no path: untitled or remote');
  const f = find(text, 'ini-unwritable-path', { path: '/tmp/98-ddappsec.ini' });
  assert.deepEqual(f.map((x) => x.range.start.line), [0, 1, 2, 3]);
  assert.match(f[0]!.message, /does not exist/);
  assert.match(f[3]!.message, /is not a directory/);
  assert.equal(applyEdits(text, preferred(f[0]!).edits).split('\n')[0], 'datadog.appsec.helper_runtime_path = /var/run/ddappsec/');
  assert.equal(applyEdits(text, preferred(f[1]!).edits).split('\n')[1], 'ddappsec.helper_socket_path = /var/run/ddappsec/ddappsec.sock');
  assert.equal(applyEdits(text, preferred(f[2]!).edits).split('\n')[2], 'datadog.appsec.helper_log_file = /tmp/helper.log');
});

test('ini-syntax: unclosed section, a key without =, an empty name; the = fix', () => {
  const text = '[appsec\ndatadog.appsec.enabled 1\n= 1\nbare\n';
  const f = find(text, 'ini-syntax');
  assert.deepEqual(f.map((x) => x.range.start.line), [0, 1, 2, 3]);
  assert.match(f[0]!.message, /stops reading the file/);
  assert.equal(applyEdits(text, preferred(f[1]!).edits), '[appsec\ndatadog.appsec.enabled = 1\n= 1\nbare\n');
});

test('debug preset: the file\'s era, existing keys updated (the winning line), missing ones appended in the file\'s style', () => {
  const src = (t: string) => analyzeIni(t).sourceFixes;
  // v0.1 file: ddappsec.* names; CRLF; no final newline stays without one
  let t = 'ddappsec.enabled = 1\r\nddappsec.log_level = ‘info’';
  assert.equal(applyEdits(t, src(t)[0]!.edits), 'ddappsec.enabled = 1\r\nddappsec.log_level = debug\r\nddappsec.helper_extra_args=--log_level=debug\r\nddappsec.helper_log_file=/tmp/helper.log');
  // v0.2 file with a final newline, a quoted value and other args
  t = "; x\ndatadog.appsec.helper_extra_args = '--foo=1 --log_level=info'\ndatadog.appsec.log_level = warn\ndatadog.appsec.log_level = error ; last wins\n";
  assert.equal(applyEdits(t, src(t)[0]!.edits), "; x\ndatadog.appsec.helper_extra_args = '--foo=1 --log_level=debug'\ndatadog.appsec.log_level = warn\ndatadog.appsec.log_level = debug ; last wins\ndatadog.appsec.helper_log_file=/tmp/helper.log\n");
  // empty file: datadog.appsec.* by default
  assert.equal(applyEdits('', src('')[0]!.edits), 'datadog.appsec.log_level=debug\ndatadog.appsec.helper_extra_args=--log_level=debug\ndatadog.appsec.helper_log_file=/tmp/helper.log\n');
  // [PATH=] sections scope what follows: the preset goes before
  t = 'datadog.appsec.enabled=1\n[PATH=/var/www]\ndatadog.appsec.enabled=0\n';
  assert.equal(applyEdits(t, src(t)[0]!.edits), 'datadog.appsec.enabled=1\ndatadog.appsec.log_level=debug\ndatadog.appsec.helper_extra_args=--log_level=debug\ndatadog.appsec.helper_log_file=/tmp/helper.log\n[PATH=/var/www]\ndatadog.appsec.enabled=0\n');
  // BOM kept; already in debug: nothing offered
  t = '\ufeffdatadog.appsec.log_level=debug\ndatadog.appsec.helper_extra_args=--log_level=debug\ndatadog.appsec.helper_log_file=/tmp/helper.log\n';
  assert.deepEqual(src(t), []);
  // the last line's empty value and the appended lines are one edit (found by the property below)
  t = 'datadog.appsec.log_level = ';
  assert.equal(applyEdits(t, src(t)[0]!.edits), 'datadog.appsec.log_level = debug\ndatadog.appsec.helper_extra_args=--log_level=debug\ndatadog.appsec.helper_log_file=/tmp/helper.log');
  // every --log_level form becomes debug, other flags stay; unsafe unquoted args are replaced by the preset
  t = 'datadog.appsec.helper_extra_args = --log_level --foo --log_level trace\n';
  assert.equal(applyEdits(t, src(t)[0]!.edits).split('\n')[0], 'datadog.appsec.helper_extra_args = --log_level=debug --foo --log_level=debug');
  t = 'datadog.appsec.helper_extra_args = "--a;b"\n';
  assert.equal(applyEdits(t, src(t)[0]!.edits).split('\n')[0], 'datadog.appsec.helper_extra_args = "--a;b --log_level=debug"');
  // a php.ini without AppSec lines gets no preset; with one, it does
  assert.deepEqual(analyzeIni('memory_limit=1G\n', { dedicated: false }).sourceFixes, []);
  assert.equal(analyzeIni('memory_limit=1G\ndatadog.appsec.enabled=1\n', { dedicated: false }).sourceFixes.length, 1);
});

test('editDistance is Damerau (transpositions count 1) and bounded', () => {
  assert.equal(editDistance('log_level', 'log_elvel', 3), 1);
  assert.equal(editDistance('ddapsec.', 'ddappsec.', 2), 1);
  assert.equal(editDistance('abc', 'abc', 0), 0);
  assert.equal(editDistance('datadog.trace.', 'datadog.appsec.', 3), 4);
  assert.equal(editDistance('ddtrace.', 'ddappsec.', 2), 3);
});

// --- properties -----------------------------------------------------------------------------------------------------

const lineLen = (text: string, starts: number[], line: number) => {
  const st = starts[line]!;
  let end = line + 1 < starts.length ? starts[line + 1]! : text.length;
  while (end > st && (text[end - 1] === '\n' || text[end - 1] === '\r')) end--;
  return end - st;
};

/** An edit must address real characters: a position past a line's end would eat its line break. */
function assertInSpan(text: string, edits: TextEdit[]): void {
  const starts = lineStarts(text);
  const off = (p: { line: number; character: number }) => {
    assert.ok(p.line < starts.length, `line ${p.line} out of range`);
    assert.ok(p.character >= 0 && p.character <= lineLen(text, starts, p.line), `character ${p.character} past the end of line ${p.line}`);
    return starts[p.line]! + p.character;
  };
  const spans = edits.map((e) => [off(e.range.start), off(e.range.end), e] as const).sort((a, b) => a[0] - b[0]);
  for (let i = 1; i < spans.length; i++) assert.ok(spans[i]![0] >= spans[i - 1]![1], 'edits overlap');
  if (text.startsWith('\ufeff')) for (const [s] of spans) assert.ok(s >= 1, 'an edit touches the BOM');
  const after = applyEdits(text, edits);
  // Every byte outside the spans is still there, in order.
  let pos = 0;
  let outPos = 0;
  for (const [s, e, ed] of spans) {
    const keep = text.slice(pos, s);
    assert.equal(after.slice(outPos, outPos + keep.length), keep);
    outPos += keep.length + ed.newText.length;
    pos = e;
  }
  assert.equal(after.slice(outPos), text.slice(pos));
  assert.equal(printIni(parseIni(after)), after);
}

const piece = fc.constantFrom(
  '\r\n', '\n', '\r', '\ufeff', ';', '#', '=', ' = ', '[', ']', '[PATH=/x]', '"', "'", '‘', '’', '“', '”', '<dir>', '/', 'tmp/', '@',
  'ddappsec.', 'datadog.appsec.', 'ddapsec.', 'datadog.appsec_', 'log_level', 'log_levl', 'helper_socket_path', 'helper_lock_path', 'helper_runtime_path',
  'log_file', 'helper_log_file', 'helper_extra_args', 'enabled', 'waf_timeout', 'rules_path', 'ipheader', 'debug', '--log_level=', '-x', '10', '-5', 'maybe',
  ' ', '\t', 'x', '😀', '\ud800',
);
const garbageIni = fc.array(fc.oneof({ weight: 6, arbitrary: piece }, { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 8 }) }), { maxLength: 80 }).map((a) => a.join(''));

test('property: any offered fix or source action on garbage-filled files stays in its span and never throws', () => {
  fc.assert(
    fc.property(garbageIni, fc.boolean(), (text, dedicated) => {
      const a = analyzeIni(text, { dedicated, path: '/nonexistent-asm-prop/98-ddappsec.ini' });
      for (const f of a.findings) {
        assert.ok(f.message.length > 0);
        for (const fix of f.fixes ?? []) assertInSpan(text, fix.edits);
      }
      for (const fix of a.sourceFixes) assertInSpan(text, fix.edits);
      // Fix all, per code, as the server merges it.
      for (const code of new Set(a.findings.map((f) => f.code))) {
        const edits = mergeEdits(a.findings.filter((f) => f.code === code).flatMap((f) => f.fixes?.find((x) => x.isPreferred)?.edits ?? []));
        assertInSpan(text, edits);
      }
    }),
    { numRuns: 1500 },
  );
});

test('property: after the debug preset, the file is in debug and applying it again offers nothing', () => {
  fc.assert(
    fc.property(garbageIni, (text) => {
      const fix = analyzeIni(text).sourceFixes[0];
      if (!fix) return;
      const after = applyEdits(text, fix.edits);
      assert.deepEqual(analyzeIni(after).sourceFixes, [], `${JSON.stringify(text)} -> ${JSON.stringify(after)}`);
    }),
    { numRuns: 1000 },
  );
});

test('a 4 MB line and 100 000 lines of garbage are analysed without throwing', () => {
  const long = 'datadog.appsec.log_file = ' + '<'.repeat(1_000_000) + 'a/'.repeat(1_000_000) + '‘'.repeat(1_000_000);
  assert.ok(analyzeIni(long, { path: '/tmp/x.ini' }).findings.length > 0);
  const many = Array.from({ length: 100_000 }, (_, i) => (i % 3 ? `ddappsec.log_level${i % 7} = ‘x’` : '[[[')).join('\n');
  assert.ok(analyzeIni(many).findings.length > 0);
});

test('findings are capped at MAX_INI_FINDINGS per file; the rest are counted by code', () => {
  const lines: string[] = [];
  for (let i = 0; i < 60_000; i++) lines.push(i % 2 ? `ddappsec.helper_socket_path = /<dir>/s${i}.sock` : `datadog.appsec.log_levl${i % 3} = ‘debug’`);
  const a = analyzeIni(lines.join('\n'));
  assert.equal(a.findings.length, MAX_INI_FINDINGS);
  const dropped = Object.values(a.dropped).reduce((x, y) => x + y, 0);
  assert.ok(dropped > 100_000, JSON.stringify(a.dropped));
  assert.ok(a.dropped['ini-placeholder']! > 0 && a.dropped['ini-duplicate-setting']! > 0);
});
