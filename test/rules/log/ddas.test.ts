// The ddas log rule (src/core/log/rules/ddas.ts), as annotated fixtures (test/support/annotated.ts): each
// catalogue code on its own range; the page's DAS- misprint; the helper's 0012-01 typo; what is not a code.
import { test } from 'node:test';
import { checkDiagnostics } from '../../support/annotated';

test('ddas: a code, the misprint, the blocked-attack typo; a letter before, a digit after or an unknown code is nothing', () => {
  checkDiagnostics(
    'log',
    `
    x DDAS-0003-01: AppSec could not read the rule file
      ^^^^^^^^^^^^ error DDAS-0003-01
    DAS-0011-00: AppSec In-App WAF returned: match
    ^^^^^^^^^^^ hint DDAS-0011-00
    [2024-01-01 10:00:06.500][debug][42] DDAS-0012-01: Blocked attack
                                         ^^^^^^^^^^^^ hint DDAS-0012-02
    XDDAS-0003-01 DDAS-0003-011 [DDAS-001-00] DDAS-9999-00
  `,
    { only: ['DDAS-0003-01', 'DDAS-0011-00', 'DDAS-0012-02', 'DDAS-0012-01', 'DDAS-9999-00', 'DDAS-0001-00'] },
  );
});
