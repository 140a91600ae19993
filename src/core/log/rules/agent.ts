// Step 3: application to Agent. Every tracer's connection-failure line (kb/messages.yaml, finding agent-unreachable),
// the evidence of a working connection (agent-reachable), and the Agent fields of the startup JSON (.NET
// agent_reachable/agent_error, Java's boolean agent_error, Go/PHP/old Node.js agent_error strings).
import type { Language } from '../../kb';
import type { LineContext, LogRule } from '../types';
import { clip, emit, fieldRange, lineRange, messageRule, messagesOfRule, stateOf, tracerLabel } from './common';

// The findings this rule raises are those naming it in kb/findings.yaml (`rule: agent`).
const pred = messagesOfRule('agent');
const key = 'agent';

interface AgentState {
  /** What the last evidence said: reported agent-reachable only when this changes (one per recovery, not per line). */
  last: boolean | null;
  /** agent_url of the last startup line, named in later connection errors. */
  url: string | null;
}

const init = (): AgentState => ({ last: null, url: null });

function reachable(ctx: LineContext, r: ReturnType<typeof lineRange>, detail: string, data: Record<string, unknown>) {
  const st = stateOf(ctx, key, init);
  const was = st.last;
  st.last = true;
  ctx.summary.agentReachable = true;
  if (was === true) return;
  emit(ctx, 'agent-reachable', r, { detail, data });
}

function unreachable(ctx: LineContext, r: ReturnType<typeof lineRange>, detail: string, data: Record<string, unknown>) {
  stateOf(ctx, key, init).last = false;
  emit(ctx, 'agent-unreachable', r, { detail, data });
}

/** The Agent fields of a parsed startup line. */
export function agentFromStartup(ctx: LineContext, cfg: Record<string, unknown>, lang: Language, prefixEnd: number): void {
  const who = tracerLabel(lang, ctx.summary.version);
  const url = typeof cfg.agent_url === 'string' ? cfg.agent_url : null;
  const data = { tracer: lang, agentUrl: url };
  stateOf(ctx, key, init).url = url;
  const at = url ? ` at ${url}` : '';
  const err = cfg.agent_error;
  if (typeof err === 'string' && err.trim()) {
    unreachable(ctx, fieldRange(ctx, 'agent_error', prefixEnd), `${who} could not reach the Agent${at}: agent_error "${clip(err, 200)}"`, {
      ...data,
      error: err,
    });
    return;
  }
  if (err === true) {
    // Java writes agent_error as a boolean: true when its socket check failed.
    unreachable(ctx, fieldRange(ctx, 'agent_error', prefixEnd), `${who} could not open a connection to the Agent${at} (agent_error: true)`, data);
    return;
  }
  if (cfg.agent_reachable === false) {
    unreachable(ctx, fieldRange(ctx, 'agent_reachable', prefixEnd), `${who} reports agent_reachable: false for the Agent${at}`, data);
    return;
  }
  if (cfg.agent_reachable === true || (lang === 'java' && err === false)) {
    const f = cfg.agent_reachable === true ? 'agent_reachable' : 'agent_error';
    reachable(ctx, fieldRange(ctx, f, prefixEnd), `${who} reached the Agent${at} (${f}: ${String(cfg[f])})`, data);
  }
}

export const agentRule: LogRule = messageRule({
  id: 'agent',
  key,
  pred,
  onMessage(ctx, hit) {
    const r = lineRange(ctx, hit.start, hit.end);
    const detail = hit.groups.detail ? clip(hit.groups.detail, 200) : '';
    const data = { message: hit.m.id, ...(detail ? { error: detail } : {}) };
    if (hit.m.finding === 'agent-reachable') {
      reachable(ctx, r, `${hit.m.meaning}${detail ? ` (${detail})` : ''}`, data);
      return;
    }
    const count = hit.groups.count ? ` ${hit.groups.count} traces were lost.` : '';
    const url = stateOf(ctx, key, init).url;
    // A bare connection refusal (the line does not name the Agent) is the Agent's only when its host:port is the
    // tracer's Agent address: `connect ECONNREFUSED db:5432` is the application's own database.
    if (!/agent/i.test(hit.m.pattern) && !isAgentAddress(detail, url)) return;
    unreachable(
      ctx,
      r,
      `${hit.m.meaning}${detail ? ` Error: ${detail}.` : ''}${count}${url ? ` The tracer sends to ${url} (agent_url in its startup line).` : ''}`,
      url ? { ...data, agentUrl: url } : data,
    );
  },
});

const LOOPBACK = new Set(['localhost', '127.0.0.1', '::1', '[::1]', '0.0.0.0']);

/**
 * Whether the host:port an error names is the tracer's Agent address (its agent_url, else the default
 * localhost:8126). An error naming no host:port is taken as the Agent's.
 */
export function isAgentAddress(error: string, agentUrl: string | null): boolean {
  // The last word of the error, "host:port" or "[v6]:port" (string operations: no regex over the whole error).
  const words = error.trim().split(' ');
  const last = (words[words.length - 1] ?? '').replace(/\.$/, '');
  const colon = last.lastIndexOf(':');
  const m = colon > 0 && /^\d{1,5}$/.test(last.slice(colon + 1)) ? [last, last.slice(0, colon), last.slice(colon + 1)] : null;
  if (!m) return true;
  let host = 'localhost';
  let port = '8126';
  if (agentUrl) {
    try {
      const u = new URL(agentUrl);
      if (u.protocol === 'unix:') return false; // a socket is refused by path, never by host:port
      host = u.hostname;
      port = u.port || (u.protocol === 'https:' ? '443' : '80');
    } catch {
      return true;
    }
  }
  const norm = (h: string) => (LOOPBACK.has(h.toLowerCase()) ? 'loopback' : h.toLowerCase().replace(/^\[|\]$/g, ''));
  return norm(m[1]!) === norm(host) && m[2] === port;
}
