// Validation of the knowledge base with zod. Used at build time (esbuild.mjs) and in tests, never bundled
// into the extension, server or CLI (zod alone would triple their size).
import { Kb, type KbData } from './schema';
import { KbError } from './index';

export { KbError };


/** Validates raw knowledge-base data; throws KbError naming the file, entry and field of every problem. */
export function validateKb(raw: unknown): KbData {
  const r = Kb.safeParse(raw);
  if (!r.success) {
    const lines = r.error.issues.slice(0, 20).map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new KbError(`knowledge base is invalid:\n${lines.join('\n')}`);
  }
  const data = r.data;
  const dup = (what: string, keys: string[]) => {
    const seen = new Set<string>();
    for (const k of keys) {
      if (seen.has(k)) throw new KbError(`knowledge base is invalid: duplicate ${what} ${k}`);
      seen.add(k);
    }
  };
  dup('finding code', data.findings.map((f) => f.code));
  dup('DDAS code', data.ddas.map((d) => d.code));
  dup('PHP setting', data.phpSettings.map((s) => s.key));
  dup('rule', data.rules.map((s) => s.id));
  dup('message', data.messages.map((s) => s.id));
  dup('env var', data.envVars.map((s) => s.name));
  dup('log field', data.logFields.map((f) => f.name));
  const codes = new Set([...data.findings.map((f) => f.code), ...data.ddas.map((d) => d.code)]);
  for (const m of data.messages) {
    if (!codes.has(m.finding)) throw new KbError(`knowledge base is invalid: message ${m.id} raises unknown finding ${m.finding}`);
    try {
      new RegExp(m.pattern);
    } catch (e) {
      throw new KbError(`knowledge base is invalid: message ${m.id} has a bad pattern: ${(e as Error).message}`);
    }
  }
  for (const s of data.phpSettings) {
    if (s.renamedTo && !data.phpSettings.some((t) => t.key === s.renamedTo)) throw new KbError(`knowledge base is invalid: ${s.key} renamedTo unknown ${s.renamedTo}`);
  }
  return data;
}

