// Hovers and completion for DD_* names and values in deployment files, from the kb (env-vars and the tracers' registries).
import { kb, type ConfigTracer } from '../kb';
import { describeBool, readBool } from './grammar';
import { CONFIG_NAMES } from './rules';
import type { ConfigFile, Setting } from './settings';

const NAMES: Record<ConfigTracer, string> = { java: 'Java', dotnet: '.NET', go: 'Go', ruby: 'Ruby', php: 'PHP', nodejs: 'Node.js', python: 'Python' };
const GRAMMAR_TEXT: Record<string, string> = {
  'java-activation': 'on for `true` (any case) or `1`; `inactive` waits for remote activation; anything else is off',
  'go-parsebool': '`strconv.ParseBool`: 1, t, T, TRUE, true, True / 0, f, F, FALSE, false, False; anything else is dropped',
  'python-envier': 'on for 1, true, yes, on (any case); anything else is off',
  'node-bool': 'true/1 or false/0 (any case); anything else is ignored',
  'php-zai-bool': 'on for 1, on, yes, true (any case); anything else is off',
  'ruby-bool': 'on for 1 or true (any case); anything else is off',
  'dotnet-bool': 't, y, 1, true, yes / f, n, 0, false, no (any case); anything else is ignored',
  'int-us': 'an integer number of microseconds',
  'float-ms': 'a number of **milliseconds** (a float)',
  'go-duration-us': 'microseconds, or a Go duration such as 2ms',
};

/** The setting whose name or value holds this offset. */
export function settingAt(model: ConfigFile, offset: number): Setting | undefined {
  for (const svc of model.services) {
    for (const s of svc.settings) {
      if (offset >= s.nameSpan.start && offset <= s.nameSpan.end) return s;
      if (s.valueSpan && offset >= s.valueSpan.start && offset <= s.valueSpan.end) return s;
    }
  }
  return undefined;
}

/** Markdown for a DD_* name (and, with a setting, what its value means to each tracer). */
export function describeName(env: string, s?: Setting, tracer?: ConfigTracer): string | null {
  const def = kb().envVar(env);
  const readers = CONFIG_NAMES.names[env];
  if (!def && !readers) return null;
  const parts = [`**${env}**${s && s.name !== env ? ` (as \`${s.name}\`)` : ''}`];
  if (def) parts.push(def.meaning, `Default: ${def.default ?? 'none'}.`);
  if (readers) parts.push(`Read by: ${readers.map((t) => NAMES[t]).join(', ')}.`);
  if (def?.grammar) {
    const list = (tracer ? [tracer] : (Object.keys(def.grammar) as ConfigTracer[])).filter((t) => def.grammar![t]);
    const lines = list.map((t) => {
      const g = def.grammar![t]!;
      const r = s?.value != null ? readBool(g, s.value) : null;
      return `- ${NAMES[t]}: ${GRAMMAR_TEXT[g] ?? g}${r ? ` — \`${s!.value}\` is **${describeBool(r)}**` : ''}`;
    });
    if (lines.length) parts.push(lines.join('\n'));
  }
  if (def?.readInstead)
    parts.push(
      `Read instead: ${Object.entries(def.readInstead)
        .map(([t, n]) => `${NAMES[t as ConfigTracer]} reads ${n}`)
        .join('; ')}.`,
    );
  if (def?.since)
    parts.push(
      `Since: ${Object.entries(def.since)
        .map(([t, v]) => `${NAMES[t as ConfigTracer]} ${v}`)
        .join('; ')}.`,
    );
  return parts.join('\n\n');
}

export interface NameCompletion {
  label: string;
  detail: string;
  documentation?: string;
}

/** DD_* names starting with `prefix` (kb entries first, then the tracers' registries), at most `max`. */
export function completeNames(prefix: string, max = 200): NameCompletion[] {
  const p = prefix.toUpperCase();
  const out: NameCompletion[] = [];
  const seen = new Set<string>();
  for (const e of kb().data.envVars) {
    if (!e.name.startsWith(p) || seen.has(e.name)) continue;
    seen.add(e.name);
    out.push({ label: e.name, detail: e.type, documentation: e.meaning });
  }
  for (const [n, ts] of Object.entries(CONFIG_NAMES.names)) {
    if (out.length >= max) break;
    if (!n.startsWith(p) || seen.has(n)) continue;
    seen.add(n);
    out.push({ label: n, detail: `read by ${ts.map((t) => NAMES[t]).join(', ')}` });
  }
  return out.slice(0, max);
}

/** Values to offer for a variable: its switch values, or nothing. */
export function completeValues(env: string, tracer?: ConfigTracer): string[] {
  const def = kb().envVar(env);
  if (!def) return [];
  if (def.type === 'bool' || def.grammar) {
    if (env === 'DD_APPSEC_ENABLED' && (!tracer || tracer === 'java')) return ['true', 'false', 'inactive'];
    if (def.grammar && Object.values(def.grammar).some((g) => g.startsWith('int') || g.startsWith('float') || g.startsWith('go-d'))) return [];
    return ['true', 'false'];
  }
  return [];
}
