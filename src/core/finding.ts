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
  return a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character || compareCodes(a.code, b.code);
}

/** Collation weights of the characters finding codes are made of: '-' < digits < letters (any case). 0: another character. */
const PRIMARY = new Uint8Array(128);
PRIMARY[45] = 1;
for (let c = 48; c <= 57; c++) PRIMARY[c] = c - 46;
for (let c = 0; c < 26; c++) PRIMARY[65 + c] = PRIMARY[97 + c] = 12 + c;

/**
 * The order of String#localeCompare (ICU's root collation: '-' before digits before letters, letters of either case
 * together, lower case first only between otherwise equal codes) for codes of letters, digits and '-', as every code
 * is, without loading the ICU collator (2.4 MB of resident memory and its set-up, for the rare findings that share a
 * position); other characters go to localeCompare. Checked equal to localeCompare on every pair of kb codes and on
 * random strings of that alphabet (test/unit/finding-order.test.ts).
 */
export function compareCodes(a: string, b: string): number {
  if (a === b) return 0;
  const n = a.length < b.length ? a.length : b.length;
  let tertiary = 0;
  for (let i = 0; i < n; i++) {
    const ca = a.charCodeAt(i);
    const cb = b.charCodeAt(i);
    const pa = ca < 128 ? PRIMARY[ca]! : 0;
    const pb = cb < 128 ? PRIMARY[cb]! : 0;
    if (pa === 0 || pb === 0) return a.localeCompare(b);
    if (pa !== pb) return pa < pb ? -1 : 1;
    if (tertiary === 0 && ca !== cb) tertiary = ca > cb ? -1 : 1; // same letter, other case: lower case (the higher unit) first
  }
  const longer = a.length > b.length ? a : b;
  for (let i = n; i < longer.length; i++) {
    const c = longer.charCodeAt(i);
    if (c >= 128 || PRIMARY[c] === 0) return a.localeCompare(b);
  }
  if (a.length !== b.length) return a.length < b.length ? -1 : 1;
  return tertiary;
}

/** Findings counted by severity (only the severities present). */
export function countBySeverity(findings: readonly Finding[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const f of findings) counts[f.severity] = (counts[f.severity] ?? 0) + 1;
  return counts;
}
