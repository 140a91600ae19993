// Completion for AppSec ini files: keys of both eras (the current datadog.appsec.* first, v0.1 ddappsec.* and removed
// ones marked deprecated), and values: enumerations, booleans, log-file special values, the guide's debug values.
import { settingHover } from '../hover';
import { kb, type PhpSetting } from '../kb';
import { WRITABLE_DIR } from './model';

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
  /** Order among the entries (VS Code sorts by it). */
  sortText?: string;
}

const BOOL_VALUES: readonly [string, string][] = [
  ['1', 'on'],
  ['0', 'off'],
  ['true', 'on'],
  ['false', 'off'],
];

/** Deprecated: v0.1 names and settings renamed or removed since (the editor strikes them through). */
export function isDeprecated(s: PhpSetting): boolean {
  return s.era === 'v0.1' || !!s.renamedTo || !!s.until;
}

function keyDetail(s: PhpSetting): string {
  const era = s.era === 'v0.1' ? 'v0.1 name' : s.until ? `until ${s.until}` : s.since ? `since ${s.since}` : 'dd-trace-php';
  return `${s.type}${s.unit ? ` (${s.unit.split(' (')[0]})` : ''}, default ${s.default === '' ? '""' : s.default}${s.env ? `, ${s.env}` : ''} — ${era}${s.renamedTo ? `, now ${s.renamedTo}` : ''}`;
}

/** Values worth offering for a setting, with a short note each. */
function valuesFor(s: PhpSetting): [string, string][] {
  const out: [string, string][] = [];
  if (s.type === 'bool') out.push(...BOOL_VALUES);
  else if (s.allowed) for (const a of s.allowed) out.push([a, a === s.default ? 'default' : s.type === 'log-file' ? 'special value' : '']);
  if (s.key.endsWith('.log_level') && !s.key.endsWith('helper_log_level')) out.sort((a, b) => Number(b[0] === 'debug') - Number(a[0] === 'debug'));
  if (s.type === 'log-file') out.push(['/tmp/extension.log', "a file (the guide's example, made absolute)"]);
  if (s.key.endsWith('.helper_log_file')) out.push(['/tmp/helper.log', "the troubleshooting guide's value"], ['/dev/null', 'default: no helper log']);
  if (s.key.endsWith('.helper_extra_args')) out.push(['--log_level=debug', "the troubleshooting guide's value"]);
  if (s.key.endsWith('.helper_runtime_path')) out.push([WRITABLE_DIR, 'a dedicated directory owned by the PHP user'], ['/tmp/', 'default']);
  if (s.key.endsWith('.helper_socket_path'))
    out.push([WRITABLE_DIR + 'ddappsec.sock', 'in a directory owned by the PHP user'], ['/tmp/ddappsec.sock', 'default']);
  if (s.key.endsWith('.helper_lock_path'))
    out.push([WRITABLE_DIR + 'ddappsec.lock', 'in a directory owned by the PHP user'], ['/tmp/ddappsec.lock', 'default']);
  if (s.type === 'duration-us' || s.type === 'uint' || s.type === 'int') if (!out.length && s.default) out.push([s.default, 'default']);
  const seen = new Set<string>();
  return out.filter(([v]) => (seen.has(v) ? false : (seen.add(v), true)));
}

/**
 * Completions at `character` of `lineText` (the whole line). Before `=`: keys; after it: values of that key.
 */
export function completeIni(lineText: string, character: number): CompletionEntry[] {
  if (lineText.length > 100_000) return [];
  const before = lineText.slice(0, character);
  const eq = before.indexOf('=');
  const settings = kb().data.phpSettings;
  if (eq === -1) {
    if (/^\s*[;#\[]/.test(before)) return [];
    const start = before.length - before.trimStart().length;
    if (/\s/.test(before.slice(start))) return []; // past the key: a value without = is ini-syntax's business
    const hasEq = lineText.slice(character).includes('=');
    return settings.map((s) => {
      const dep = isDeprecated(s);
      const e: CompletionEntry = {
        label: s.key,
        insertText: hasEq ? s.key : `${s.key} = `,
        detail: keyDetail(s),
        documentation: settingHover(s.key) ?? s.meaning,
        kind: 'key',
        replaceStart: start,
        sortText: `${dep ? '1' : '0'}${s.key}`,
      };
      if (dep) e.deprecated = true;
      return e;
    });
  }
  const key = before.slice(0, eq).trim();
  const s = kb().setting(key);
  if (!s) return [];
  const afterEq = before.slice(eq + 1);
  const start = eq + 1 + (afterEq.length - afterEq.trimStart().length);
  return valuesFor(s).map(([v, note], i) => ({
    label: v,
    insertText: v,
    detail: `${s.key}${note ? ` — ${note}` : ''}`,
    documentation: s.meaning,
    kind: 'value' as const,
    replaceStart: start,
    sortText: String(i).padStart(3, '0'),
  }));
}
