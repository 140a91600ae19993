// Completion for AppSec ini files: keys of both eras, and enumerated values.
import { kb } from '../kb';

export interface CompletionEntry {
  label: string;
  /** Text to insert (the key with ` = `, or the value). */
  insertText: string;
  detail: string;
  documentation: string;
  kind: 'key' | 'value';
  deprecated?: boolean;
  /** Replace from this character to the cursor. */
  replaceStart: number;
}

export function completeIni(lineText: string, character: number): CompletionEntry[] {
  const before = lineText.slice(0, character);
  const eq = before.indexOf('=');
  const settings = kb().data.phpSettings;
  if (eq === -1) {
    if (/^\s*[;#\[]/.test(before)) return [];
    const start = before.length - before.trimStart().length;
    return settings.map((s) => ({
      label: s.key,
      insertText: `${s.key} = `,
      detail: `${s.type}, default ${s.default || '""'}${s.era === 'v0.1' ? ' (v0.1 name)' : ''}`,
      documentation: s.meaning,
      kind: 'key' as const,
      deprecated: s.era === 'v0.1',
      replaceStart: start,
    }));
  }
  const key = before.slice(0, eq).trim();
  const s = kb().setting(key);
  if (!s) return [];
  const values = s.allowed ?? (s.type === 'bool' ? ['1', '0', 'true', 'false', 'on', 'off'] : []);
  const afterEq = before.slice(eq + 1);
  const start = eq + 1 + (afterEq.length - afterEq.trimStart().length);
  return values.map((v) => ({ label: v, insertText: v, detail: `${s.key}${v === s.default ? ' (default)' : ''}`, documentation: s.meaning, kind: 'value' as const, replaceStart: start }));
}
