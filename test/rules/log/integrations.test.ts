// The integrations log rule (src/core/log/rules/integrations.ts), as annotated fixtures (test/support/annotated.ts): a
// disabled plugin, and the loaded-integrations list without the web framework.
import { test } from 'node:test';
import { checkDiagnostics } from '../../support/annotated';

test("integrations: a disabled plugin; a loaded list without http", () => {
  checkDiagnostics('log', `
    Plugin "http" was disabled via configuration option.
    ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ error integration-disabled
    DATADOG TRACER INTEGRATIONS LOADED - ["fs","net","dns","router","express"]
    ^$ error integration-disabled
  `);
});

test("integrations: a loaded list with http is fine", () => {
  checkDiagnostics('log', `
    DATADOG TRACER INTEGRATIONS LOADED - ["fs","net","http","express"]
  `, { only: ["integration-disabled"] });
});
