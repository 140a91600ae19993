// Shared helpers of the ini rules: the knowledge base's settings by prefix and suffix, value unquoting, the file's era,
// edit ranges that keep every other byte, and a bounded Damerau-Levenshtein distance for suggestions.
import { kb, type PhpSetting } from '../kb';
import { range, type Range, type TextEdit } from '../finding';
import type { IniFile, IniLine, IniEntry } from './parse';

export const PREFIX_V01 = 'ddappsec.';
export const PREFIX_V02 = 'datadog.appsec.';
export type Prefix = typeof PREFIX_V01 | typeof PREFIX_V02;

/** Quote characters PHP does not treat as quotes (typographic), and the straight ones it does. */
export const SMART_QUOTE = /[‘’‚“”„]/;
const ANY_QUOTE = new Set(['"', "'", '‘', '’', '‚', '“', '”', '„', '`']);

export function prefixOf(key: string): Prefix | null {
  if (key.startsWith(PREFIX_V02)) return PREFIX_V02;
  if (key.startsWith(PREFIX_V01)) return PREFIX_V01;
  return null;
}

export function suffixOf(key: string): string {
  const p = prefixOf(key);
  return p ? key.slice(p.length) : key;
}

/** The KB setting of `suffix` under `prefix`, if that era has it. */
export function settingFor(prefix: Prefix, suffix: string): PhpSetting | undefined {
  return kb().setting(prefix + suffix);
}

/** All suffixes known in any era. */
export function knownSuffixes(): Set<string> {
  return new Set(kb().data.phpSettings.map((s) => suffixOf(s.key)));
}

/** The value without one pair of wrapping quotes (straight or typographic, matched or not), with its span in the line. */
export interface Inner {
  text: string;
  start: number;
  end: number;
  /** The value had typographic quotes somewhere. */
  smart: boolean;
}

/**
 * The value refers to an environment or ini variable (`${NAME}`), which PHP's ini scanner expands when the file is
 * read (unquoted or in double quotes; a single-quoted value is raw): its real value is unknown here.
 */
export function expandsVariable(e: IniEntry): boolean {
  return e.rawValue[0] !== "'" && /\$\{[^}\r\n]{1,200}\}/.test(e.rawValue);
}

export function innerValue(e: IniEntry): Inner {
  let s = e.valueStart;
  let t = e.valueEnd;
  const raw = e.rawValue;
  if (raw.length >= 1 && ANY_QUOTE.has(raw[0]!)) s++;
  if (raw.length >= 2 && ANY_QUOTE.has(raw[raw.length - 1]!)) t--;
  if (t < s) t = s;
  const text = raw.slice(s - e.valueStart, t - e.valueStart);
  return { text, start: s, end: t, smart: SMART_QUOTE.test(raw) };
}

/** The prefix the file uses for its AppSec settings: datadog.appsec. unless it only has ddappsec. keys. */
export function fileEra(file: IniFile): Prefix {
  let v01 = 0;
  let v02 = 0;
  for (const l of file.lines) {
    if (l.kind !== 'entry') continue;
    const p = prefixOf(l.entry!.key);
    if (p === PREFIX_V01) v01++;
    else if (p === PREFIX_V02) v02++;
  }
  return v01 > 0 && v02 === 0 ? PREFIX_V01 : PREFIX_V02;
}

/** The file's line break (its first one), '\n' when it has none. */
export function fileEol(file: IniFile): string {
  return file.lines.find((l) => l.eol)?.eol ?? '\n';
}

/** The range of a whole line with its line break: deleting it keeps every other byte (and the others' CRLF/LF). */
export function wholeLineRange(file: IniFile, l: IniLine): Range {
  if (l.eol) return { start: { line: l.line, character: 0 }, end: { line: l.line + 1, character: 0 } };
  // The last line has no break: take the previous line's break with it, so no empty line is left behind.
  const prev = file.lines[l.line - 1];
  if (prev) return { start: { line: prev.line, character: prev.text.length }, end: { line: l.line, character: l.text.length } };
  return range(l.line, 0, l.text.length);
}

export function deleteLine(file: IniFile, l: IniLine): TextEdit {
  return { range: wholeLineRange(file, l), newText: '' };
}

/**
 * Optimal-string-alignment (restricted Damerau-Levenshtein) distance, or max+1 once it is sure to exceed max.
 * O(|a|·|b|) with an early exit; keys are short, and callers cap lengths.
 */
export function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  if (a.length > 200 || b.length > 200) return max + 1;
  const n = b.length;
  let prev2 = new Array<number>(n + 1).fill(0);
  let prev = Array.from({ length: n + 1 }, (_, j) => j);
  let cur = new Array<number>(n + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    let rowMin = cur[0];
    for (let j = 1; j <= n; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, prev2[j - 2]! + 1);
      cur[j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return max + 1;
    [prev2, prev, cur] = [prev, cur, prev2];
  }
  return prev[n]!;
}

/** The AppSec-looking lines a rule checks: every AppSec key (both prefixes). */
export function appsecEntries(lines: IniLine[]): IniLine[] {
  return lines.filter((l) => l.kind === 'entry' && prefixOf(l.entry!.key) !== null);
}

/**
 * Where the helper's socket, lock and runtime directory go when the configured place is unusable. A dedicated
 * directory under /var/run (tmpfs, cleared at boot) owned by the PHP user: it is what the guide's "directory with
 * compatible permissions" asks for, keeps the socket away from a shared /tmp, and is one directory for v0.1's socket
 * and lock and v0.2's runtime path alike. It must be created for the PHP user (see WRITABLE_DIR_HOWTO).
 */
export const WRITABLE_DIR = '/var/run/ddappsec/';
/** The shell command that creates WRITABLE_DIR for the PHP user (www-data: Debian/Ubuntu's Apache/FPM user). */
export const WRITABLE_DIR_COMMAND = 'sudo install -d -o www-data -g www-data -m 0750 /var/run/ddappsec';
export const WRITABLE_DIR_HOWTO = `create it for the PHP user, e.g. \`${WRITABLE_DIR_COMMAND}\` (your Apache/FPM user), and add \`d /run/ddappsec 0750 www-data www-data -\` to /etc/tmpfiles.d/ddappsec.conf so it survives a reboot`;

/** Quote a value for a message. */
export const q = (s: string) => '`' + s.replace(/`/g, "'") + '`';
