// src/core/ini/debugPreset.ts: the "Enable AppSec debug logging" source action, in both eras.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeIni } from '../../../src/core/ini/analyze';
import { applyEdits } from '../../support/lspClient';

test("debug preset: the file's era, existing keys updated (the winning line), missing ones appended in the file's style", () => {
  const src = (t: string) => analyzeIni(t).sourceFixes;
  // v0.1 file: ddappsec.* names; CRLF; no final newline stays without one
  let t = 'ddappsec.enabled = 1\r\nddappsec.log_level = ‘info’';
  assert.equal(
    applyEdits(t, src(t)[0]!.edits),
    'ddappsec.enabled = 1\r\nddappsec.log_level = debug\r\nddappsec.helper_extra_args=--log_level=debug\r\nddappsec.helper_log_file=/tmp/helper.log',
  );
  // v0.2 file with a final newline, a quoted value and other args
  t = "; x\ndatadog.appsec.helper_extra_args = '--foo=1 --log_level=info'\ndatadog.appsec.log_level = warn\ndatadog.appsec.log_level = error ; last wins\n";
  assert.equal(
    applyEdits(t, src(t)[0]!.edits),
    "; x\ndatadog.appsec.helper_extra_args = '--foo=1 --log_level=debug'\ndatadog.appsec.log_level = warn\ndatadog.appsec.log_level = debug ; last wins\ndatadog.appsec.helper_log_file=/tmp/helper.log\n",
  );
  // empty file: datadog.appsec.* by default
  assert.equal(
    applyEdits('', src('')[0]!.edits),
    'datadog.appsec.log_level=debug\ndatadog.appsec.helper_extra_args=--log_level=debug\ndatadog.appsec.helper_log_file=/tmp/helper.log\n',
  );
  // [PATH=] sections scope what follows: the preset goes before
  t = 'datadog.appsec.enabled=1\n[PATH=/var/www]\ndatadog.appsec.enabled=0\n';
  assert.equal(
    applyEdits(t, src(t)[0]!.edits),
    'datadog.appsec.enabled=1\ndatadog.appsec.log_level=debug\ndatadog.appsec.helper_extra_args=--log_level=debug\ndatadog.appsec.helper_log_file=/tmp/helper.log\n[PATH=/var/www]\ndatadog.appsec.enabled=0\n',
  );
  // BOM kept; already in debug: nothing offered
  t = '\ufeffdatadog.appsec.log_level=debug\ndatadog.appsec.helper_extra_args=--log_level=debug\ndatadog.appsec.helper_log_file=/tmp/helper.log\n';
  assert.deepEqual(src(t), []);
  // the last line's empty value and the appended lines are one edit (found by the property below)
  t = 'datadog.appsec.log_level = ';
  assert.equal(
    applyEdits(t, src(t)[0]!.edits),
    'datadog.appsec.log_level = debug\ndatadog.appsec.helper_extra_args=--log_level=debug\ndatadog.appsec.helper_log_file=/tmp/helper.log',
  );
  // every --log_level form becomes debug, other flags stay; unsafe unquoted args are replaced by the preset
  t = 'datadog.appsec.helper_extra_args = --log_level --foo --log_level trace\n';
  assert.equal(applyEdits(t, src(t)[0]!.edits).split('\n')[0], 'datadog.appsec.helper_extra_args = --log_level=debug --foo --log_level=debug');
  t = 'datadog.appsec.helper_extra_args = "--a;b"\n';
  assert.equal(applyEdits(t, src(t)[0]!.edits).split('\n')[0], 'datadog.appsec.helper_extra_args = "--a;b --log_level=debug"');
  // a php.ini without AppSec lines gets no preset; with one, it does
  assert.deepEqual(analyzeIni('memory_limit=1G\n', { dedicated: false }).sourceFixes, []);
  assert.equal(analyzeIni('memory_limit=1G\ndatadog.appsec.enabled=1\n', { dedicated: false }).sourceFixes.length, 1);
});
