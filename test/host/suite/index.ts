// The extension-host test runner, loaded by VS Code through extensionTestsPath (code-server payload or
// @vscode/test-electron). Loads every other compiled suite file next to it (*.test.js), runs the registered
// tests one by one with a timeout each, prints one line per test and, when ASM_HOST_RESULTS names a file,
// writes the results there as JSON for test/host/run.mjs. Rejects when a test failed, so the host exits 1.
import { readdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { registry } from '../support/hostTest';

interface Result {
  file: string;
  name: string;
  ok: boolean;
  ms: number;
  error?: string;
}

function withTimeout(p: Promise<void>, ms: number, name: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`test "${name}" timed out after ${ms} ms`)), ms)));
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

export async function run(): Promise<void> {
  const results: Result[] = [];
  const grep = process.env.ASM_HOST_GREP ? new RegExp(process.env.ASM_HOST_GREP) : undefined;
  const files = readdirSync(__dirname)
    .filter((f) => f.endsWith('.test.js'))
    .sort();
  for (const f of files) {
    const before = registry().length;
    try {
      require(path.join(__dirname, f));
    } catch (e) {
      results.push({ file: f, name: '(load)', ok: false, ms: 0, error: String((e as Error)?.stack ?? e) });
    }
    for (const t of registry().slice(before)) t.file = f;
  }
  for (const t of registry()) {
    if (grep && !grep.test(`${t.file} ${t.name}`)) continue;
    const t0 = Date.now();
    try {
      await withTimeout(Promise.resolve().then(t.fn), t.timeoutMs, t.name);
      results.push({ file: t.file!, name: t.name, ok: true, ms: Date.now() - t0 });
    } catch (e) {
      results.push({ file: t.file!, name: t.name, ok: false, ms: Date.now() - t0, error: String((e as Error)?.stack ?? e) });
    }
    const r = results[results.length - 1]!;
    console.log(`${r.ok ? 'ok  ' : 'FAIL'} ${r.file} › ${r.name} (${r.ms} ms)${r.error ? `\n${r.error}` : ''}`);
  }
  if (process.env.ASM_HOST_RESULTS) writeFileSync(process.env.ASM_HOST_RESULTS, JSON.stringify(results, null, 2));
  const failed = results.filter((r) => !r.ok).length;
  if (!results.length) throw new Error('no extension-host tests found next to ' + __dirname);
  if (failed) throw new Error(`${failed} of ${results.length} extension-host tests failed`);
}
