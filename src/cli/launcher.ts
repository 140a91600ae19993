// dist/cli.js: starts the CLI bundle (dist/cli-bundle.js) from V8's code cache. Compiling the 400 KB bundle was most
// of the CLI's own start-up (measured on `check` of a one-line file: ~15 ms of CPU of ~25 ms above `node -e 0`;
// with the cache, ~5 ms). The cache is written once per bundle, Node.js version and architecture, after the first
// run (so it also holds the functions that run compiled), into ~/.cache/asm-troubleshooter/v8 (XDG_CACHE_HOME is
// honoured; ASM_CLI_CODE_CACHE=0 turns it off). Node 20 has no module.enableCompileCache: this is its equivalent.
// A missing, stale or rejected cache only costs the compile; a cache that cannot be written is ignored.
import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import Module from 'node:module';
import os from 'node:os';
import path from 'node:path';
import vm from 'node:vm';

const bundle = path.join(__dirname, 'cli-bundle.js');

/** 32-bit FNV-1a of the bundle's path, in hex: one cache per installed copy of the CLI. */
function pathKey(p: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < p.length; i++) h = Math.imul(h ^ p.charCodeAt(i), 0x01000193) >>> 0;
  return h.toString(16).padStart(8, '0');
}
const source = readFileSync(bundle, 'utf8');
let cacheFile: string | null = null;
let cached: Buffer | undefined;
if (process.env.ASM_CLI_CODE_CACHE !== '0') {
  try {
    const st = statSync(bundle);
    const dir = path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'asm-troubleshooter', 'v8');
    cacheFile = path.join(dir, `cli-${pathKey(bundle)}-${st.size}-${Math.floor(st.mtimeMs)}-${process.version}-${process.arch}.v8`);
    cached = readFileSync(cacheFile);
  } catch {
    cached = undefined;
  }
}
const script = new vm.Script((Module as unknown as { wrap(s: string): string }).wrap(source), { filename: bundle, ...(cached ? { cachedData: cached } : {}) });
if (cacheFile && (!cached || script.cachedDataRejected)) {
  const target = cacheFile;
  process.once('exit', () => {
    try {
      const dir = path.dirname(target);
      mkdirSync(dir, { recursive: true });
      // Caches of older builds of this bundle (same path) are dropped, not those of other installs or checkouts;
      // the write is atomic (parallel runs may race).
      const mine = `cli-${pathKey(bundle)}-`;
      for (const f of readdirSync(dir)) if (f.startsWith(mine) && f.endsWith('.v8') && path.join(dir, f) !== target) unlinkSync(path.join(dir, f));
      const tmp = `${target}.${process.pid}.tmp`;
      writeFileSync(tmp, script.createCachedData());
      renameSync(tmp, target);
    } catch {
      // read-only or full home: no cache, same behaviour
    }
  });
}
// The bundle runs as this very module (so its `require.main === module` entry check holds), named after its file.
(script.runInThisContext() as (...a: unknown[]) => void).call(module.exports, module.exports, require, module, bundle, __dirname);
