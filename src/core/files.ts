// Reading files from disk for the CLI and the server: kind detection, streaming line reader, bounded memory.
import { createReadStream, promises as fsp } from 'node:fs';
import path from 'node:path';
import type { Finding } from './finding';
import { analyzeIni } from './ini/analyze';
import { LogAnalyzer, DEFAULT_MAX_LINE, type LogAnalyzerOptions } from './log/analyzer';
import type { LogSummary } from './log/types';

export type FileKind = 'log' | 'ini' | 'binary' | 'unreadable';

export interface FileReport {
  path: string;
  kind: FileKind;
  findings: Finding[];
  summary?: LogSummary;
  /** Findings counted but not kept (cap), by code. */
  dropped?: Record<string, number>;
  /** A note for the user: why a file was skipped, invalid UTF-8, a cut line. */
  notes: string[];
}

export const MAX_INI_BYTES = 16 * 1024 * 1024;
const INI_NAME = /\.ini$/i;
const CHUNK = 1 << 20;

export function isIniPath(p: string): boolean {
  return INI_NAME.test(p);
}

/** A file looks binary when its head has a NUL byte (as git and grep decide). */
export function looksBinary(head: Uint8Array): boolean {
  return head.subarray(0, 8000).includes(0);
}

export interface StreamProgress {
  bytes: number;
  total: number;
}

export interface StreamOptions extends LogAnalyzerOptions {
  onProgress?: (p: StreamProgress) => void;
  signal?: AbortSignal;
}

/**
 * Streams a file line by line into fn without holding it in memory. Lines longer than maxLine are cut
 * (the rest of the line is skipped). Returns the number of lines and whether invalid UTF-8 was seen.
 */
export async function streamLines(
  file: string,
  fn: (line: string, lineNo: number) => void,
  opts: { maxLine?: number; onProgress?: (p: StreamProgress) => void; signal?: AbortSignal } = {},
): Promise<{ lines: number; invalidUtf8: boolean; cutLines: number }> {
  const maxLine = opts.maxLine ?? DEFAULT_MAX_LINE;
  const total = (await fsp.stat(file)).size;
  const decoder = new TextDecoder('utf-8', { fatal: false });
  let carry = '';
  let skipping = false; // inside an over-long line: drop until its end
  let lineNo = 0;
  let bytes = 0;
  let invalidUtf8 = false;
  let cutLines = 0;
  let pendingCR = false;
  const stream = createReadStream(file, { highWaterMark: CHUNK, signal: opts.signal });
  const emit = (s: string) => {
    fn(s, lineNo++);
  };
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    bytes += chunk.length;
    let text = decoder.decode(chunk, { stream: true });
    if (!invalidUtf8 && text.includes('\ufffd')) invalidUtf8 = true;
    let start = 0;
    if (pendingCR && text.charCodeAt(0) === 10) start = 1;
    pendingCR = false;
    const n = text.length;
    for (let i = start; i < n; i++) {
      const c = text.charCodeAt(i);
      if (c !== 10 && c !== 13) continue;
      if (skipping) skipping = false;
      else emit(carry ? carry + text.slice(start, i) : text.slice(start, i));
      carry = '';
      if (c === 13) {
        if (i + 1 < n) {
          if (text.charCodeAt(i + 1) === 10) i++;
        } else pendingCR = true;
      }
      start = i + 1;
    }
    if (!skipping && start < n) {
      carry += text.slice(start);
      if (carry.length > maxLine) {
        emit(carry.slice(0, maxLine + 1)); // the analyzer sees it is over-long and reports it once
        cutLines++;
        carry = '';
        skipping = true;
      }
    }
    text = '';
    opts.onProgress?.({ bytes, total });
  }
  const tail = decoder.decode();
  if (!skipping && (carry || tail)) emit(carry + tail);
  return { lines: lineNo, invalidUtf8, cutLines };
}

async function readHead(file: string): Promise<Buffer> {
  const fh = await fsp.open(file, 'r');
  try {
    const buf = Buffer.alloc(8192);
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

export async function analyzeFile(file: string, opts: StreamOptions = {}): Promise<FileReport> {
  const report: FileReport = { path: file, kind: 'log', findings: [], notes: [] };
  let head: Buffer;
  try {
    const st = await fsp.stat(file);
    if (!st.isFile()) {
      report.kind = 'unreadable';
      report.notes.push('not a regular file');
      return report;
    }
    head = await readHead(file);
  } catch (e) {
    report.kind = 'unreadable';
    report.notes.push(describeFsError(e));
    return report;
  }
  if (looksBinary(head)) {
    report.kind = 'binary';
    report.notes.push('binary file (it has NUL bytes): not analysed');
    return report;
  }
  if (isIniPath(file)) {
    report.kind = 'ini';
    const st = await fsp.stat(file);
    if (st.size > MAX_INI_BYTES) {
      report.notes.push(`ini file of ${st.size} bytes is larger than ${MAX_INI_BYTES}: not analysed`);
      return report;
    }
    const text = await fsp.readFile(file, 'utf8');
    if (text.includes('\ufffd')) report.notes.push('invalid UTF-8 replaced by U+FFFD');
    report.findings = analyzeIni(text, { dedicated: /ddappsec|ddtrace/i.test(path.basename(file)), path: file }).findings;
    return report;
  }
  const analyzer = new LogAnalyzer(opts);
  try {
    const r = await streamLines(file, (l, n) => analyzer.push(l, n), { maxLine: opts.maxLineLength, onProgress: opts.onProgress, signal: opts.signal });
    if (r.invalidUtf8) report.notes.push('invalid UTF-8 replaced by U+FFFD');
    if (r.cutLines) report.notes.push(`${r.cutLines} over-long line(s) cut`);
  } catch (e) {
    report.kind = 'unreadable';
    report.notes.push(describeFsError(e));
    return report;
  }
  const res = analyzer.finish();
  report.notes.push(...res.internalErrors.map((e) => `internal error: ${e}`));
  report.findings = res.findings;
  report.summary = res.summary;
  if (Object.keys(res.dropped).length) {
    report.dropped = res.dropped;
    const n = Object.values(res.dropped).reduce((a, b) => a + b, 0);
    report.notes.push(`${n} more finding(s) not listed (${Object.entries(res.dropped).map(([k, v]) => `${k}: ${v}`).join(', ')})`);
  }
  return report;
}

export function describeFsError(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  switch (err?.code) {
    case 'ENOENT': return 'no such file or directory';
    case 'EACCES': case 'EPERM': return 'permission denied';
    case 'EISDIR': return 'is a directory';
    case 'ABORT_ERR': return 'cancelled';
    default: return err?.message ?? String(e);
  }
}

/** Inside directories, the files worth analysing: logs, ini files, captured output. Named files are always analysed. */
export const ANALYSABLE_NAME = /(\.(log|ini|txt|out|err)(\.\d+)?$)|log/i;
const SKIP_DIRS = new Set(['node_modules', '.git', '.hg', '.svn']);

/** Expands files and directories (recursively) into files, in a stable order. */
export async function expandInputs(inputs: string[]): Promise<{ files: string[]; errors: { path: string; message: string }[] }> {
  const files: string[] = [];
  const errors: { path: string; message: string }[] = [];
  async function walk(p: string, top: boolean): Promise<void> {
    let st;
    try {
      st = await fsp.stat(p);
    } catch (e) {
      if (top) errors.push({ path: p, message: describeFsError(e) });
      return;
    }
    if (st.isDirectory()) {
      let entries: string[];
      try {
        entries = (await fsp.readdir(p)).sort();
      } catch (e) {
        errors.push({ path: p, message: describeFsError(e) });
        return;
      }
      for (const e of entries) if (!SKIP_DIRS.has(e)) await walk(path.join(p, e), false);
    } else if (st.isFile() && (top || ANALYSABLE_NAME.test(path.basename(p)))) files.push(p);
  }
  for (const i of inputs) await walk(i, true);
  return { files, errors };
}
