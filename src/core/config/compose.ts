// docker-compose / compose files: `services.<name>.environment` (list or map), with compose's interpolation.
import { isMap, isSeq, LineCounter, parseAllDocuments, type Node as YamlNode, type Pair } from 'yaml';
import type { AgentVar, ContextVars } from './model';
import { lineOf, scalarString } from './yamlUtil';

/** `${VAR}`, `${VAR:-default}`, `${VAR-default}` as docker compose interpolates them; null when a variable is unset. */
export function interpolate(value: string, env: Record<string, string | undefined>): string | null {
  let unresolved = false;
  const out = value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?-)([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (_m, name: string, op: string | undefined, def: string | undefined, bare: string | undefined) => {
    const n = name ?? bare!;
    const v = env[n];
    if (v !== undefined && (v !== '' || op !== ':-')) return v;
    if (op) return def ?? '';
    unresolved = true;
    return '';
  });
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

