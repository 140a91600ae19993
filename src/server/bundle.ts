// `asm/supportBundle`: the seed's "contact support with" list assembled in the server — the steps and their
// evidence, the agent check, tracer startup/debug excerpts of every log with evidence — redacted, and written as
// one markdown file (plus the raw excerpts beside it) into the folder the client chose (a new one: existing files are
// never overwritten). Nothing is uploaded; the
// client opens it for review.
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { LSPErrorCodes, ResponseError, type CancellationToken, type Connection } from 'vscode-languageserver/node';
import { buildBundle, readExcerpt, BUNDLE_MARKDOWN, type LogExcerpt } from '../core/bundle/bundle';
import { plainErrors } from './errors';
import { Requests, type SupportBundleParams, type SupportBundleResult } from './protocol';
import type { StepsService } from './steps';

/** Logs excerpted at most. */
export const MAX_BUNDLE_LOGS = 50;

export async function createSupportBundle(
  p: SupportBundleParams,
  steps: StepsService,
  opts: { signal?: AbortSignal; warn?: (m: string) => void } = {},
): Promise<SupportBundleResult | null> {
  if (typeof p?.folder !== 'string' || !path.isAbsolute(p.folder))
    throw new ResponseError(-32602, `asm/supportBundle needs an absolute folder, got ${p?.folder}`);
  await steps.whenScanned();
  steps.compute();
  const logs: LogExcerpt[] = [];
  for (const f of steps.getLogFiles().slice(0, MAX_BUNDLE_LOGS)) {
    if (opts.signal?.aborted) return null;
    try {
      const ex = await readExcerpt(f.path, f.findingLines, { signal: opts.signal });
      logs.push({
        path: f.path,
        tracer: f.summary?.tracer ?? null,
        version: f.summary?.version ?? null,
        appsec: f.appsec,
        lines: ex.lines,
        omitted: ex.omitted,
      });
    } catch (e) {
      opts.warn?.(`support bundle: ${f.path}: ${(e as Error).message}`);
    }
  }
  if (opts.signal?.aborted) return null;
  const bundle = buildBundle({
    createdAt: new Date(),
    extensionVersion: p.extensionVersion,
    host: p.host,
    platform: `${process.platform} ${process.arch}`,
    language: steps.getLanguage(),
    steps: steps.getSteps(),
    agent: { address: steps.getAgentAddress(), result: steps.getAgentResult() },
    logs,
  });
  // Never overwrite a file in a folder the user picked (the client creates a new subfolder; this is the guard):
  // checked for every file before writing any, and each opened with 'wx' (fails if it appeared meanwhile).
  for (const f of bundle.files) {
    const file = path.join(p.folder, f.name);
    if (
      await fsp.lstat(file).then(
        () => true,
        () => false,
      )
    )
      throw new ResponseError(LSPErrorCodes.RequestFailed, `${file} already exists: the support bundle never overwrites a file; choose another folder`);
  }
  for (const f of bundle.files) {
    const file = path.join(p.folder, f.name);
    await fsp.mkdir(path.dirname(file), { recursive: true });
    try {
      await fsp.writeFile(file, f.content, { encoding: 'utf8', flag: 'wx' });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST')
        throw new ResponseError(LSPErrorCodes.RequestFailed, `${file} already exists: the support bundle never overwrites a file; choose another folder`);
      throw e;
    }
  }
  return {
    folder: p.folder,
    files: bundle.files.map((f) => path.join(p.folder, f.name)),
    markdown: path.join(p.folder, BUNDLE_MARKDOWN),
    redactions: bundle.redactions,
  };
}

export function registerBundle(connection: Pick<Connection, 'onRequest' | 'console'>, steps: StepsService): void {
  connection.onRequest(
    Requests.supportBundle,
    plainErrors(async (p: SupportBundleParams, token: CancellationToken) => {
      const ac = new AbortController();
      const sub = token.onCancellationRequested(() => ac.abort());
      try {
        const r = await createSupportBundle(p, steps, { signal: ac.signal, warn: (m) => connection.console.warn(m) });
        if (!r) throw new ResponseError(LSPErrorCodes.RequestCancelled, 'cancelled');
        return r;
      } finally {
        sub.dispose();
      }
    }),
  );
}
