// Shared by the log tests: analyse a fixture or text and pick findings.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { analyzeLogText, type LogAnalysis } from '../../src/core/log/analyzer';
import type { Finding } from '../../src/core/finding';

export const FIXTURES = path.resolve(__dirname, '..', '..', '..', 'test', 'fixtures', 'logs');

export function fixture(rel: string): string {
  return readFileSync(path.join(FIXTURES, rel), 'utf8');
}

export function analyze(text: string): LogAnalysis {
  return analyzeLogText(text);
}

export const codes = (a: LogAnalysis | Finding[]) => ('findings' in a ? a.findings : a).map((f) => f.code);
export const byCode = (a: LogAnalysis, code: string) => a.findings.filter((f) => f.code === code);
export const errors = (a: LogAnalysis) => a.findings.filter((f) => f.severity === 'error');
