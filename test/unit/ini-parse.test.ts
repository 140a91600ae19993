// The ini parser keeps every byte: print(parse(x)) === x for any input (property-tested with fast-check).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseIni, printIni } from '../../src/core/ini/parse';

test('print(parse(x)) === x for arbitrary strings, including CR, LF, BOM, quotes and unicode', () => {
  const pieces = fc.constantFrom(
    '\r\n',
    '\n',
    '\r',
    '\ufeff',
    ';',
    '#',
    '=',
    '[',
    ']',
    '"',
    "'",
    '‘',
    '’',
    'ddappsec.',
    'datadog.appsec.',
    ' ',
    '\t',
    'x',
    '\u0000',
    '\ud800',
    '😀',
  );
  fc.assert(
    fc.property(
      fc.array(fc.oneof(pieces, fc.string({ unit: 'binary' })), { maxLength: 60 }).map((a) => a.join('')),
      (s) => printIni(parseIni(s)) === s,
    ),
    { numRuns: 3000 },
  );
});

test('entries keep key and value positions', () => {
  const f = parseIni('\ufeff[appsec]\r\n  ddappsec.log_level = "debug" ; comment\nbroken line\n');
  assert.equal(f.bom, '\ufeff');
  const e = f.lines[1]!;
  assert.equal(e.kind, 'entry');
  assert.equal(e.section, 'appsec');
  assert.equal(e.entry!.key, 'ddappsec.log_level');
  assert.equal(e.entry!.value, 'debug');
  assert.equal(e.text.slice(e.entry!.valueStart, e.entry!.valueEnd), '"debug"');
  assert.equal(e.eol, '\n');
  assert.equal(f.lines[0]!.eol, '\r\n');
  assert.equal(f.lines[2]!.kind, 'garbage');
});
