// Bounded file discovery for the steps (CLI and tree): log globs (absolute or workspace-relative, as the
// `asmTroubleshooter.logs.globs` setting and `steps --logs` take them) and marker/config files in a workspace.
// Every walk is bounded in depth, in result count and by an abort signal; vendored trees are skipped.
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import type * as Tinyglobby from 'tinyglobby';
import { kb } from './kb';

// require(), not import: esbuild then bundles tinyglobby's CommonJS build; its ES module build (and fdir's)
// calls createRequire(import.meta.url), which is undefined in our CommonJS bundles.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { glob, isDynamicPattern } = require('tinyglobby') as typeof Tinyglobby;

export const IGNORED_DIRS = [
  '**/node_modules/**',
  '**/.git/**',
  '**/.hg/**',
  '**/.svn/**',
  '**/vendor/**',
  '**/.venv/**',
  '**/target/**',
  '**/dist/**',
  '**/out/**',
  '**/bin/**',
  '**/obj/**',
];

export interface GlobOptions {
  /** Where relative globs start (the workspace). */
  cwd: string;
  /** Result cap over all globs (default 200). */
  maxFiles?: number;
  /** Directory depth below each glob's static base (default 8). */
  deep?: number;
  signal?: AbortSignal;
}

/** Splits a glob into its static leading directory and the dynamic rest: "/var/log/x/*.log" → ["/var/log/x", "*.log"]. */
export function splitGlob(pattern: string): { base: string; rest: string } {
  const p = pattern.replace(/\\/g, '/');
  const parts = p.split('/');
  const fixed: string[] = [];
  let i = 0;
  for (; i < parts.length - 1; i++) {
    if (isDynamicPattern(parts[i])) break;
    fixed.push(parts[i]);
  }
  const base = fixed.join('/') || (p.startsWith('/') ? '/' : '.');
  return { base, rest: parts.slice(i).join('/') };
}

function isAbsoluteGlob(p: string): boolean {
  return p.startsWith('/') || /^[A-Za-z]:[\\/]/.test(p) || p.startsWith('~/');
}

/**
 * Expands globs into existing regular files, absolute paths, sorted and de-duplicated. A glob that names a
 * directory that does not exist on this machine (a Windows path on Linux) simply yields nothing.
 */
export async function expandGlobs(patterns: string[], opts: GlobOptions): Promise<string[]> {
  const max = opts.maxFiles ?? 200;
  const seen = new Set<string>();
  for (const raw of patterns) {
    if (seen.size >= max || opts.signal?.aborted) break;
    let pattern = raw.trim();
    if (!pattern) continue;
    if (pattern.startsWith('~/') && process.env.HOME) pattern = path.join(process.env.HOME, pattern.slice(2));
    const abs = isAbsoluteGlob(pattern);
    const { base, rest } = splitGlob(pattern);
    const cwd = abs ? base : path.resolve(opts.cwd, base);
    if (!isDynamicPattern(rest)) {
      // A plain path: take it if it is a file.
      const file = path.resolve(cwd, rest);
      try {
        if ((await fsp.stat(file)).isFile()) seen.add(file);
      } catch {
        /* absent */
      }
      continue;
    }
    try {
      await fsp.access(cwd);
    } catch {
      continue;
    }
    let found: string[];
    try {
      found = await glob([rest], {
        cwd,
        absolute: true,
        dot: true,
        deep: opts.deep ?? 8,
        ignore: IGNORED_DIRS,
        followSymbolicLinks: false,
        signal: opts.signal,
      });
    } catch {
      continue; // unreadable directory, aborted
    }
    for (const f of found.sort()) {
      if (seen.size >= max) break;
      seen.add(path.normalize(f));
    }
  }
  return [...seen].sort();
}

/** The default log globs: each tracer's well-known log locations, then every *.log in the workspace. */
export function defaultLogGlobs(): string[] {
  const out: string[] = [];
  for (const t of kb().data.tracers) for (const l of t.logLocations) if (!out.includes(l)) out.push(l);
  if (!out.includes('**/*.log')) out.push('**/*.log');
  return out;
}

/** Files in a workspace matching patterns, relative to it, bounded (used for markers and agent configuration files). */
export async function findWorkspaceFiles(dir: string, patterns: string[], opts: { deep?: number; max?: number; signal?: AbortSignal } = {}): Promise<string[]> {
  try {
    const found = await glob(patterns, { cwd: dir, dot: true, deep: opts.deep ?? 4, ignore: IGNORED_DIRS, followSymbolicLinks: false, signal: opts.signal });
    return found.sort((a, b) => a.split('/').length - b.split('/').length || a.localeCompare(b)).slice(0, opts.max ?? 500);
  } catch {
    return [];
  }
}
