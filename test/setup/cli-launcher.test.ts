// dist/cli.js runs dist/cli-bundle.js from V8's code cache (src/cli/launcher.ts): the cache is written after the
// first run, used after, rebuilt when corrupt, and a cache that cannot be written changes nothing. The output and exit
// code are the same with and without it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const CLI = path.resolve('dist/cli.js');
const LOG = path.resolve('test/fixtures/logs');

function run(env: Record<string, string>) {
  const r = spawnSync(process.execPath, [CLI, 'check', '--json', LOG], { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 60_000 });
  return { status: r.status, out: r.stdout, err: r.stderr };
}

test('cli launcher: the code cache is written once, reused, rebuilt when corrupt; output identical to a run without it', () => {
  const home = mkdtempSync(path.join(os.tmpdir(), 'asm-cc-'));
  try {
    const dir = path.join(home, 'asm-troubleshooter', 'v8');
    const without = run({ ASM_CLI_CODE_CACHE: '0', XDG_CACHE_HOME: home });
    assert.ok(without.out.includes('"files"'), without.err);
    assert.throws(() => readdirSync(dir), /ENOENT/, 'ASM_CLI_CODE_CACHE=0 writes nothing');
    const first = run({ XDG_CACHE_HOME: home });
    const files = readdirSync(dir);
    assert.equal(files.length, 1);
    assert.match(files[0]!, /^cli-[0-9a-f]{8}-\d+-\d+-v\d+\.\d+\.\d+-\w+\.v8$/);
    // Another checkout's cache in the same folder is left alone.
    writeFileSync(path.join(dir, 'cli-00000000-1-2-v20.0.0-x64.v8'), 'other');
    const cache = readFileSync(path.join(dir, files[0]!));
    assert.ok(cache.length > 10_000);
    const second = run({ XDG_CACHE_HOME: home });
    assert.deepEqual(readFileSync(path.join(dir, files[0]!)), cache, 'an accepted cache is not rewritten');
    writeFileSync(path.join(dir, files[0]!), Buffer.from('not a V8 code cache'));
    const third = run({ XDG_CACHE_HOME: home });
    assert.ok(readFileSync(path.join(dir, files[0]!)).length > 10_000, 'a rejected cache is written again');
    for (const r of [first, second, third]) assert.deepEqual(r, without);
    assert.equal(readFileSync(path.join(dir, 'cli-00000000-1-2-v20.0.0-x64.v8'), 'utf8'), 'other');
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
});

test('cli launcher: a cache directory that cannot be created changes nothing', () => {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'asm-cc-'));
  try {
    const notADir = path.join(tmp, 'file');
    writeFileSync(notADir, 'x');
    const r = run({ XDG_CACHE_HOME: notADir });
    assert.deepEqual(r, run({ ASM_CLI_CODE_CACHE: '0' }));
    assert.equal(r.err.includes('Error'), false, r.err);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});
