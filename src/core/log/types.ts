import type { Finding } from '../finding';
import type { Language } from '../kb/schema';
import type { ClassifiedLine, Dialect } from './dialect';

export type AppsecState = 'enabled' | 'disabled' | 'inactive' | 'not-configured' | 'unknown';

/** What a log says about the service, for the per-file summary, the tree view and the support bundle. */
export interface LogSummary {
  lines: number;
  dialects: Dialect[];
  tracer: Language | null;
  version: string | null;
  appsec: AppsecState;
  /** Loaded integrations, when the log lists them. */
  integrations: string[] | null;
  disabledIntegrations: string[];
  /** true: evidence of a working connection; false: a connection failure; null: nothing said. */
  agentReachable: boolean | null;
  attacks: number;
  blocked: number;
  /** Rule ids seen in attacks. */
  rules: string[];
  tracesReceived: number | null;
}

/** A tracer start: a startup line, with whose it is (service, env, host, version) and when (the line's own time). */
export interface TracerStart {
  /** 0-based line. */
  line: number;
  /** ms since the epoch: the line's stamp, else its startup JSON's "date"; null when neither. */
  time: number | null;
  service: string | null;
  env: string | null;
  host: string | null;
  language: Language | null;
  version: string | null;
  runtimeId: string | null;
  /** The Agent address the tracer uses (agent_url), when it says. */
  agentUrl: string | null;
}

/** Every finding code reported in a file (kept or past the cap): how many, and the first and last line and time. */
export interface CodeExtent {
  count: number;
  firstLine: number;
  lastLine: number;
  firstTime: number | null;
  lastTime: number | null;
}

/** When things happened in a file: the evidence model's input (core/evidence). Plain JSON-cloneable data. */
export interface Timeline {
  starts: TracerStart[];
  /** 0-based line → ms for each line holding a kept finding (its own stamp, else the last stamp seen before it). */
  times: Record<number, number>;
  codes: Record<string, CodeExtent>;
}

export const STARTS_STATE = 'timeline.starts';

export function emptySummary(): LogSummary {
  return {
    lines: 0,
    dialects: [],
    tracer: null,
    version: null,
    appsec: 'unknown',
    integrations: null,
    disabledIntegrations: [],
    agentReachable: null,
    attacks: 0,
    blocked: 0,
    rules: [],
    tracesReceived: null,
  };
}

/** Passed to each rule for each line. */
export interface LineContext {
  text: string;
  lineNo: number;
  cls: ClassifiedLine;
  summary: LogSummary;
  report(f: Finding): void;
  /**
   * Reports a finding that is built only if it is kept: past the file's findings cap only its code is counted, so
   * a rule need not format a message nobody will read (on the bench log, 94% of the findings are past the cap, and
   * formatting them was most of the rules' time and of the garbage that grows the heap).
   */
  reportLazy(code: string, build: () => Finding): void;
  /**
   * The file's findings cap was reached before this line: reportLazy will only count, whatever it is given (a rule
   * may then skip preparing a finding: common.ts count()).
   */
  capped?: boolean;
  /** Per-analysis scratch space shared by rules (keyed by rule id). */
  state: Map<string, unknown>;
}

/** One diagnostic family (as rust-analyzer's ide-diagnostics: one file per rule, with its tests). */
export interface LogRule {
  id: string;
  /**
   * Cheap literals: the rule runs on a line only if the line contains one of them (the one-pass prefilter).
   * An empty list means every line.
   */
  literals: string[];
  line(ctx: LineContext): void;
  /**
   * Optional retirement, asked after each line() call: true when line() can have no further effect on this file,
   * whatever lines follow. The analyzer then stops calling line() and drops the rule's literals from the prefilter
   * (finish() is still called). Must depend only on its arguments, and stay true once true (the retired set is
   * carried by snapshots).
   */
  done?(summary: Readonly<LogSummary>, state: ReadonlyMap<string, unknown>): boolean;
  /**
   * With `done`: the dialects of the lines its literals stand for (default: every dialect). After its retirement the
   * analyzer keeps classifying lines with its literals only while one of these dialects is missing from the summary.
   */
  revealsDialects?: readonly Dialect[];
  /** Called once at the end: findings that depend on the whole file. */
  finish?(ctx: Omit<LineContext, 'text' | 'lineNo' | 'cls'>): void;
}
