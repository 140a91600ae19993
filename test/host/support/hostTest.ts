// Registration and polling helpers for the extension-host suites (test/host/suite/*.test.ts).
// Every suite file is bundled on its own, so a module-level array would not be shared with the runner
// (test/host/suite/index.ts): the registry lives on globalThis under a well-known symbol instead.
export type HostTestFn = () => void | Promise<void>;

export interface RegisteredTest {
  name: string;
  fn: HostTestFn;
  timeoutMs: number;
  file?: string;
}

const KEY = Symbol.for('asm-troubleshooter.hostTests');

export function registry(): RegisteredTest[] {
  const g = globalThis as unknown as Record<symbol, RegisteredTest[] | undefined>;
  return (g[KEY] ??= []);
}

/** Declares a test; runs after every suite file has loaded, in file then declaration order. */
export function test(name: string, fn: HostTestFn, opts: { timeoutMs?: number } = {}): void {
  registry().push({ name, fn, timeoutMs: opts.timeoutMs ?? 60_000 });
}

/** Polls `probe` until it returns a value other than undefined/false; bounded by count and time, never a fixed sleep. */
export async function waitFor<T>(
  what: string,
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  opts: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<T> {
  const timeoutMs = opts.timeoutMs ?? 20_000;
  const intervalMs = opts.intervalMs ?? 100;
  const deadline = Date.now() + timeoutMs;
  for (let i = 0; i < Math.ceil(timeoutMs / intervalMs) + 1; i++) {
    const v = await probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() >= deadline) break;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}
