// Findings -> LSP types. A diagnostic carries the finding's code and data (with its fixes), so code actions need no re-parsing.
import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver/node';
import type { Finding } from '../core/finding';
import { stepNumber } from '../core/finding';
import { plainText } from './commands';

export const SOURCE = 'asm-troubleshooter';

const SEV: Record<Finding['severity'], DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

export interface DiagnosticData {
  step: number | null;
  stepId: string | null;
  fixes?: Finding['fixes'];
  [k: string]: unknown;
}

export function toDiagnostic(f: Finding): Diagnostic {
  const d: Diagnostic = {
    range: f.range,
    severity: SEV[f.severity],
    code: f.code,
    source: SOURCE,
    message: plainText(f.message),
    data: { ...(f.data ?? {}), step: stepNumber(f.step), stepId: f.step, ...(f.fixes ? { fixes: f.fixes } : {}) } satisfies DiagnosticData,
  };
  if (f.docUrl) d.codeDescription = { href: f.docUrl };
  return d;
}
