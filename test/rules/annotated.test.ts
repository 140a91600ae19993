// The annotated-fixture helper itself (test/support/annotated.ts): a fixture that draws the findings wrongly fails,
// with the findings drawn on the text in the message; markers parse as documented.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkDiagnostics, checkFix, checkFixAll, dedent, parseFixture } from '../support/annotated';

test('parseFixture: markers leave the text; ^ runs, ^$ to the end of the line, | for an empty range', () => {
  const { text, markers } = parseFixture(`
    abc = def
          ^^^ error x-one
    ^$ warning x-two
      | hint x-three
  `);
  assert.equal(text, 'abc = def\n');
  assert.deepEqual(markers, [
    { line: 0, start: 6, end: 9, severity: 'error', code: 'x-one' },
    { line: 0, start: 0, end: 9, severity: 'warning', code: 'x-two' },
    { line: 0, start: 2, end: 2, severity: 'hint', code: 'x-three' },
  ]);
  assert.throws(() => parseFixture('ab\n    ^^^ error x'), /past the end/);
  assert.equal(dedent('\n  a\n    b\n  '), 'a\n  b\n');
});

test('checkDiagnostics fails on a wrong column, width, severity or code, a missing marker and an extra one', () => {
  const ok = `
    datadog.appsec.enabled = maybe
                             ^^^^^ error ini-invalid-value
  `;
  checkDiagnostics('ini', ok);
  const wrong = [
    ok.replace('   ^^^^^', '  ^^^^^'), // column
    ok.replace('^^^^^', '^^^^'), // width
    ok.replace('error', 'warning'), // severity
    ok.replace('ini-invalid-value', 'ini-syntax'), // code
    ok.replace(/\n.*\^.*\n/, '\n'), // the finding is not marked
    `${ok.trimEnd()}\n    ^^^ error ini-syntax\n`, // a marker nothing finds
  ];
  for (const w of wrong)
    assert.throws(
      () => checkDiagnostics('ini', w),
      (e: Error) => /drawn on the fixture/.test(e.message) && e.message.includes('^^^^^ error ini-invalid-value'),
      w,
    );
  // `only` narrows the comparison to some codes.
  checkDiagnostics(
    'ini',
    `
    datadog.appsec.log_levl = debgu
  `,
    { only: ['ini-invalid-value'] },
  );
});

test('checkFix and checkFixAll fail when the text after differs by one byte, or when $0 points at no finding', () => {
  checkFix('ini', 'ini-legacy-name', 'ddappsec.enabled = 1', 'datadog.appsec.enabled = 1');
  assert.throws(() => checkFix('ini', 'ini-legacy-name', 'ddappsec.enabled = 1', 'datadog.appsec.enabled = 1 '));
  assert.throws(() => checkFix('ini', 'ini-legacy-name', 'ddappsec.enabled = 1$0\nddappsec.log_level = debug', 'x'), /under \$0/);
  checkFix('ini', 'ini-legacy-name', 'ddappsec.enabled = 1\nddappsec.lo$0g_level = debug', 'ddappsec.enabled = 1\ndatadog.appsec.log_level = debug');
  checkFixAll('ini', 'ini-legacy-name', 'ddappsec.enabled = 1\nddappsec.log_level = debug', 'datadog.appsec.enabled = 1\ndatadog.appsec.log_level = debug');
  assert.throws(() =>
    checkFixAll('ini', 'ini-legacy-name', 'ddappsec.enabled = 1\nddappsec.log_level = debug', 'datadog.appsec.enabled = 1\nddappsec.log_level = debug'),
  );
});

test('the example of CONTRIBUTING.md holds', () => {
  checkDiagnostics(
    'ini',
    `
    datadog.appsec.waf_timeout = 10
                                 ^^ warning ini-invalid-value
  `,
  );
  checkFix('ini', 'ini-invalid-value', `datadog.appsec.waf_timeout = $010`, `datadog.appsec.waf_timeout = 10000`);
});
