// The ini analyzer as a whole (src/core/ini/analyze.ts): clean files, php.ini mode, ${VAR} values, and fast-check
// properties: any fix on garbage-filled files stays in its span and never throws; big inputs; the findings cap.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { analyzeIni, MAX_INI_FINDINGS } from '../../../src/core/ini/analyze';
import { parseIni, printIni } from '../../../src/core/ini/parse';
import { mergeEdits } from '../../../src/server/codeActions';
import type { TextEdit } from '../../../src/core/finding';
import { applyEdits, lineStarts } from '../../support/lspClient';
import { codes } from './helpers';

test('clean files give nothing: dedicated v0.2+, dd-trace-php 98-ddtrace.ini, and a php.ini with unrelated lines', () => {
  for (const name of ['98-ddappsec.ini', '98-ddtrace.ini'])
    assert.deepEqual(codes(readFileSync(`test/fixtures/ini/clean/${name}`, 'utf8'), { path: `/tmp/${name}` }), [], name);
  assert.deepEqual(codes(readFileSync('test/fixtures/ini/clean/php.ini', 'utf8'), { dedicated: false, path: '/tmp/php.ini' }), []);
  assert.deepEqual(codes(''), []);
  assert.deepEqual(codes('\ufeff; only a comment\r\n'), []);
});

test('php.ini mode checks only AppSec lines: typographic quotes and garbage elsewhere are not ours', () => {
  const text = 'memory_limit = ‘128M’\nnot a setting at all\ndatadog.appsec.log_level = ‘debug’\n';
  assert.deepEqual(codes(text, { dedicated: false }), ['2:ini-smart-quotes']);
  assert.deepEqual(codes(text, { dedicated: true }), ['0:ini-smart-quotes', '1:ini-syntax', '2:ini-smart-quotes']);
});

test('${VAR} values (PHP expands them when reading the file) are not judged: no relative path, no invalid value; single-quoted ones are raw', () => {
  const text =
    'datadog.appsec.rules = ${RULES_PATH}\ndatadog.appsec.log_file = "${LOG_DIR}/appsec.log"\ndatadog.appsec.helper_runtime_path = ${RUN}\ndatadog.appsec.enabled = ${APPSEC_ON}\ndatadog.appsec.waf_timeout = "${WAF_US}"\ndatadog.appsec.rules = \'${RAW}/r.json\'\n';
  assert.deepEqual(codes(text, { path: '/tmp/98-ddappsec.ini' }), ['0:ini-duplicate-setting', '5:ini-relative-path']);
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
  '\r\n',
  '\n',
  '\r',
  '\ufeff',
  ';',
  '#',
  '=',
  ' = ',
  '[',
  ']',
  '[PATH=/x]',
  '"',
  "'",
  '‘',
  '’',
  '“',
  '”',
  '<dir>',
  '/',
  'tmp/',
  '@',
  'ddappsec.',
  'datadog.appsec.',
  'ddapsec.',
  'datadog.appsec_',
  'log_level',
  'log_levl',
  'helper_socket_path',
  'helper_lock_path',
  'helper_runtime_path',
  'log_file',
  'helper_log_file',
  'helper_extra_args',
  'enabled',
  'waf_timeout',
  'rules_path',
  'ipheader',
  'debug',
  '--log_level=',
  '-x',
  '10',
  '-5',
  'maybe',
  ' ',
  '\t',
  'x',
  '😀',
  '\ud800',
);
const garbageIni = fc
  .array(fc.oneof({ weight: 6, arbitrary: piece }, { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 8 }) }), { maxLength: 80 })
  .map((a) => a.join(''));

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
