// The appsec log rule (src/core/log/rules/appsec.ts), as annotated fixtures (test/support/annotated.ts): Go's
// appsec: lines, .NET's activation line; the range is the message, not the prefix.
import { test } from 'node:test';
import { checkDiagnostics } from '../../support/annotated';

test('appsec: running, off, and the missing Go build tag, each on its message', () => {
  checkDiagnostics(
    'log',
    `
    2023/05/10 08:00:00 Datadog Tracer v1.50.1 INFO: appsec: up and running
                                                     ^^^^^^^^^^^^^^^^^^^^^^ information appsec-enabled
    2023-12-06 11:29:18.060 +00:00 [INF] AppSec was not activated, its status is enabled=False, AppSec can be remotely enabled=True.
                                         ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ error appsec-disabled
    2022/02/17 14:49:00 Datadog Tracer v1.36.0 WARN: appsec: enabled by the configuration but has not been activated during the compilation: please add the go build tag \`appsec\` to your build options to enable it
                                                     ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ error go-appsec-build-tag
  `,
  );
});

test("appsec: Go's message is read without its prefix; other phrasings of the same words are nothing", () => {
  checkDiagnostics(
    'log',
    `
    appsec: up and running
    ^^^^^^^^^^^^^^^^^^^^^^ information appsec-enabled
    AppSec was activated
    We talked about appsec being disabled
  `,
  );
});
