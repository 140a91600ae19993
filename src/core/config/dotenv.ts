// .env files: KEY=VALUE lines as docker compose and the dotenv libraries read them.
import type { AgentVar } from './model';
import { unquote } from './text';

/** KEY=VALUE lines (optional `export`, quotes, trailing `# comment` on unquoted values). */
export function parseDotEnv(text: string, file?: string): AgentVar[] {
  const out: AgentVar[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.]*)\s*=\s*(.*)$/.exec(lines[i]);
    if (!m) continue;
    out.push({ name: m[1], value: unquote(m[2].trim(), true), file, line: i });
  }
  return out;
}
