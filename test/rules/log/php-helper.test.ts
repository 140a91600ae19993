// The php-helper log rule (src/core/log/rules/php-helper.ts), as annotated fixtures (test/support/annotated.ts): the
// extension's [ddappsec] warnings about its helper.
import { test } from 'node:test';
import { checkDiagnostics } from '../../support/annotated';

test('php-helper: connection failed and bind() failures; other [ddappsec] lines are not', () => {
  checkDiagnostics(
    'log',
    `
    PHP Warning:  Unknown: [ddappsec] Connection to helper failed and we are not going to attempt to launch it: dd_error
                           ^$ error php-helper-connection-failed
    PHP Warning:  Unknown: [ddappsec] Call to bind() failed: Permission denied
                           ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ error php-helper-permission
    PHP Warning:  Unknown: [ddappsec] Request started
  `,
  );
});
