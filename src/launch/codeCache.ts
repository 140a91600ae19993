// Runs a bundle from V8's code cache: what dist/cli.js (src/cli/launcher.ts) and dist/server-start.js
// (src/server/launcher.ts) do. Node 20 has no module.enableCompileCache: this is its equivalent. The cache is written
// once per bundle, Node.js version and architecture — at exit, and for long-running processes also `writeAfterMs`
// after start, so it holds the functions start-up and the first work compiled — into ~/.cache/asm-troubleshooter/v8
// (XDG_CACHE_HOME is honoured; `<envVar>=0` turns it off). A missing, stale or rejected cache only costs the
// compile; a cache that cannot be written is ignored. Caches of older builds of the same bundle path are dropped,
// not those of other installs or checkouts; the write is atomic (parallel runs may race).
import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import Module from 'node:module';
import os from 'node:os';
import path from 'node:path';
import vm from 'node:vm';

export interface CodeCacheOptions {
  /** Absolute path of the bundle to run. */
  bundle: string;
  /** Cache file name prefix (`cli`, `server`). */
  prefix: string;
  /** The environment variable that turns the cache off with `0`. */
  envVar: string;
  /** Also write the cache this long after start (long-running processes). */
  writeAfterMs?: number;
}

/** 32-bit FNV-1a of the bundle's path, in hex: one cache per installed copy. */
function pathKey(p: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < p.length; i++) h = Math.imul(h ^ p.charCodeAt(i), 0x01000193) >>> 0;
  return h.toString(16).padStart(8, '0');
}

/**
 * Runs `opts.bundle` as the calling entry module itself (its `module`, `require` and `__dirname`, so a
 * `require.main === module` check in the bundle holds), named after its own file.
 */
export function runFromCodeCache(entry: NodeJS.Module, req: NodeJS.Require, dirname: string, opts: CodeCacheOptions): void {
  const { bundle, prefix } = opts;
  const source = readFileSync(bundle, 'utf8');
  let cacheFile: string | null = null;
  let cached: Buffer | undefined;
  if (process.env[opts.envVar] !== '0') {
    try {
      const st = statSync(bundle);
      const dir = path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'asm-troubleshooter', 'v8');
      cacheFile = path.join(dir, `${prefix}-${pathKey(bundle)}-${st.size}-${Math.floor(st.mtimeMs)}-${process.version}-${process.arch}.v8`);
      cached = readFileSync(cacheFile);
    } catch {
      cached = undefined;
    }
  }
  const script = new vm.Script((Module as unknown as { wrap(s: string): string }).wrap(source), {
    filename: bundle,
    ...(cached ? { cachedData: cached } : {}),
  });
  if (cacheFile && (!cached || script.cachedDataRejected)) {
    const target = cacheFile;
    let written = false;
    const write = () => {
      if (written) return;
      written = true;
      try {
        const dir = path.dirname(target);
        mkdirSync(dir, { recursive: true });
        const mine = `${prefix}-${pathKey(bundle)}-`;
        for (const f of readdirSync(dir)) if (f.startsWith(mine) && f.endsWith('.v8') && path.join(dir, f) !== target) unlinkSync(path.join(dir, f));
        const tmp = `${target}.${process.pid}.tmp`;
        writeFileSync(tmp, script.createCachedData());
        renameSync(tmp, target);
      } catch {
        // read-only or full home: no cache, same behaviour
      }
    };
    if (opts.writeAfterMs !== undefined) setTimeout(write, opts.writeAfterMs).unref();
    process.once('exit', write);
  }
  (script.runInThisContext() as (...a: unknown[]) => void).call(entry.exports, entry.exports, req, entry, bundle, dirname);
}
