// The seed's checklist made live: each step's status computed from evidence (log findings, the test attack,
// the agent check). Shared by the tree view and `asm-troubleshooter steps`.
import type { StepId } from './finding';
import { STEP_IDS } from './finding';
import { kb, type Language } from './kb';

export type StepStatus = 'pass' | 'fail' | 'warning' | 'unknown';

export interface Evidence {
  text: string;
  file?: string;
  /** 0-based line in `file`. */
  line?: number;
  code?: string;
}

export interface CheckReport {
  title: string;
  status: StepStatus;
  evidence: Evidence[];
  /** What to do (from the finding or the knowledge base). */
  hint?: string;
  command?: string;
}

export interface StepReport {
  id: StepId;
  number: number;
  title: string;
  status: StepStatus;
  /** One line for the tree's description. */
  description: string;
  doc: string;
  checks: CheckReport[];
}

/** A finding as the steps need it (from any file). */
export interface StepFinding {
  code: string;
  severity: 'error' | 'warning' | 'information' | 'hint';
  step: StepId | null;
  message: string;
  file?: string;
  line?: number;
}

export interface StepInputs {
  language: Language | null;
  findings: StepFinding[];
  /** Extra checks computed elsewhere (agent check, test attack), by step. */
  extraChecks?: Partial<Record<StepId, CheckReport[]>>;
}

const RANK: Record<StepStatus, number> = { fail: 3, warning: 2, pass: 1, unknown: 0 };
export function worst(statuses: StepStatus[]): StepStatus {
  let s: StepStatus = 'unknown';
  for (const x of statuses) if (RANK[x] > RANK[s]) s = x;
  return s;
}

function statusOf(f: StepFinding): StepStatus {
  return f.severity === 'error' ? 'fail' : f.severity === 'warning' ? 'warning' : 'pass';
}

export function computeSteps(inputs: StepInputs): StepReport[] {
  const k = kb();
  return STEP_IDS.map((id) => {
    const def = k.step(id)!;
    const own = inputs.findings.filter((f) => f.step === id);
    const byCode = new Map<string, StepFinding[]>();
    for (const f of own) byCode.set(f.code, [...(byCode.get(f.code) ?? []), f]);
    const checks: CheckReport[] = [];
    for (const [code, fs] of byCode) {
      const def = k.finding(code);
      checks.push({
        title: def.title,
        status: worst(fs.map(statusOf)),
        evidence: fs.slice(0, 20).map((f) => ({ text: f.message, code: f.code, ...(f.file ? { file: f.file } : {}), ...(f.line !== undefined ? { line: f.line } : {}) })),
        hint: def.fix,
      });
    }
    checks.push(...(inputs.extraChecks?.[id] ?? []));
    // A pass only counts when nothing in the step failed; fail > warning > pass > unknown.
    checks.sort((a, b) => RANK[b.status] - RANK[a.status]);
    const status = worst(checks.map((c) => c.status));
    const first = checks[0];
    const description = status === 'unknown' ? 'no evidence yet' : first ? `${first.title}${checks.length > 1 ? ` (+${checks.length - 1})` : ''}` : '';
    return { id, number: def.number, title: def.title, status, description, doc: k.docUrl(def.doc)!, checks };
  });
}
