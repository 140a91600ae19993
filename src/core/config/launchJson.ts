// .vscode/launch.json: `configurations[].env` of each launch configuration (JSON with comments).
import { isMap, isSeq, parseDocument, Scalar, type Pair } from 'yaml';
import type { ConfigTracer } from '../kb/schema';
import type { AgentVar, ContextVars } from './model';
import { detectTracer, type ConfigFile, type Insertion, type ServiceConfig } from './settings';
import { commandText, envNodeSettings, getIn, str, YAML_OPTIONS } from './yamlUtil';
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

// ---- the deployment-file model -------------------------------------------------------------------------------

/** JSONC to JSON of the same length: comments and trailing commas become spaces (every offset stays valid). */
export function blankJsonc(text: string): string {
  const out = text.split('');
  const n = text.length;
  let i = 0;
  let lastComma = -1;
  while (i < n) {
    const c = text[i];
    if (c === '"') {
      let j = i + 1;
      while (j < n && text[j] !== '"' && text[j] !== '\n') j += text[j] === '\\' ? 2 : 1;
      i = j + 1;
      lastComma = -1;
    } else if (c === '/' && text[i + 1] === '/') {
      while (i < n && text[i] !== '\n' && text[i] !== '\r') out[i++] = ' ';
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      const stop = end < 0 ? n : end + 2;
      for (; i < stop; i++) if (text[i] !== '\n' && text[i] !== '\r') out[i] = ' ';
    } else {
      if (c === ',') lastComma = i;
      else if ((c === '}' || c === ']') && lastComma >= 0) out[lastComma] = ' ';
      if (c !== ' ' && c !== '\t' && c !== '\n' && c !== '\r' && c !== ',') lastComma = -1;
      i++;
    }
  }
  return out.join('');
}

const LAUNCH_TRACER: Record<string, ConfigTracer> = {
  java: 'java',
  node: 'nodejs',
  'pwa-node': 'nodejs',
  python: 'python',
  debugpy: 'python',
  go: 'go',
  coreclr: 'dotnet',
  php: 'php',
  ruby: 'ruby',
  rdbg: 'ruby',
};

/** Each launch configuration with its `env`. */
export function launchJsonFile(text: string): ConfigFile {
  const services: ServiceConfig[] = [];
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const clean = blankJsonc(text.charCodeAt(0) === 0xfeff ? ` ${text.slice(1)}` : text);
  const doc = parseDocument(clean, YAML_OPTIONS);
  if (doc.errors.length) return { kind: 'launch.json', services, eol };
  const configs = getIn(doc, doc.contents, 'configurations');
  if (!isSeq(configs)) return { kind: 'launch.json', services, eol };
  for (const c of configs.items) {
    if (!isMap(c)) continue;
    const nameNode = getIn(doc, c, 'name');
    const name = str(nameNode) ?? '(unnamed)';
    const service = `launch configuration "${name}"`;
    const envNode = getIn(doc, c, 'env');
    const settings = envNodeSettings(text, doc, envNode, service);
    const type = str(getIn(doc, c, 'type')) ?? '';
    const args = ['runtimeArgs', 'vmArgs', 'args', 'program'].map((k) => commandText(getIn(doc, c, k)) ?? '').join(' ');
    const t = detectTracer(undefined, args);
    const span =
      nameNode instanceof Scalar && nameNode.range
        ? { start: nameNode.range[0], end: nameNode.range[1] }
        : { start: c.range?.[0] ?? 0, end: (c.range?.[0] ?? 0) + 1 };
    let insert: Insertion | undefined;
    if (isMap(envNode)) {
      const last = envNode.items[envNode.items.length - 1] as Pair | undefined;
      const lastEnd = (last?.value as { range?: number[] } | null)?.range?.[1] ?? (last?.key as { range?: number[] } | null)?.range?.[1];
      const open = envNode.range?.[0];
      if (last && lastEnd !== undefined) {
        const keyStart = (last.key as { range?: number[] }).range![0]!;
        const ls = text.lastIndexOf('\n', keyStart - 1) + 1;
        const sameLine = text.lastIndexOf('\n', keyStart - 1) === text.lastIndexOf('\n', (open ?? 0) - 1);
        const indent = text.slice(ls, keyStart).replace(/\S/g, ' ');
        insert = { offset: lastEnd, template: sameLine ? `, "NAME": "VALUE"` : `,${eol}${indent}"NAME": "VALUE"` };
      } else if (open !== undefined) insert = { offset: open + 1, template: `"NAME": "VALUE"` };
    }
    services.push({
      name: service,
      span,
      kind: 'launch.json',
      settings,
      tracer: t?.tracer ?? LAUNCH_TRACER[type],
      tracerWhy: t?.why ?? (type ? `launch type ${type}` : undefined),
      traced: !!t?.strong || settings.some((s) => s.env.startsWith('DD_')),
      command: args.trim() || undefined,
      insert,
    });
  }
  return { kind: 'launch.json', services, eol };
}
