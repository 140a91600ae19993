// The ruby-rack log rule (src/core/log/rules/ruby-rack.ts), as annotated fixtures (test/support/annotated.ts): a
// manual `c.use :rack` inside Datadog.configure.
import { test } from 'node:test';
import { checkDiagnostics } from '../../support/annotated';

test('ruby-rack: c.use :rack inside Datadog.configure', () => {
  checkDiagnostics(
    'log',
    `
    Datadog.configure do |c|
      c.use :rails
      c.use :rack
      ^^^^^^^^^^^ warning ruby-rack-manual
    end
  `,
  );
});

test('ruby-rack: the same line without Datadog.configure is not ours', () => {
  checkDiagnostics(
    'log',
    `
      c.use :rack
  `,
  );
});
