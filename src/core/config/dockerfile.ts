// Dockerfile: `ENV K=V [K2=V2…]` and the legacy `ENV K V`, continuations joined.
import type { AgentVar } from './model';
import { hasLineTerminator, skipSpace, unquote } from './text';

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
    const raw = envBody(l);
    if (raw === null) continue;
    const body = raw.trim();
    // Docker's rule: when the first word has no '=', it is the legacy `ENV KEY the rest of the line`.
    if (!body.split(/\s+/)[0].includes('=')) {
      const mm = legacyEnv(body);
      if (mm) out.push({ name: mm[0], value: unquote(mm[1].trim(), false), file, line: start });
      continue;
    }
    for (const [name, raw] of envAssignments(body)) out.push({ name, value: unquote(raw, false).replace(/\\(.)/g, '$1'), file, line: start });
  }
  return out;
}

/**
 * What /^\s*ENV\s+(.*)$/i captures, in linear time: that regex backtracks `\s+` against `(.*)` when the rest holds
 * a line terminator `.` cannot match (`ENV<tabs>A\rB`: quadratic, 15 s at 200 KB). Such a line still does not match.
 */
function envBody(l: string): string | null {
  const i = skipSpace(l, 0);
  if (l.slice(i, i + 3).toUpperCase() !== 'ENV') return null;
  const j = skipSpace(l, i + 3);
  return j === i + 3 || hasLineTerminator(l, j) ? null : l.slice(j);
}

/** What /^([A-Za-z_][A-Za-z0-9_]*)\s+(.*)$/ captures (the legacy `ENV KEY value`), in linear time, as envBody. */
function legacyEnv(body: string): [string, string] | null {
  if (!body.length || !isIdentChar(body.charCodeAt(0)) || (body.charCodeAt(0) >= 48 && body.charCodeAt(0) <= 57)) return null;
  let k = 1;
  while (k < body.length && isIdentChar(body.charCodeAt(k))) k++;
  const j = skipSpace(body, k);
  return j === k || hasLineTerminator(body, j) ? null : [body.slice(0, k), body.slice(j)];
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

