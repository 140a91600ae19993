// YAML helpers shared by the compose, Kubernetes and datadog.yaml readers.
import {
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  Scalar,
  visit,
  type Document,
  type LineCounter,
  type Node as YNode,
  type Pair as YPair,
  type YAMLMap,
} from 'yaml';
import { syspropSettings, type Insertion, type Setting, type Span } from './settings';

export function lineOf(lc: LineCounter, node: { range?: [number, number, number] | null } | null | undefined): number | undefined {
  const start = node?.range?.[0];
  return start === undefined ? undefined : lc.linePos(start).line - 1;
}

export function scalarString(n: unknown): string | null {
  if (!isScalar(n)) return null;
  const v = n.value;
  return v === null || v === undefined ? '' : typeof v === 'object' ? null : String(v);
}

// ---- exact ranges (the deployment-file model) ----------------------------------------------------------------

/** The span of a scalar's characters inside its quotes (plain: the whole scalar). */
export function innerSpan(text: string, n: Scalar): Span | null {
  const r = n.range;
  if (!r) return null;
  if (n.type === Scalar.QUOTE_DOUBLE || n.type === Scalar.QUOTE_SINGLE) return { start: r[0] + 1, end: Math.max(r[0] + 1, r[1] - 1) };
  if (n.type === Scalar.BLOCK_FOLDED || n.type === Scalar.BLOCK_LITERAL) return null;
  return { start: r[0], end: r[1] };
}

/** The source text of a scalar equals its value (no escapes, folding): then offsets inside the value are offsets in the file. */
function literal(text: string, n: Scalar, s: Span | null): boolean {
  return !!s && text.slice(s.start, s.end) === String(n.value ?? '');
}

export function resolveNode(doc: Document, n: unknown): unknown {
  return isAlias(n) ? n.resolve(doc) : n;
}

/** The map's pairs with `<<` merge keys expanded (their anchors' pairs, at the anchor's offsets), own keys first. */
export function mapPairs(doc: Document, m: YAMLMap, depth = 0): YPair[] {
  const own: YPair[] = [];
  const merged: YPair[] = [];
  for (const p of m.items as YPair[]) {
    const k = p.key instanceof Scalar ? p.key.value : null;
    if (k === '<<' && depth < 8) {
      const v = resolveNode(doc, p.value);
      const list = isSeq(v) ? v.items.map((i) => resolveNode(doc, i)) : [v];
      for (const x of list) if (isMap(x)) merged.push(...mapPairs(doc, x, depth + 1));
    } else own.push(p);
  }
  const seen = new Set(own.map((p) => (p.key instanceof Scalar ? String(p.key.value) : '')));
  return [...own, ...merged.filter((p) => !seen.has(p.key instanceof Scalar ? String(p.key.value) : ''))];
}

export function getIn(doc: Document, m: unknown, key: string): unknown {
  const r = resolveNode(doc, m);
  if (!isMap(r)) return undefined;
  const p = mapPairs(doc, r).find((x) => x.key instanceof Scalar && String(x.key.value) === key);
  return p ? resolveNode(doc, p.value) : undefined;
}

export function str(n: unknown): string | undefined {
  if (!(n instanceof Scalar)) return undefined;
  const v = n.value;
  return v === null || v === undefined || typeof v === 'object' ? undefined : String(v);
}

/** A command as one string: a scalar, or a list joined by spaces. */
export function commandText(n: unknown): string | undefined {
  if (n instanceof Scalar) return str(n);
  if (isSeq(n)) return n.items.map((i) => str(i) ?? '').join(' ');
  return undefined;
}

/** Settings of a map `{K: V}` or list `[K=V]` of environment variables (compose `environment`, SAM `Variables`). */
export function envNodeSettings(text: string, doc: Document, node: unknown, service: string): Setting[] {
  const out: Setting[] = [];
  const n = resolveNode(doc, node);
  if (isMap(n)) {
    for (const p of mapPairs(doc, n)) {
      if (!(p.key instanceof Scalar) || !p.key.range) continue;
      const name = String(p.key.value);
      const nameSpan = { start: p.key.range[0], end: p.key.range[1] };
      const v = resolveNode(doc, p.value);
      if (v === null || v === undefined || (v instanceof Scalar && (v.value === null || v.value === undefined))) {
        out.push({ name, env: name, value: null, nameSpan, valueSpan: null, form: 'env', service });
        continue;
      }
      if (!(v instanceof Scalar)) continue;
      const value = String(v.value);
      const vs = innerSpan(text, v);
      out.push({ name, env: name, value, nameSpan, valueSpan: vs, form: 'env', service });
      if (name === 'JAVA_TOOL_OPTIONS' || name === 'JAVA_OPTS' || name === '_JAVA_OPTIONS')
        if (vs && literal(text, v, vs)) out.push(...syspropSettings(value, vs.start, service));
    }
  } else if (isSeq(n)) {
    for (const it of n.items) {
      const v = resolveNode(doc, it);
      if (!(v instanceof Scalar) || !v.range) continue;
      const s = String(v.value ?? '');
      const vs = innerSpan(text, v);
      const exact = literal(text, v, vs);
      const eq = s.indexOf('=');
      const name = (eq < 0 ? s : s.slice(0, eq)).trim();
      if (!/^[A-Za-z_][A-Za-z0-9_.]*$/.test(name)) continue;
      const base = exact ? vs!.start : v.range[0];
      const nameSpan = exact ? { start: base + s.indexOf(name), end: base + s.indexOf(name) + name.length } : { start: v.range[0], end: v.range[1] };
      if (eq < 0) {
        out.push({ name, env: name, value: null, nameSpan, valueSpan: null, form: 'env', service });
        continue;
      }
      const value = s.slice(eq + 1);
      const valueSpan = exact ? { start: base + eq + 1, end: base + s.length } : null;
      out.push({ name, env: name, value, nameSpan, valueSpan, form: 'env', service });
      if ((name === 'JAVA_TOOL_OPTIONS' || name === 'JAVA_OPTS') && valueSpan) out.push(...syspropSettings(value, valueSpan.start, service));
    }
  }
  return out;
}

/** The column of a node's first character. */
function column(text: string, offset: number): number {
  return offset - (text.lastIndexOf('\n', offset - 1) + 1);
}

/** After the line holding `offset` (and the line break), with `lead` when the file ends without one. */
function afterLine(text: string, offset: number): { offset: number; lead?: string; eol: string } {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const n = text.indexOf('\n', offset);
  return n < 0 ? { offset: text.length, lead: eol, eol } : { offset: n + 1, eol };
}

/** The offset where a block node's content ends (its last item's value). */
function contentEnd(n: YNode): number {
  if ((isMap(n) || isSeq(n)) && n.items.length) {
    const last = n.items[n.items.length - 1];
    const v = isPair(last) ? ((last.value as YNode | null) ?? (last.key as YNode)) : (last as YNode);
    if (v && typeof v === 'object' && 'range' in v && v.range) return contentEnd(v);
  }
  return n.range ? n.range[1] : 0;
}

/**
 * Where a new variable goes in an environment node (map: `NAME: "VALUE"`, list: `- NAME=VALUE`), or, when there
 * is none, a new `key:` at the end of the owning block map. Flow collections (`{…}`, `[…]`) are not edited.
 */
export function envInsertion(text: string, doc: Document, owner: YAMLMap, key: string, style: 'compose' | 'k8s' | 'sam'): Insertion | undefined {
  const eolOf = () => (text.includes('\r\n') ? '\r\n' : '\n');
  const pair = (owner.items as YPair[]).find((p) => p.key instanceof Scalar && String(p.key.value) === key);
  const node = pair ? resolveNode(doc, pair.value) : undefined;
  if (pair && (isMap(node) || isSeq(node))) {
    if (node.flow || !node.items.length || isAlias(pair.value)) return undefined;
    const first = node.items[0];
    const firstOff = isPair(first) ? (first.key as YNode).range?.[0] : (first as YNode).range?.[0];
    if (firstOff === undefined) return undefined;
    const at = afterLine(text, contentEnd(node));
    if (isMap(node)) return { offset: at.offset, lead: at.lead, template: `${' '.repeat(column(text, firstOff))}NAME: "VALUE"${at.eol}` };
    // a list: the dash's column, and the gap after it
    const lineStart = text.lastIndexOf('\n', firstOff - 1) + 1;
    const m = /^(\s*)-(\s+)$/.exec(text.slice(lineStart, firstOff));
    if (!m) return undefined;
    if (style === 'k8s') {
      const inner = ' '.repeat(m[1].length + 1 + m[2].length);
      return { offset: at.offset, lead: at.lead, template: `${m[1]}-${m[2]}name: NAME${at.eol}${inner}value: "VALUE"${at.eol}` };
    }
    return { offset: at.offset, lead: at.lead, template: `${m[1]}-${m[2]}NAME=VALUE${at.eol}` };
  }
  if (pair) return undefined; // `environment:` with something else (a scalar, an empty value): leave it to the user
  if (owner.flow || !owner.items.length) return undefined;
  const firstKey = (owner.items[0] as YPair).key as YNode;
  if (!firstKey?.range) return undefined;
  const col = column(text, firstKey.range[0]);
  const at = afterLine(text, contentEnd(owner));
  const eol = at.eol ?? eolOf();
  const ind = ' '.repeat(col);
  if (style === 'k8s')
    return { offset: at.offset, lead: at.lead, prefix: `${ind}${key}:${eol}`, template: `${ind}- name: NAME${eol}${ind}  value: "VALUE"${eol}` };
  return { offset: at.offset, lead: at.lead, prefix: `${ind}${key}:${eol}`, template: `${ind}  NAME: "VALUE"${eol}` };
}

/**
 * Parse options of the deployment-file readers: no duplicate-key check (the yaml package compares each key with every
 * earlier one: 40k environment entries took 35 s).
 */
export const YAML_OPTIONS = { uniqueKeys: false } as const;

/**
 * Whether a map of the document repeats a scalar key (what the yaml package's `uniqueKeys` check reports as an
 * error, found with a Set per map instead of comparing each key with every earlier one).
 */
export function hasDuplicateKeys(doc: Document): boolean {
  let dup = false;
  visit(doc, {
    Map(_k, m) {
      const seen = new Set<unknown>();
      for (const p of m.items) {
        if (!(p.key instanceof Scalar)) continue;
        const v = p.key.value;
        const id = typeof v === 'object' && v !== null ? v : `${typeof v}:${String(v)}`;
        if (seen.has(id)) {
          dup = true;
          return visit.BREAK;
        }
        seen.add(id);
      }
      return undefined;
    },
  });
  return dup;
}
