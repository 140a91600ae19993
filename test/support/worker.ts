// Runs a test file's own code in a worker thread with a hang guard: the way the safety tests give a super-linear
// case a generous bound without a timed assertion (a hang fails the test; a fast answer says nothing about speed).
import { Worker } from 'node:worker_threads';

/** Starts `file` (the calling test's __filename) as a worker with `data`; resolves with its first message. */
export async function inWorker<T>(file: string, data: unknown, what: string, seconds: number): Promise<T> {
  const w = new Worker(file, { workerData: data });
  try {
    return await new Promise<T>((resolve, reject) => {
      const guard = setTimeout(() => reject(new Error(`${what}: no answer within ${seconds} s (a hang)`)), seconds * 1000);
      w.once('message', (m: T) => {
        clearTimeout(guard);
        resolve(m);
      });
      w.once('error', (e) => {
        clearTimeout(guard);
        reject(e);
      });
    });
  } finally {
    await w.terminate();
  }
}
