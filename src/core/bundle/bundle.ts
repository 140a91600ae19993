// The support bundle: the seed's "contact Datadog support with the following information" — confirmation that the
// test attack was sent, the tracer startup or debug logs — plus the agent check, the findings per step and the
// versions, as ONE markdown file with the raw (redacted) log excerpts beside it. Nothing here sends anything anywhere.
import path from 'node:path';
import type { AgentCheckResult } from '../agent/check';
import { streamLines } from '../files';
import { kb } from '../kb';
import type { ResolvedAgentAddress } from '../agent/address';
import { describeSource } from '../agent/report';
import type { CheckReport, StepReport, StepStatus } from '../steps';
import { mergeCounts, redact, redactLines } from './redact';

export interface LogExcerpt {
  /** The log file it comes from (absolute). */
  path: string;
  tracer: string | null;
  version: string | null;
  appsec: string | null;
  /** Lines worth showing support (startup lines, lines with findings and their neighbours), 0-based numbers. */
  lines: { line: number; text: string }[];
  /** Lines left out by the excerpt cap. */
  omitted: number;
}

export interface BundleInput {
  createdAt: Date;
  extensionVersion: string;
  host?: string;
  platform: string;
  language: { language: string | null; reason: string };
  steps: StepReport[];
  agent?: { address?: ResolvedAgentAddress; result?: AgentCheckResult };
  logs: LogExcerpt[];
}

export interface BundleFile {
  /** Relative to the bundle folder. */
  name: string;
  content: string;
}

export interface Bundle {
  /** asm-support-bundle.md first, then excerpts/*.log. */
  files: BundleFile[];
  /** Secrets removed, by kind. */
  redactions: Record<string, number>;
}

export const BUNDLE_MARKDOWN = 'asm-support-bundle.md';
const MARK: Record<StepStatus, string> = { pass: 'PASS', fail: 'FAIL', warning: 'WARNING', unknown: 'UNKNOWN' };

/** A markdown inline code span that survives backticks in the text. */
function code(s: string): string {
  const ticks = s.includes('`') ? '``' : '`';
  return `${ticks}${ticks === '``' ? ' ' : ''}${s}${ticks === '``' ? ' ' : ''}${ticks}`;
}
/** `s` without its trailing run of the characters in `chars` (a loop: the regex form was quadratic on long runs). */
function trimEndOf(s: string, chars: string): string {
  let e = s.length;
  while (e > 0 && chars.includes(s[e - 1]!)) e--;
  return s.slice(0, e);
}
function cell(s: string): string {
  // A multi-line text is redacted before its lines are joined: a value on the line after its key (a YAML block
  // scalar) would otherwise end up beside the redacted key, where no rule knows it for a secret.
  const t = s.includes('\n') ? redact(s).text : s;
  return t.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

function excerptName(p: string, used: Set<string>): string {
  const base = path.basename(p).replace(/[^A-Za-z0-9._-]/g, '_') || 'log';
  let name = `excerpts/${base.endsWith('.log') ? base : `${base}.log`}`;
  for (let i = 2; used.has(name); i++) name = `excerpts/${base.replace(/\.log$/, '')}-${i}.log`;
  used.add(name);
  return name;
}

function checkLines(c: CheckReport, rel: (f: string) => string): string[] {
  const out = [`- ${MARK[c.status]} **${c.title}**`];
  for (const e of c.evidence.slice(0, 10))
    out.push(`  - ${e.file ? `${code(`${rel(e.file)}${e.line !== undefined ? `:${e.line + 1}` : ''}`)} ` : ''}${e.text}`);
  if (c.evidence.length > 10) out.push(`  - … ${c.evidence.length - 10} more`);
  if (c.status !== 'pass' && c.status !== 'unknown' && c.hint) out.push(`  - What to do: ${c.hint}`);
  return out;
}

export function buildBundle(input: BundleInput): Bundle {
  const redactions: Record<string, number> = {};
  const clean = (s: string) => {
    const r = redact(s);
    mergeCounts(redactions, r.counts);
    return r.text;
  };
  const used = new Set<string>();
  const excerptFiles = input.logs.map((l) => ({ log: l, name: excerptName(l.path, used) }));
  const rel = (f: string) => {
    const hit = excerptFiles.find((e) => e.log.path === f);
    return hit ? path.basename(f) : f;
  };
  const md: string[] = [];
  /** Markdown lines that are excerpt lines (already redacted), by index in `md`. */
  const excerptLines = new Map<number, string>();
  md.push('# ASM Troubleshooter support bundle', '');
  md.push(
    `Created ${input.createdAt.toISOString()} by ASM Troubleshooter ${input.extensionVersion}${input.host ? ` in ${input.host}` : ''} on ${input.platform}.`,
  );
  md.push(
    '',
    '> Review this file before sharing it. Secrets (API/application keys, tokens, cookies, authorization headers, URL passwords) were replaced by `[REDACTED]`; nothing was uploaded.',
    '',
  );

  md.push('## Summary', '', '| Step | Status | |', '|---|---|---|');
  for (const s of input.steps) md.push(`| ${s.number ? `${s.number}. ` : ''}${cell(s.title)} | ${MARK[s.status]} | ${cell(s.description)} |`);
  md.push('');

  md.push('## Versions', '');
  md.push(`- ASM Troubleshooter: ${input.extensionVersion}`);
  md.push(`- Service language: ${input.language.language ?? 'unknown'} (${input.language.reason})`);
  const tracers = [
    ...new Set(
      input.logs
        .filter((l) => l.tracer || l.version)
        .map((l) => `${l.tracer ?? 'tracer'} ${l.version ?? '(version unknown)'}${l.appsec ? `, ASM ${l.appsec}` : ''} — ${path.basename(l.path)}`),
    ),
  ];
  if (tracers.length) for (const t of tracers) md.push(`- Tracer: ${t}`);
  else md.push('- Tracer: no tracer startup log found (enable startup logs: DD_TRACE_STARTUP_LOGS=true)');
  const agentVersion = input.agent?.result?.info?.version;
  md.push(`- Datadog Agent: ${agentVersion ?? (input.agent?.result ? 'not reported' : 'not checked')}`, '');

  md.push('## Test attack (step 1)', '');
  const attack = input.steps.find((s) => s.id === 'test-attack');
  const proven = attack?.checks.filter((c) => c.status !== 'unknown') ?? [];
  if (proven.length) for (const c of proven) md.push(...checkLines(c, rel));
  else
    md.push(
      'No test attack was recorded. Send one (`curl -A Arachni/v YOUR_APP_URL`, or **ASM Troubleshooter: Send Test Attack**) and create the bundle again.',
    );
  md.push('');

  md.push('## Agent check (step 3)', '');
  const { address, result } = input.agent ?? {};
  if (address) md.push(`- Address: ${describeSource(address.source)}`);
  for (const c of address?.candidates.slice(1) ?? []) if (c.kind !== 'default') md.push(`- Also set: ${describeSource(c)}`);
  for (const n of address?.notes ?? []) md.push(`- Note: ${n}`);
  if (result) {
    md.push(`- GET ${result.infoUrl}: **${result.outcome}** in ${result.elapsedMs} ms — ${result.message}`);
    if (result.info) md.push(`- Endpoints: ${result.info.endpoints.map((e) => code(e)).join(', ') || '(none)'}`);
  } else md.push('- The agent check was not run (**ASM Troubleshooter: Check Datadog Agent**).');
  md.push('');

  md.push('## Findings per step', '');
  for (const s of input.steps) {
    md.push(`### ${s.number ? `${s.number}. ` : ''}${s.title} — ${MARK[s.status]}`, '', `Documentation: ${s.doc}`, '');
    const shown = s.checks.filter((c) => c.status !== 'unknown');
    if (!shown.length) md.push('No evidence.');
    for (const c of shown) md.push(...checkLines(c, rel));
    const open = s.checks.filter((c) => c.status === 'unknown').map((c) => c.title);
    if (open.length) md.push('', `Not proven: ${open.join('; ')}.`);
    md.push('');
  }

  md.push('## Tracer startup and debug log excerpts', '');
  if (!excerptFiles.length)
    md.push(
      'No log file was analysed. Open the tracer log (startup or debug) in VS Code, or set `asmTroubleshooter.logs.globs`, and create the bundle again.',
      '',
    );
  const files: BundleFile[] = [];
  for (const { log, name } of excerptFiles) {
    // The log's own text is redacted BEFORE it gets line numbers or indentation: a secret split over lines
    // (`- name: DD_API_KEY` / `value: …`) is still seen whole, and no prefix of ours can stand in front of a key.
    const texts = redactLines(log.lines.map((l) => l.text));
    mergeCounts(redactions, texts.counts);
    const lines = log.lines.map((l, i) => ({ line: l.line, text: texts.lines[i] }));
    md.push(`### ${path.basename(log.path)}`, '', `From ${code(log.path)}; the full excerpt is in [${name}](${name}).`, '');
    const head = lines.slice(0, 40);
    md.push('```text');
    // Already redacted (above, as one text): kept out of the final pass, whose structural rules (YAML blocks,
    // PEM bodies) would read our line numbers as part of the text.
    for (const l of head) {
      excerptLines.set(md.length, `${String(l.line + 1).padStart(6)}  ${l.text}`);
      md.push(`\u0000excerpt-line-${md.length}\u0000`);
    }
    md.push('```');
    if (lines.length > head.length || log.omitted) md.push(`(${lines.length - head.length + log.omitted} more line(s) in ${name})`);
    md.push('');
    const body = lines.map((l) => `${l.line + 1}: ${l.text}`).join('\n');
    files.push({ name, content: `${clean(`# excerpt of ${log.path} (line: text)${log.omitted ? `, ${log.omitted} line(s) omitted` : ''}`)}\n${body}\n` });
  }

  // Then the markdown's own parts (evidence, agent messages) as one text; the excerpt lines in it, already redacted,
  // stand in as markers and come back after.
  const out: BundleFile[] = files;
  let mdClean = clean(md.join('\n')).replace(/\u0000excerpt-line-(\d{1,9})\u0000/g, (m, i: string) => excerptLines.get(Number(i)) ?? m);
  const total = Object.values(redactions).reduce((x, y) => x + y, 0);
  mdClean += `\n---\n\n${
    total
      ? `${total} secret value(s) redacted (${Object.entries(redactions)
          .map(([k, v]) => `${k}: ${v}`)
          .join(', ')}).`
      : 'No secret value found to redact.'
  }\n`;
  out.unshift({ name: BUNDLE_MARKDOWN, content: mdClean });
  return { files: out, redactions };
}

const MAX_EXCERPT_LINE = 4000;

/** A startup/configuration line of any tracer (kb/tracers.yaml startupPrefix). */
export function isStartupLine(text: string): boolean {
  if (!text.includes('DATADOG')) return false;
  return kb().data.tracers.some((t) => text.includes(trimEndOf(t.startupPrefix, '{ -')));
}

/**
 * Reads the excerpt of a log in one streaming pass: startup lines, and the lines with findings with `context`
 * neighbours; at most `max` lines, each cut at 4000 characters.
 */
export async function readExcerpt(
  file: string,
  findingLines: number[],
  opts: { context?: number; max?: number; signal?: AbortSignal } = {},
): Promise<{ lines: { line: number; text: string }[]; omitted: number }> {
  const ctx = opts.context ?? 2;
  const max = opts.max ?? 400;
  const want = new Set<number>();
  for (const l of findingLines) for (let i = Math.max(0, l - ctx); i <= l + ctx; i++) want.add(i);
  const lines: { line: number; text: string }[] = [];
  let omitted = 0;
  await streamLines(
    file,
    (text, n) => {
      if (!want.has(n) && !isStartupLine(text)) return;
      if (lines.length >= max) {
        omitted++;
        return;
      }
      lines.push({
        line: n,
        text: text.length > MAX_EXCERPT_LINE ? `${text.slice(0, MAX_EXCERPT_LINE)} … (${text.length - MAX_EXCERPT_LINE} more characters)` : text,
      });
    },
    { signal: opts.signal },
  );
  return { lines, omitted };
}
