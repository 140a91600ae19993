// The integrations log rule (src/core/log/rules/integrations.ts), as annotated fixtures (test/support/annotated.ts): a
// disabled plugin, and the loaded-integrations list without the web framework.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { withoutVersion } from '../../../src/core/log/rules/integrations';
import { checkDiagnostics } from '../../support/annotated';

test('integrations: a disabled plugin; a loaded list without http', () => {
  checkDiagnostics(
    'log',
    `
    Plugin "http" was disabled via configuration option.
    ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ error integration-disabled
    DATADOG TRACER INTEGRATIONS LOADED - ["fs","net","dns","router","express"]
    ^$ error integration-disabled
  `,
  );
});

test('integrations: a loaded list with http is fine', () => {
  checkDiagnostics(
    'log',
    `
    DATADOG TRACER INTEGRATIONS LOADED - ["fs","net","http","express"]
  `,
    { only: ['integration-disabled'] },
  );
});

test('integrations: withoutVersion is what /@.*$/ removed (from the first @ after the last line break), on any string', () => {
  const piece = fc.constantFrom('@', '\n', '\r', '\u2028', '\u2029', 'a', 'express', '4.17.1', ' ', '');
  fc.assert(
    fc.property(
      fc.array(piece, { maxLength: 30 }).map((a) => a.join('')),
      (s) => assert.equal(withoutVersion(s), s.replace(/@.*$/, '')),
    ),
    { numRuns: 3000 },
  );
  assert.equal(withoutVersion('express@4.17.1'), 'express');
  assert.equal(withoutVersion(`${'@'.repeat(200_000)}\n@`), `${'@'.repeat(200_000)}\n`);
});
