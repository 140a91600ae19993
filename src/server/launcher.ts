// dist/server-start.js: what the VS Code client starts. It runs the language server bundle (dist/server.js) from
// V8's code cache, as dist/cli.js does for the CLI: compiling the 1 MB bundle was about 100 ms of the server's
// ~160 ms start-up on the 2-core test machine (with the cache: ~60 ms), time the user waits for the steps tree's
// first verdict after activation. The cache is written once per bundle, Node.js version and architecture, a few
// seconds after start (so it holds the functions start-up and the first analyses compiled) or at exit, into
// ~/.cache/asm-troubleshooter/v8 (XDG_CACHE_HOME is honoured; ASM_SERVER_CODE_CACHE=0 turns it off). A missing,
// stale or rejected cache only costs the compile; a cache that cannot be written is ignored. Plain LSP clients and
// the tests may start dist/server.js itself: the same server, without the cache.
import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import Module from 'node:module';
import os from 'node:os';
import path from 'node:path';
import vm from 'node:vm';

const bundle = path.join(__dirname, 'server.js');
/** How long after start the cache is written (the process may also run for hours). */
const WRITE_AFTER_MS = 5000;

/** 32-bit FNV-1a of the bundle's path, in hex: one cache per installed copy of the extension. */
function pathKey(p: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < p.length; i++) h = Math.imul(h ^ p.charCodeAt(i), 0x01000193) >>> 0;
  return h.toString(16).padStart(8, '0');
}

const source = readFileSync(bundle, 'utf8');
let cacheFile: string | null = null;
let cached: Buffer | undefined;
if (process.env.ASM_SERVER_CODE_CACHE !== '0') {
  try {
    const st = statSync(bundle);
    const dir = path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'asm-troubleshooter', 'v8');
    cacheFile = path.join(dir, `server-${pathKey(bundle)}-${st.size}-${Math.floor(st.mtimeMs)}-${process.version}-${process.arch}.v8`);
    cached = readFileSync(cacheFile);
  } catch {
    cached = undefined;
  }
}
const script = new vm.Script((Module as unknown as { wrap(s: string): string }).wrap(source), { filename: bundle, ...(cached ? { cachedData: cached } : {}) });
if (cacheFile && (!cached || script.cachedDataRejected)) {
  const target = cacheFile;
  let written = false;
  const write = () => {
    if (written) return;
    written = true;
    try {
      const dir = path.dirname(target);
      mkdirSync(dir, { recursive: true });
      // Caches of older builds of this bundle (same path) are dropped, not those of other installs; the write is atomic.
      const mine = `server-${pathKey(bundle)}-`;
      for (const f of readdirSync(dir)) if (f.startsWith(mine) && f.endsWith('.v8') && path.join(dir, f) !== target) unlinkSync(path.join(dir, f));
      const tmp = `${target}.${process.pid}.tmp`;
      writeFileSync(tmp, script.createCachedData());
      renameSync(tmp, target);
    } catch {
      // read-only or full home: no cache, same behaviour
    }
  };
  setTimeout(write, WRITE_AFTER_MS).unref();
  process.once('exit', write);
}
// The bundle runs as this very module, named after its file (its require resolves from dist/, as it would itself).
(script.runInThisContext() as (...a: unknown[]) => void).call(module.exports, module.exports, require, module, bundle, __dirname);
