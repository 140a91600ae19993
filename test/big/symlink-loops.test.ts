// `check DIR` over directories with symlink loops (issue 18, point 11): one loop made the walk analyse the same
// file once per level until the path got too long (41 times), two loops made it exponential (a hang). Each real
// directory and file is followed once. The walk runs in a worker (this file, re-entered) so a hang cannot block the
// runner; the 60 s bound only catches a hang, it is not a timing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { expandInputs } from '../../src/core/files';
import { inWorker as runInWorker } from '../support/worker';

type Out = Awaited<ReturnType<typeof expandInputs>>;

if (!isMainThread) {
  const { inputs } = workerData as { inputs: string[] };
  void expandInputs(inputs).then((r) => parentPort!.postMessage(r));
} else {
  const inWorker = (inputs: string[]): Promise<Out> => runInWorker<Out>(__filename, { inputs }, 'symlink loops', 60);

  test('symlink loops: one loop — each log is listed once', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'asm-loop1-'));
    try {
      writeFileSync(path.join(dir, 'a.log'), 'x\n');
      symlinkSync('.', path.join(dir, 'self'));
      const r = await inWorker([dir]);
      assert.deepEqual(r.files, [path.join(dir, 'a.log')]);
      assert.deepEqual(r.errors, []);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('symlink loops: two loops and a link to a file — completes, each real file once, under its first path', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'asm-loop2-'));
    try {
      mkdirSync(path.join(dir, 'sub'));
      writeFileSync(path.join(dir, 'a.log'), 'x\n');
      writeFileSync(path.join(dir, 'sub', 'b.log'), 'y\n');
      symlinkSync('..', path.join(dir, 'sub', 'up'));
      symlinkSync('.', path.join(dir, 'sub', 'here'));
      symlinkSync('sub', path.join(dir, 'down'));
      symlinkSync('a.log', path.join(dir, 'z-alias.log'));
      const r = await inWorker([dir]);
      assert.deepEqual(r.files, [path.join(dir, 'a.log'), path.join(dir, 'down', 'b.log')]);
      assert.deepEqual(r.errors, []);
      // Named twice (directly and through a link): still once.
      const again = await inWorker([path.join(dir, 'a.log'), path.join(dir, 'z-alias.log'), dir]);
      assert.deepEqual(again.files, [path.join(dir, 'a.log'), path.join(dir, 'down', 'b.log')]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
