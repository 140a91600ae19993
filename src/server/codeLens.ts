// Code lenses on long log lines: a startup line holds appsec_enabled at column ~500 of 1,000 characters, off-screen
// without wrapping. A lens at the start of the line says what the line says ("ASM off · Node.js 5.132.0 · Agent
// http://127.0.0.1:8126") and a click selects the finding's exact range.
import type { CodeLens } from 'vscode-languageserver/node';
import type { DocAnalysis } from '../core/analyze';
import type { Finding } from '../core/finding';
import { kb } from '../core/kb';
import { isLanguage } from '../core/language';
import { CLIENT_COMMANDS, type RevealFindingArgs } from './commands';

/** A finding that starts past this column is probably off-screen. */
export const OFFSCREEN_COLUMN = 80;
/** Lenses per document (a debug log can have thousands of long attack lines). */
export const MAX_LENSES = 500;

const ASM: Record<string, string> = {
  'appsec-enabled': 'ASM on',
  'appsec-disabled': 'ASM off',
  'appsec-inactive': 'ASM inactive (waits for remote activation)',
  'appsec-not-configured': 'ASM not configured',
  'appsec-start-failed': 'ASM failed to start',
  'tracer-disabled': 'tracer disabled',
};
const RANK: Record<Finding['severity'], number> = { error: 0, warning: 1, information: 2, hint: 3 };

/** `"agent_url":"http://…"` of a startup line (bounded: no backtracking beyond 300 characters). */
const AGENT_URL = /"agent_url"\s{0,3}:\s{0,3}"([^"\s]{1,300})"/;

/** The lens title for the findings of one line. */
export function lensTitle(line: string, fs: readonly Finding[]): string {
  const parts: string[] = [];
  const asm = fs.find((f) => ASM[f.code]);
  if (asm) parts.push(ASM[asm.code]!);
  const withTracer = fs.find((f) => isLanguage(f.data?.tracer));
  if (withTracer) {
    const version = fs.map((f) => f.data?.version).find((v): v is string => typeof v === 'string');
    parts.push([kb().tracer(withTracer.data!.tracer as never).name, version].filter(Boolean).join(' '));
  }
  const url =
    fs.map((f) => f.data?.agentUrl).find((u): u is string => typeof u === 'string') ?? (line.length < 1_000_000 ? AGENT_URL.exec(line)?.[1] : undefined);
  const unreachable = fs.some((f) => f.code === 'agent-unreachable');
  if (url) parts.push(`Agent ${url}${unreachable ? ' unreachable' : ''}`);
  else if (unreachable) parts.push('Agent unreachable');
  // What else the line says, by title (an integration off, an attack detected), most severe first.
  const shown = new Set([asm?.code, 'agent-unreachable', 'agent-reachable']);
  const others = [...fs].sort((a, b) => RANK[a.severity] - RANK[b.severity]).filter((f) => !shown.has(f.code));
  for (const f of others) {
    const title = kb().finding(f.code)?.title ?? f.code;
    const detail = typeof f.data?.integration === 'string' ? `${title}: ${f.data.integration}` : title;
    if (!parts.includes(detail)) parts.push(detail);
  }
  return parts.join(' · ');
}

/** The lenses of a log document; `lineText(n)` gives line n (only lines with findings are asked). */
export function codeLenses(uri: string, analysis: DocAnalysis | undefined, lineText: (line: number) => string): CodeLens[] {
  if (!analysis || analysis.kind !== 'log') return [];
  const byLine = new Map<number, Finding[]>();
  for (const f of analysis.findings) {
    if (f.range.start.character < OFFSCREEN_COLUMN || f.severity === 'hint') continue;
    const l = f.range.start.line;
    const g = byLine.get(l);
    if (g) g.push(f);
    else byLine.set(l, [f]);
  }
  const lenses: CodeLens[] = [];
  for (const [line, fs] of byLine) {
    if (lenses.length >= MAX_LENSES) break;
    const all = analysis.findings.filter((f) => f.range.start.line === line && f.severity !== 'hint');
    const primary = [...all].sort((a, b) => RANK[a.severity] - RANK[b.severity])[0] ?? fs[0]!;
    const title = lensTitle(lineText(line), all);
    if (!title) continue;
    const args: RevealFindingArgs = { uri, line, code: primary.code, range: primary.range };
    lenses.push({
      range: { start: { line, character: 0 }, end: { line, character: 0 } },
      command: { title, command: CLIENT_COMMANDS.revealFinding, arguments: [args] },
    });
  }
  return lenses;
}
