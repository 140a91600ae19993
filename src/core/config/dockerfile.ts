// Dockerfile: `ENV K=V [K2=V2…]` and the legacy `ENV K V`, continuations joined.
import type { AgentVar } from './model';
import { unquote } from './text';

/** `ENV K=V [K2=V2…]` and the legacy `ENV K V` (the rest of the line is the value); line continuations joined. */
export function parseDockerfileEnv(text: string, file?: string): AgentVar[] {
  const out: AgentVar[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const start = i;
    // Continuations: pieces joined once (appending to the joined string and re-testing it was quadratic).
    const pieces: string[] = [];
    let l = lines[i];
    for (let t = l.trimEnd(); t.endsWith('\\') && i + 1 < lines.length; t = l.trimEnd()) {
      pieces.push(t.slice(0, -1), ' ');
      l = lines[++i];
    }
    pieces.push(l);
    l = pieces.join('');
    const m = /^\s*ENV\s+(.*)$/i.exec(l);
    if (!m) continue;
    const body = m[1].trim();
    // Docker's rule: when the first word has no '=', it is the legacy `ENV KEY the rest of the line`.
    if (!body.split(/\s+/)[0].includes('=')) {
      const mm = /^([A-Za-z_][A-Za-z0-9_]*)\s+(.*)$/.exec(body);
      if (mm) out.push({ name: mm[1], value: unquote(mm[2].trim(), false), file, line: start });
      continue;
    }
    for (const [name, raw] of envAssignments(body)) out.push({ name, value: unquote(raw, false).replace(/\\(.)/g, '$1'), file, line: start });
  }
  return out;
}

const isIdentChar = (c: number) => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;

/**
 * The `NAME=value` pairs that /([A-Za-z_][A-Za-z0-9_]*)=("(?:[^"\\]|\\.)*"|'[^']*'|[^\s]*)/g finds, in linear time:
 * that regex retries the name at every position of a long identifier without '=' (quadratic: a 1 MiB word).
 * Here the name is read backwards from each '=' (never before the previous match), the value with a sticky regex.
 */
export function envAssignments(body: string): [string, string][] {
  const out: [string, string][] = [];
  const value = /"(?:[^"\\]|\\.)*"|'[^']*'|[^\s]*/y;
  let from = 0;
  for (let eq = body.indexOf('='); eq >= 0; eq = body.indexOf('=', from)) {
    let s = eq;
    while (s > from && isIdentChar(body.charCodeAt(s - 1))) s--;
    while (s < eq && body.charCodeAt(s) >= 48 && body.charCodeAt(s) <= 57) s++; // a name does not start with a digit
    if (s === eq) {
      from = eq + 1;
      continue;
    }
    value.lastIndex = eq + 1;
    const v = value.exec(body)?.[0] ?? '';
    out.push([body.slice(s, eq), v]);
    from = eq + 1 + v.length;
  }
  return out;
}

