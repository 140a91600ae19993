// .vscode/launch.json: `configurations[].env` of each launch configuration (JSON with comments).
import type { AgentVar, ContextVars } from './model';
import { lineAt, lineStarts } from './text';

/** Removes // and /* *\/ comments and trailing commas outside strings, keeping every newline (positions stay valid). */
export function stripJsonc(text: string): string {
  let out = '';
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = text[i];
    if (c === '"') {
      let j = i + 1;
      while (j < n && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      out += text.slice(i, j + 1);
      i = j + 1;
    } else if (c === '/' && text[i + 1] === '/') {
      while (i < n && text[i] !== '\n') i++;
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      const stop = end < 0 ? n : end + 2;
      out += text.slice(i, stop).replace(/[^\n]/g, ' ');
      i = stop;
    } else if (c === ',') {
      // A trailing comma: the next significant character closes an object or array.
      let j = i + 1;
      for (;;) {
        while (j < n && /\s/.test(text[j])) j++;
        if (text[j] === '/' && text[j + 1] === '/') {
          while (j < n && text[j] !== '\n') j++;
        } else if (text[j] === '/' && text[j + 1] === '*') {
          const e = text.indexOf('*/', j + 2);
          j = e < 0 ? n : e + 2;
        } else break;
      }
      out += text[j] === '}' || text[j] === ']' ? ' ' : ',';
      i++;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

/**
 * Offsets of every string literal by its raw text (`strings`), and of those that are object keys (`"…"` followed
 * by `:`), in one pass: each configuration and variable is then a binary search instead of a scan from the start
 * per variable (quadratic: an env of 40k keys took 27 s).
 */
function stringOffsets(text: string): { strings: Map<string, number[]>; keys: Map<string, number[]> } {
  const strings = new Map<string, number[]>();
  const keys = new Map<string, number[]>();
  const add = (m: Map<string, number[]>, raw: string, at: number) => {
    const list = m.get(raw);
    if (list) list.push(at);
    else m.set(raw, [at]);
  };
  const n = text.length;
  let i = text.indexOf('"');
  while (i >= 0) {
    let j = i + 1;
    while (j < n && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
    if (j >= n) break; // unterminated: JSON.parse accepted the text, so this cannot happen
    const raw = text.slice(i + 1, j);
    add(strings, raw, i);
    let k = j + 1;
    while (k < n && (text[k] === ' ' || text[k] === '\t' || text[k] === '\r' || text[k] === '\n')) k++;
    if (text[k] === ':') add(keys, raw, i);
    i = text.indexOf('"', j + 1);
  }
  return { strings, keys };
}

/** The first offset in a sorted list at or after `from`. */
function firstAtOrAfter(list: readonly number[] | undefined, from: number): number | undefined {
  if (!list) return undefined;
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid]! < from) lo = mid + 1;
    else hi = mid;
  }
  return list[lo];
}

export function launchJsonSources(text: string, file?: string): ContextVars[] {
  let json: unknown;
  const clean = stripJsonc(text);
  try {
    json = JSON.parse(clean);
  } catch {
    return [];
  }
  const configs = (json as { configurations?: unknown })?.configurations;
  if (!Array.isArray(configs)) return [];
  const out: ContextVars[] = [];
  let cursor = 0;
  const starts = lineStarts(clean);
  const { strings, keys } = stringOffsets(clean);
  const raw = (s: string) => JSON.stringify(s).slice(1, -1);
  for (const c of configs) {
    const name = typeof c?.name === 'string' ? c.name : '(unnamed)';
    // Locate this configuration in the text so each variable gets its own line.
    const at = firstAtOrAfter(strings.get(raw(name)), cursor);
    if (at !== undefined) cursor = at;
    const env = c?.env;
    if (!env || typeof env !== 'object') continue;
    const vars: AgentVar[] = [];
    for (const [k, v] of Object.entries(env as Record<string, unknown>)) {
      if (typeof v !== 'string' && typeof v !== 'number') continue;
      const key = firstAtOrAfter(keys.get(raw(k)), cursor);
      vars.push({ name: k, value: String(v), file, line: key === undefined ? undefined : lineAt(starts, key) });
    }
    out.push({ context: `launch configuration "${name}"`, vars });
  }
  return out;
}

