// One finding type for every analyzer: logs, ini files, the agent check, the test attack.
// Positions are 0-based lines and UTF-16 characters, like LSP; the CLI prints them 1-based.

export type Severity = 'error' | 'warning' | 'information' | 'hint';
export const SEVERITIES: readonly Severity[] = ['error', 'warning', 'information', 'hint'];

/** The seed's checklist: "Confirm Application Security is running", then steps 1–4. */
export type StepId = 'running' | 'test-attack' | 'integrations' | 'agent' | 'backend';
export const STEP_IDS: readonly StepId[] = ['running', 'test-attack', 'integrations', 'agent', 'backend'];
/** The seed's step number (1–4); the preliminary "confirm running" check has none. */
export function stepNumber(id: StepId | null | undefined): number | null {
  switch (id) {
    case 'test-attack':
      return 1;
    case 'integrations':
      return 2;
    case 'agent':
      return 3;
    case 'backend':
      return 4;
    default:
      return null;
  }
}

export interface Position {
  line: number;
  character: number;
}
export interface Range {
  start: Position;
  end: Position;
}
export interface TextEdit {
  range: Range;
  newText: string;
}

export interface Fix {
  title: string;
  edits: TextEdit[];
  /** 'quickfix' by default; 'source' for whole-file actions. */
  kind?: 'quickfix' | 'source';
  isPreferred?: boolean;
}

export interface Finding {
  /** Stable code (e.g. `appsec-disabled`, `ini-smart-quotes`, `DDAS-0003-01`): tests and users rely on it. */
  code: string;
  severity: Severity;
  range: Range;
  /** What it means and what to do. */
  message: string;
  step: StepId | null;
  /** Link to the documentation section. */
  docUrl?: string;
  fixes?: Fix[];
  /** Everything a quick fix, hover or the tree needs without re-parsing. */
  data?: Record<string, unknown>;
}

export function range(line: number, start: number, end: number, endLine = line): Range {
  return { start: { line, character: start }, end: { line: endLine, character: end } };
}

export function compareFindings(a: Finding, b: Finding): number {
  return a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character || a.code.localeCompare(b.code);
}

/** Findings counted by severity (only the severities present). */
export function countBySeverity(findings: readonly Finding[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const f of findings) counts[f.severity] = (counts[f.severity] ?? 0) + 1;
  return counts;
}
