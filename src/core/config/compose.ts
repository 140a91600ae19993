// docker-compose / compose files: `services.<name>.environment` (list or map), with compose's interpolation.
import { isMap, isSeq, LineCounter, parseAllDocuments, type Node as YamlNode, type Pair } from 'yaml';
import type { AgentVar, ContextVars } from './model';
import { lineOf, scalarString } from './yamlUtil';

const isNameStart = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
const isNameChar = (c: number) => isNameStart(c) || (c >= 48 && c <= 57);

/**
 * `${VAR}`, `${VAR:-default}`, `${VAR-default}` and `$VAR` as docker compose interpolates them; null when a variable
 * is unset. A scan with the answers of /\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?-)([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
 * in linear time: that regex searched for a `}` from every `${A-` (quadratic on `${A-${A-…` without one: 15 s at 200 KB).
 */
export function interpolate(value: string, env: Record<string, string | undefined>): string | null {
  let unresolved = false;
  const subst = (n: string, op: string | undefined, def: string | undefined): string => {
    const v = env[n];
    if (v !== undefined && (v !== '' || op !== ':-')) return String(v);
    if (op) return def ?? '';
    unresolved = true;
    return '';
  };
  const n = value.length;
  let out = '';
  let copied = 0;
  let close = -2; // the first `}` at or after the last search (-1: none left), so each search is done once
  const closeAfter = (from: number) => {
    if (close !== -1 && close < from) close = value.indexOf('}', from);
    return close;
  };
  for (let i = value.indexOf('$'); i >= 0 && i < n; i = value.indexOf('$', i)) {
    let k = i + 1;
    if (value.charCodeAt(k) === 123 /* { */) {
      if (!isNameStart(value.charCodeAt(k + 1))) {
        i++;
        continue;
      }
      let e = k + 2;
      while (e < n && isNameChar(value.charCodeAt(e))) e++;
      const name = value.slice(k + 1, e);
      let op: string | undefined;
      let def: string | undefined;
      let end = -1;
      if (value[e] === '}') end = e + 1;
      else {
        op = value.startsWith(':-', e) ? ':-' : value[e] === '-' ? '-' : undefined;
        const c = op ? closeAfter(e + op.length) : -1;
        if (c >= 0) {
          def = value.slice(e + op!.length, c);
          end = c + 1;
        }
      }
      if (end < 0) {
        i++;
        continue;
      }
      out += value.slice(copied, i) + subst(name, op, def);
      copied = i = end;
    } else if (isNameStart(value.charCodeAt(k))) {
      while (k < n && isNameChar(value.charCodeAt(k))) k++;
      out += value.slice(copied, i) + subst(value.slice(i + 1, k), undefined, undefined);
      copied = i = k;
    } else i++;
  }
  out += value.slice(copied);
  return unresolved ? null : out;
}

function envEntries(node: unknown, lc: LineCounter, file: string | undefined, env: Record<string, string | undefined>): AgentVar[] {
  const out: AgentVar[] = [];
  if (isSeq(node)) {
    for (const item of node.items) {
      const s = scalarString(item);
      if (s === null) continue;
      const eq = s.indexOf('=');
      if (eq <= 0) continue;
      const value = interpolate(s.slice(eq + 1), env);
      if (value !== null) out.push({ name: s.slice(0, eq).trim(), value, file, line: lineOf(lc, item as YamlNode) });
    }
  } else if (isMap(node)) {
    for (const p of node.items as Pair[]) {
      const k = scalarString(p.key);
      const v = scalarString(p.value);
      if (k === null || v === null) continue;
      const value = interpolate(v, env);
      if (value !== null) out.push({ name: k, value, file, line: lineOf(lc, p.key as YamlNode) });
    }
  }
  return out;
}

export function composeSources(text: string, file?: string, env: Record<string, string | undefined> = {}): ContextVars[] {
  const lc = new LineCounter();
  const out: ContextVars[] = [];
  for (const doc of parseAllDocuments(text, { lineCounter: lc })) {
    if (!('contents' in doc) || doc.errors.length) continue;
    const services = isMap(doc.contents) ? doc.contents.get('services', true) : null;
    if (!isMap(services)) continue;
    for (const p of services.items as Pair[]) {
      const name = scalarString(p.key) ?? '?';
      if (!isMap(p.value)) continue;
      out.push({ context: name, vars: envEntries(p.value.get('environment', true), lc, file, env) });
    }
  }
  return out;
}

