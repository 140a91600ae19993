// .env files: KEY=VALUE lines as docker compose and the dotenv libraries read them.
import type { AgentVar } from './model';
import { hasLineTerminator, skipSpace, unquote } from './text';

/** KEY=VALUE lines (optional `export`, quotes, trailing `# comment` on unquoted values). */
export function parseDotEnv(text: string, file?: string): AgentVar[] {
  const out: AgentVar[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const m = matchAssignment(lines[i]);
    if (!m) continue;
    out.push({ name: m[0], value: unquote(m[1].trim(), true), file, line: i });
  }
  return out;
}

const isNameStart = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
const isNameChar = (c: number) => isNameStart(c) || (c >= 48 && c <= 57) || c === 46;

/**
 * What /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.]*)\s*=\s*(.*)$/ captures, in linear time: that regex backtracks
 * `\s*` against `(.*)` when the value holds a line terminator `.` cannot match (`FOO=<tabs>A\rB`: quadratic, 15 s
 * at 200 KB). Such a line still does not match.
 */
function matchAssignment(l: string): [string, string] | null {
  const from = (j: number): [string, string] | null => {
    if (!isNameStart(l.charCodeAt(j))) return null;
    let k = j + 1;
    while (k < l.length && isNameChar(l.charCodeAt(k))) k++;
    const name = l.slice(j, k);
    k = skipSpace(l, k);
    if (l[k] !== '=') return null;
    k = skipSpace(l, k + 1);
    return hasLineTerminator(l, k) ? null : [name, l.slice(k)];
  };
  const i = skipSpace(l, 0);
  if (l.startsWith('export', i)) {
    const j = skipSpace(l, i + 6);
    const m = j > i + 6 ? from(j) : null;
    if (m) return m;
  }
  return from(i);
}
