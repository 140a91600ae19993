// Which settings hold paths, and how a path value reads: shared by ini-relative-path, ini-placeholder and
// ini-unwritable-path.
import { kb, type PhpSetting } from '../../kb';
import type { IniLine } from '../parse';
import { expandsVariable, innerValue, type Inner } from '../model';

export const PLACEHOLDER = /<[^<>\r\n]{1,200}>/;

export interface PathValue {
  line: IniLine;
  setting: PhpSetting;
  inner: Inner;
}

/** The AppSec entries whose value is a file or directory path (log-file special values excluded). */
export function pathValues(lines: IniLine[]): PathValue[] {
  const out: PathValue[] = [];
  for (const l of lines) {
    const s = kb().setting(l.entry!.key);
    if (!s || (s.type !== 'path' && s.type !== 'log-file')) continue;
    const inner = innerValue(l.entry!);
    const t = inner.text;
    if (t.trim() === '' || expandsVariable(l.entry!)) continue; // ${VAR}: PHP expands it, the path is not this text
    if (s.type === 'log-file' && s.allowed?.includes(t)) continue;
    out.push({ line: l, setting: s, inner });
  }
  return out;
}

/** An absolute path (Unix), or an abstract socket name (@…) for the runtime path. */
export function isAbsoluteish(p: string, s: PhpSetting): boolean {
  return p.startsWith('/') || (s.writable === 'dir' && p.startsWith('@'));
}
