// `asm-troubleshooter simulate --url URL --existing PATH --missing PATH [--count N] [--concurrency N] [--rate N] [--json]`
// The Getting Started loop (N rounds of an existing and a missing route with User-Agent dd-test-scanner-log).
import { simulateSignal, SIMULATE_LIMITS, type SimulateSummary } from '../core/attack';
import { confirmTarget } from './attack';
import { intOption, parseArgs, UsageError, type CliIO } from './io';

function describe(s: SimulateSummary): string {
  const fmt = (st: Record<string, number>) =>
    Object.entries(st)
      .map(([k, v]) => `${k} ×${v}`)
      .join(', ') || 'none';
  const lines = [
    `Sent ${s.requested} request(s) with User-Agent ${s.userAgent} (${s.rounds} round(s)${s.cancelled ? ', cancelled' : ''}).`,
    `  existing ${s.existing.url}: ${fmt(s.existing.statuses)}`,
    `  missing  ${s.missing.url}: ${fmt(s.missing.statuses)}`,
    ...s.notes.map((n) => `  ! ${n}`),
    '',
    `Next: ${s.next}`,
  ];
  return lines.join('\n') + '\n';
}

export async function simulateCommand(args: string[], io: CliIO, signal?: AbortSignal): Promise<number> {
  const o = parseArgs('simulate', args, {
    valued: ['--url', '--existing', '--missing', '--count', '--concurrency', '--rate', '--timeout'],
    flags: ['--json', '--yes'],
  }).options;
  const url = o.get('--url');
  if (!url) throw new UsageError('simulate: --url URL is required');
  const existingPath = o.get('--existing');
  const missingPath = o.get('--missing');
  if (!existingPath || !missingPath) throw new UsageError('simulate: --existing PATH and --missing PATH are required');
  const rounds = intOption('simulate', o, '--count', 1, SIMULATE_LIMITS.maxRounds);
  const concurrency = intOption('simulate', o, '--concurrency', 1, SIMULATE_LIMITS.maxConcurrency);
  const rate = intOption('simulate', o, '--rate', 1, SIMULATE_LIMITS.maxRate);
  const timeoutMs = intOption('simulate', o, '--timeout', 100, 120_000);
  const json = o.has('--json');
  const what = `The simulation (${rounds ?? 200} rounds, ${(rounds ?? 200) * 2} requests)`;
  if (!(await confirmTarget('simulate', url, what, o.has('--yes'), io))) return 2;
  let lastShown = 0;
  let s: SimulateSummary;
  try {
    s = await simulateSignal({
      url,
      existingPath,
      missingPath,
      ...(rounds !== undefined ? { rounds } : {}),
      ...(concurrency !== undefined ? { concurrency } : {}),
      ...(rate !== undefined ? { maxRequestsPerSecond: rate } : {}),
      ...(timeoutMs !== undefined ? { timeoutMs } : {}),
      ...(signal ? { signal } : {}),
      onProgress: (p) => {
        // Progress on stderr, about every 10%, so stdout stays the result.
        if (!json && (p.done === p.total || p.done - lastShown >= Math.max(1, Math.floor(p.total / 10)))) {
          lastShown = p.done;
          io.err(`simulate: ${p.done}/${p.total}\n`);
        }
      },
    });
  } catch (e) {
    throw new UsageError(`simulate: ${(e as Error).message}`);
  }
  io.out(json ? JSON.stringify(s) + '\n' : describe(s));
  return s.failed === 0 && !s.cancelled ? 0 : 1;
}
