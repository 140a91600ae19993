// Shared by the log rules: the knowledge base's messages (kb/messages.yaml) compiled once, matching a line
// against them, the summary effects of a finding, and per-file state helpers.
import { range as mkRange, type Range } from '../../finding';
import { makeFinding, type MakeOptions } from '../../findings';
import { kb, type Language, type LogMessage } from '../../kb';
import type { SummaryEffect } from '../../kb/schema';
import { dialectLanguage } from '../dialect';
import type { LineContext, LogRule, LogSummary } from '../types';

export interface CompiledMessage {
  m: LogMessage;
  re: RegExp;
}

// Compiled patterns are derived from the read-only knowledge base: a memo, not per-file state.
const compiled = new Map<string, CompiledMessage[]>();

/** The messages whose finding is one of `findings` (or whose id is in `ids`), compiled once. */
export function messagesFor(key: string, pred: (m: LogMessage) => boolean): CompiledMessage[] {
  let list = compiled.get(key);
  if (!list) {
    list = kb()
      .data.messages.filter(pred)
      .map((m) => ({ m, re: new RegExp(m.pattern) }));
    compiled.set(key, list);
  }
  return list;
}

/** The literals of a message list, for a rule's prefilter. */
export function literalsOf(list: CompiledMessage[]): string[] {
  return [...new Set(list.map((c) => c.m.literal))];
}

/**
 * A rule's `literals` read from the knowledge base on first use (the analyzer reads them after the KB is loaded),
 * plus fixed extra literals.
 */
export function lazyLiterals(key: string, pred: (m: LogMessage) => boolean, extra: string[] = []): () => string[] {
  let lits: string[] | undefined;
  return () => (lits ??= [...new Set([...literalsOf(messagesFor(key, pred)), ...extra])]);
}

export interface MessageMatch {
  m: LogMessage;
  groups: Record<string, string>;
  start: number;
  end: number;
}

/**
 * The first message of `list` that matches the line. A message applies to lines of its dialects, and to lines
 * without a recognised prefix (raw console output, pasted snippets).
 */
export function matchMessage(ctx: LineContext, list: CompiledMessage[], from = 0): MessageMatch | null {
  // Node.js lines are raw (recognised by content, not by a prefix): like unprefixed lines, any message may apply.
  const d = ctx.cls.dialect === 'nodejs' && ctx.cls.messageStart === 0 ? null : ctx.cls.dialect;
  // `from`: only the text after it (a message nested in another's detail).
  const text = from > 0 ? ctx.text.slice(from) : ctx.text;
  for (const c of list) {
    if (!text.includes(c.m.literal)) continue;
    if (d !== null && !c.m.dialects.includes(d)) continue;
    const r = c.re.exec(text);
    if (!r) continue;
    const groups: Record<string, string> = {};
    // for…in, not Object.entries: no array per group on every matching line (measured: 11% of what check allocates).
    const g = r.groups;
    if (g) for (const k in g) if (g[k] !== undefined) groups[k] = g[k]!;
    return { m: c.m, groups, start: from + r.index, end: from + r.index + r[0].length };
  }
  return null;
}

/** The language of the tracer that wrote this line (its dialect, else what the file said so far). */
export function lineLanguage(ctx: Pick<LineContext, 'cls' | 'summary'>): Language | null {
  return dialectLanguage(ctx.cls.dialect) ?? ctx.summary.tracer;
}

/** Records the tracer of the file when nothing better (a startup line) said it yet. */
export function noteTracer(ctx: Pick<LineContext, 'cls' | 'summary'>): void {
  if (!ctx.summary.tracer) {
    const l = dialectLanguage(ctx.cls.dialect);
    if (l) ctx.summary.tracer = l;
  }
}

const effects = new Map<string, SummaryEffect | null>();

/**
 * What a finding says about the service, applied to the summary (the latest evidence wins: processes restart):
 * its kb entry's `summary` (kb/findings.yaml, kb/ddas.yaml).
 */
export function applyEffect(s: LogSummary, code: string): void {
  let e = effects.get(code);
  if (e === undefined) {
    e = kb().hasFinding(code) ? (kb().finding(code).summary ?? null) : null;
    effects.set(code, e);
  }
  if (!e) return;
  if (e.appsec) s.appsec = e.appsec;
  if (e.agentReachable !== undefined) s.agentReachable = e.agentReachable;
}

/** A message rule's predicate: the messages whose finding names `rule` in kb/findings.yaml. */
export function messagesOfRule(rule: string): (m: { finding: string }) => boolean {
  let codes: Set<string> | undefined;
  return (m) => (codes ??= kb().findingsOfRule(rule)).has(m.finding);
}

/**
 * Reports a finding and applies its effect on the summary. With `opts` as a function, the message is only formatted
 * if the finding is kept (past the findings cap it is only counted).
 */
/** `r` may be given as a function: built only if the finding is kept (past the cap, most are only counted). */
export function emit(
  ctx: Pick<LineContext, 'summary' | 'reportLazy'>,
  code: string,
  r: Range | (() => Range),
  opts: MakeOptions | (() => MakeOptions) = {},
): void {
  applyEffect(ctx.summary, code);
  ctx.reportLazy(code, () => makeFinding(code, typeof r === 'function' ? r() : r, typeof opts === 'function' ? opts() : opts));
}

const notBuilt = (): never => {
  throw new Error('a finding past the cap was built');
};

/** emit() for a line whose LineContext says `capped`: the finding is counted (and its summary effect applied), not built. */
export function count(ctx: Pick<LineContext, 'summary' | 'reportLazy'>, code: string): void {
  applyEffect(ctx.summary, code);
  ctx.reportLazy(code, notBuilt);
}

export function lineRange(ctx: Pick<LineContext, 'lineNo'>, start: number, end: number): Range {
  return mkRange(ctx.lineNo, start, Math.max(start, end));
}

/** Per-file state of a rule (plain JSON-cloneable data, so analysis can be snapshotted), created on first use. */
export function stateOf<T>(ctx: Pick<LineContext, 'state'>, key: string, init: () => T): T {
  let v = ctx.state.get(key) as T | undefined;
  if (v === undefined) {
    v = init();
    ctx.state.set(key, v);
  }
  return v;
}

/** Cuts a value for a message. */
export function clip(s: string, n = 160): string {
  const t = s.trim();
  return t.length > n ? t.slice(0, n - 1) + '…' : t;
}

/** "Node.js tracer 5.132.0" / "the tracer". */
export function tracerLabel(lang: Language | null, version: string | null): string {
  if (!lang) return 'The tracer';
  return `The ${kb().tracer(lang).name} tracer${version ? ' ' + version : ''}`;
}

/** How to turn ASM on for a tracer, from tracers.yaml. */
export function enableInstruction(lang: Language | null): string {
  if (!lang) return kb().finding('appsec-disabled').fix;
  const t = kb().tracer(lang);
  const alt = [t.enable.flag, t.enable.code].filter(Boolean).join(', or ');
  return `Set ${t.enable.env}${alt ? ` (or ${alt})` : ''} for the service and restart it${t.enable.note ? ` (${t.enable.note})` : ''}.`;
}

/** The span of `"field":value` in the line, or the startup prefix when the field is absent. */
export function fieldRange(ctx: LineContext, field: string, fallbackEnd: number) {
  const i = ctx.text.indexOf(`"${field}"`);
  if (i === -1 && ctx.cls.dialect === 'python') {
    // dd-trace-py's startup dict repr: 'field': value.
    const k = ctx.text.indexOf(`'${field}'`);
    if (k !== -1) {
      const m = /^'[^']{1,100}':\s?('[^']{0,500}'|\[[^\]]{0,2000}\]|[^,}\]]{0,100})/.exec(ctx.text.slice(k, k + 2700));
      return mkRange(ctx.lineNo, k, k + (m ? m[0].length : field.length + 2));
    }
  }
  if (i === -1) {
    // .NET's console format writes the JSON as a quoted string: keys read \"field\".
    const j = ctx.text.indexOf(`\\"${field}\\"`);
    if (j === -1) return mkRange(ctx.lineNo, ctx.cls.messageStart, Math.max(fallbackEnd, ctx.cls.messageStart));
    const m = /^\\"[^"\\]{1,100}\\":\s?(\\"[^"\\]{0,500}\\"|\[[^\]]{0,2000}\]|[^,}\]]{0,100})/.exec(ctx.text.slice(j, j + 2700));
    return mkRange(ctx.lineNo, j, j + (m ? m[0].length : field.length + 4));
  }
  const m = /^"[^"]{1,100}":\s?("[^"]{0,500}"|\[[^\]]{0,2000}\]|[^,}\]]{0,100})/.exec(ctx.text.slice(i, i + 2700));
  return mkRange(ctx.lineNo, i, i + (m ? m[0].length : field.length + 2));
}

/**
 * A rule driven by the knowledge base's messages: its prefilter literals are the messages' literals, and
 * `onMessage` runs on each line that matches one of them (after the line's tracer is noted in the summary).
 */
export function messageRule(o: {
  id: string;
  /** Memo key of the compiled message list (usually the rule's id). */
  key: string;
  pred: (m: LogMessage) => boolean;
  /** Whether a match tells which tracer wrote the line (false for the Agent's own lines). Default true. */
  notesTracer?: boolean;
  onMessage(ctx: LineContext, hit: MessageMatch): void;
  finish?: LogRule['finish'];
}): LogRule {
  const literals = lazyLiterals(o.key, o.pred);
  const rule: LogRule = {
    id: o.id,
    get literals() {
      return literals();
    },
    line(ctx) {
      const hit = matchMessage(ctx, messagesFor(o.key, o.pred));
      if (!hit) return;
      if (o.notesTracer !== false) noteTracer(ctx);
      o.onMessage(ctx, hit);
    },
  };
  if (o.finish) rule.finish = o.finish;
  return rule;
}
