// src/core/ini/model.ts: the bounded edit distance behind did-you-mean.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { editDistance } from '../../../src/core/ini/model';

test('editDistance is Damerau (transpositions count 1) and bounded', () => {
  assert.equal(editDistance('log_level', 'log_elvel', 3), 1);
  assert.equal(editDistance('ddapsec.', 'ddappsec.', 2), 1);
  assert.equal(editDistance('abc', 'abc', 0), 0);
  assert.equal(editDistance('datadog.trace.', 'datadog.appsec.', 3), 4);
  assert.equal(editDistance('ddtrace.', 'ddappsec.', 2), 3);
});
