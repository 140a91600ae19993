// Support archives (.zip, .tar, .tar.gz / .tgz: an Agent flare, a tracer flare, a folder of logs, this product's
// own support bundle): every member is streamed through the same analysis as a file on disk, reported under
// `archive!/member`. Nothing is extracted to disk and no member is held in memory whole (ini members excepted,
// capped as on disk). Refused with a clear note: zip bombs (compression ratio and total size caps), paths that
// climb out of the archive (`..`, absolute, drive letters), links, devices; nested archives are not opened.
// Parsing is done by yauzl (zip) and tar-stream (tar) with node:zlib (gzip).
import { createReadStream, promises as fsp } from 'node:fs';
import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';
import * as tarStream from 'tar-stream';
import * as yauzl from 'yauzl';
import { analyzeIni } from '../ini/analyze';
import { LogAnalyzer, type LogAnalyzerOptions } from '../log/analyzer';
import { finishLogReport, LineFeeder, looksBinary, MAX_INI_BYTES, type FileReport } from '../files';
import { isArchivePath } from './name';

export { isArchivePath };

export interface ArchiveLimits {
  /** Members looked at (the rest are counted in a note). */
  maxEntries: number;
  /** Uncompressed bytes read over the whole archive. */
  maxTotalBytes: number;
  /** Uncompressed bytes read from one member. */
  maxEntryBytes: number;
  /** Uncompressed / compressed above this (for members or streams over `ratioFloor` bytes) is a bomb. */
  maxRatio: number;
  ratioFloor: number;
}

export const DEFAULT_ARCHIVE_LIMITS: ArchiveLimits = {
  maxEntries: 10_000,
  maxTotalBytes: 4 * 1024 ** 3,
  maxEntryBytes: 2 * 1024 ** 3,
  maxRatio: 500,
  ratioFloor: 16 * 1024 * 1024,
};

export type ArchiveFormat = 'zip' | 'tar' | 'tar.gz';

/** The format from the first bytes (the name only chooses to look): PK\3\4 zip, 1f 8b gzip, "ustar" at 257 tar. */
export function archiveFormat(head: Uint8Array): ArchiveFormat | null {
  if (head.length >= 4 && head[0] === 0x50 && head[1] === 0x4b && (head[2] === 3 || head[2] === 5) && (head[3] === 4 || head[3] === 6)) return 'zip';
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'tar.gz';
  if (head.length >= 262 && Buffer.from(head.subarray(257, 262)).toString('latin1') === 'ustar') return 'tar';
  return null;
}

/** Why a member name is refused, or null: it must stay inside the archive. */
export function unsafeMemberName(name: string): string | null {
  if (!name) return 'empty name';
  if (name.includes('\0')) return 'NUL byte in the name';
  const n = name.replace(/\\/g, '/');
  if (n.startsWith('/')) return 'absolute path';
  if (/^[A-Za-z]:/.test(n)) return 'drive-letter path';
  if (n.split('/').includes('..')) return 'path climbs out of the archive (..)';
  return null;
}

export interface ArchiveOptions extends LogAnalyzerOptions {
  limits?: Partial<ArchiveLimits>;
  signal?: AbortSignal;
  /** Uncompressed bytes read so far (over all members). */
  /** `bytes`: uncompressed bytes read so far; `read`: bytes of the archive file read so far (of `total`), for a percentage. */
  onProgress?: (p: { bytes: number; total: number; read: number }) => void;
}

interface Member {
  name: string;
  kind: 'file' | 'directory' | 'link' | 'other';
  /** Declared sizes (zip headers; tar's size), for the ratio check before reading. */
  size?: number;
  compressedSize?: number;
}

class Refusal extends Error {}

/** Analyses every member of an archive: one report per member (path `archive!/member`), plus one for the archive's own notes. */
export async function analyzeArchive(file: string, opts: ArchiveOptions = {}): Promise<FileReport[]> {
  const limits = { ...DEFAULT_ARCHIVE_LIMITS, ...opts.limits };
  const head = await readHead(file);
  const format = archiveFormat(head);
  const top: FileReport = { path: file, kind: 'archive', findings: [], notes: [] };
  if (!format) {
    top.kind = 'unreadable';
    top.notes.push('not a zip, tar or gzip archive (its first bytes say otherwise)');
    return [top];
  }
  const total = (await fsp.stat(file)).size;
  const reports: FileReport[] = [];
  const st = { entries: 0, bytes: 0, skipped: 0, read: 0 };

  const onMember = async (m: Member, open: () => Promise<Readable>): Promise<void> => {
    opts.signal?.throwIfAborted();
    const where = `${file}!/${m.name.replace(/\\/g, '/')}`;
    if (m.kind === 'directory') return;
    if (++st.entries > limits.maxEntries) {
      st.skipped++;
      return;
    }
    const refuse = (why: string) => reports.push({ path: where, kind: 'refused', findings: [], notes: [`refused: ${why}`] });
    const bad = unsafeMemberName(m.name);
    if (bad) return void refuse(`${bad} — members must stay inside the archive; not analysed`);
    if (m.kind === 'link') return void refuse('a link (symbolic or hard) — links are never followed; not analysed');
    if (m.kind === 'other') return void refuse('not a regular file (device, FIFO or other special entry); not analysed');
    if (isArchivePath(m.name)) {
      reports.push({ path: where, kind: 'binary', findings: [], notes: ['an archive inside the archive: not opened (extract it and run check on it)'] });
      return;
    }
    if (m.size !== undefined && m.compressedSize !== undefined && m.size > limits.ratioFloor && m.size > limits.maxRatio * Math.max(1, m.compressedSize)) {
      return void refuse(
        `compression ratio ${Math.round(m.size / Math.max(1, m.compressedSize))}:1 (${m.size} bytes from ${m.compressedSize}) is above ${limits.maxRatio}:1 — a zip bomb; not analysed`,
      );
    }
    if (m.size !== undefined && m.size > limits.maxEntryBytes)
      return void refuse(`${m.size} bytes is above the ${limits.maxEntryBytes}-byte member cap; not analysed`);
    if (m.size !== undefined && st.bytes + m.size > limits.maxTotalBytes) {
      return void refuse(`the archive's members add up to more than ${limits.maxTotalBytes} bytes uncompressed (total size cap); not analysed`);
    }
    const stream = await open();
    reports.push(await analyzeMember(where, m.name, stream, opts, limits, st, total));
  };

  try {
    if (format === 'zip') await readZip(file, onMember, limits, (n) => (st.read = n));
    else
      await readTar(
        file,
        format === 'tar.gz',
        onMember,
        limits,
        total,
        () => st.bytes,
        (n) => (st.read = n),
      );
  } catch (e) {
    if (opts.signal?.aborted) throw e;
    top.notes.push(e instanceof Refusal ? `refused: ${e.message}` : `archive could not be read to the end: ${(e as Error).message}`);
  }
  if (st.skipped) top.notes.push(`${st.skipped} member(s) past the first ${limits.maxEntries} not analysed`);
  const analysed = reports.filter((r) => r.kind === 'log' || r.kind === 'ini').length;
  top.notes.unshift(`${format} archive: ${analysed} member(s) analysed${reports.length > analysed ? `, ${reports.length - analysed} skipped or refused` : ''}`);
  return [top, ...reports];
}

async function readHead(file: string): Promise<Buffer> {
  const fh = await fsp.open(file, 'r');
  try {
    const buf = Buffer.alloc(512);
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

/** Streams one member through the log analyzer (or the ini analyzer), counting bytes against the caps. */
async function analyzeMember(
  where: string,
  name: string,
  stream: Readable,
  opts: ArchiveOptions,
  limits: ArchiveLimits,
  st: { bytes: number; read: number },
  total: number,
): Promise<FileReport> {
  const report: FileReport = { path: where, kind: 'log', findings: [], notes: [] };
  const ini = /\.ini$/i.test(name);
  const analyzer = ini ? null : new LogAnalyzer(opts);
  const feeder = analyzer ? new LineFeeder(analyzer) : null;
  const iniChunks: Buffer[] = [];
  let bytes = 0;
  let first = true;
  let stop: string | null = null;
  let binary = false;
  // Event-driven, not for-await: leaving a for-await loop destroys the stream, and a tar entry must be read to its
  // end for the next header to come. Past a stop the rest of the member is drained unread.
  try {
    await new Promise<void>((resolve, reject) => {
      const onAbort = () => stream.destroy(new Error('cancelled'));
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      stream.on('data', (chunk: Buffer) => {
        if (stop || binary) return;
        if (first) {
          first = false;
          if (looksBinary(chunk)) {
            binary = true;
            return;
          }
        }
        bytes += chunk.length;
        st.bytes += chunk.length;
        if (bytes > limits.maxEntryBytes) stop = `member is larger than the ${limits.maxEntryBytes}-byte cap`;
        else if (st.bytes > limits.maxTotalBytes)
          stop = `the archive's members add up to more than ${limits.maxTotalBytes} bytes uncompressed (total size cap)`;
        else if (ini && bytes > MAX_INI_BYTES) stop = `ini member larger than ${MAX_INI_BYTES} bytes`;
        if (stop) return;
        if (feeder) feeder.write(chunk);
        else iniChunks.push(chunk);
        opts.onProgress?.({ bytes: st.bytes, total, read: st.read });
      });
      stream.on('end', () => {
        opts.signal?.removeEventListener('abort', onAbort);
        resolve();
      });
      stream.on('error', (e) => {
        opts.signal?.removeEventListener('abort', onAbort);
        reject(e);
      });
    });
  } catch (e) {
    if (opts.signal?.aborted) throw e;
    // yauzl checks the declared size against what inflates: a member that lies about its size ends here.
    stop = `member could not be read: ${(e as Error).message}`;
  }
  if (binary) {
    report.kind = 'binary';
    report.notes.push('binary member (it has NUL bytes): not analysed');
    return report;
  }
  if (stop) {
    report.notes.push(`analysis stopped at byte ${bytes}: ${stop}`);
    if (/cap|bomb|larger/.test(stop) && !feeder) {
      report.kind = 'refused';
      return report;
    }
  }
  if (!feeder) {
    report.kind = 'ini';
    const text = Buffer.concat(iniChunks).toString('utf8');
    if (text.includes('\ufffd')) report.notes.push('invalid UTF-8 replaced by U+FFFD');
    report.findings = analyzeIni(text, { dedicated: /ddappsec|ddtrace/i.test(name), path: where }).findings;
    return report;
  }
  feeder.end();
  if (feeder.invalidUtf8) report.notes.push('invalid UTF-8 replaced by U+FFFD');
  if (feeder.cutLines) report.notes.push(`${feeder.cutLines} over-long line(s) cut`);
  return finishLogReport(report, analyzer!.finish());
}

type OnMember = (m: Member, open: () => Promise<Readable>) => Promise<void>;

const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;
const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;

function readZip(file: string, onMember: OnMember, limits: ArchiveLimits, onRead: (n: number) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    // decodeStrings: false — yauzl would reject the whole archive on one bad name; names are checked per member here.
    yauzl.open(file, { lazyEntries: true, autoClose: true, decodeStrings: false, validateEntrySizes: true }, (err, zip) => {
      if (err || !zip) return reject(err ?? new Error('cannot open the zip'));
      let done = false;
      const fail = (e: Error) => {
        if (done) return;
        done = true;
        zip.close();
        reject(e);
      };
      zip.on('error', fail);
      zip.on('end', () => {
        if (done) return;
        done = true;
        resolve();
      });
      zip.on('entry', (entry: yauzl.Entry) => {
        const raw = entry.fileName as unknown as Buffer;
        const name = Buffer.isBuffer(raw) ? raw.toString(entry.generalPurposeBitFlag & 0x800 ? 'utf8' : 'latin1') : String(raw);
        const mode = (entry.externalFileAttributes >>> 16) & S_IFMT;
        const kind: Member['kind'] =
          name.endsWith('/') || mode === S_IFDIR ? 'directory' : mode === S_IFLNK ? 'link' : mode === 0 || mode === S_IFREG ? 'file' : 'other';
        const m: Member = { name: name.replace(/\/$/, ''), kind, size: entry.uncompressedSize, compressedSize: entry.compressedSize };
        // Members are stored in order: the end of this one's data is how far into the file the reading is.
        onRead(entry.relativeOffsetOfLocalHeader + 30 + raw.length + entry.compressedSize);
        if (entry.generalPurposeBitFlag & 1) {
          // Encrypted: yauzl cannot read it; reported as refused by opening nothing.
          onMember({ ...m, kind: 'other' }, () => Promise.reject(new Error('encrypted'))).then(() => zip.readEntry(), fail);
          return;
        }
        onMember(m, () => new Promise<Readable>((res, rej) => zip.openReadStream(entry, (e, s) => (e || !s ? rej(e ?? new Error('no stream')) : res(s))))).then(
          () => zip.readEntry(),
          fail,
        );
      });
      zip.readEntry();
    });
  });
}

async function readTar(
  file: string,
  gz: boolean,
  onMember: OnMember,
  limits: ArchiveLimits,
  total: number,
  inflated: () => number,
  onRead: (n: number) => void,
): Promise<void> {
  const input = createReadStream(file);
  const extract = tarStream.extract();
  let compressed = 0;
  input.on('data', (c) => onRead((compressed += c.length)));
  let source: Readable = input;
  if (gz) {
    const gunzip = createGunzip();
    source = input.pipe(gunzip);
    input.on('error', (e) => gunzip.destroy(e));
  }
  source.pipe(extract);
  source.on('error', (e) => extract.destroy(e));
  try {
    for await (const entry of extract) {
      const h = entry.header;
      const kind: Member['kind'] =
        h.type === 'file' || h.type === 'contiguous-file'
          ? 'file'
          : h.type === 'directory'
            ? 'directory'
            : h.type === 'symlink' || h.type === 'link'
              ? 'link'
              : 'other';
      // A gzip stream that inflates far more than it read is a bomb (tar headers carry no compressed size).
      const out = inflated() + (h.size ?? 0);
      if (gz && out > limits.ratioFloor && out > limits.maxRatio * Math.max(1, compressed)) {
        entry.resume();
        throw new Refusal(
          `the gzip stream inflates more than ${limits.maxRatio}:1 (${out} bytes from ${compressed} read of ${total}) — a compression bomb; the rest of the archive is not analysed`,
        );
      }
      await onMember({ name: h.name, kind, size: h.size ?? 0 }, async () => entry as unknown as Readable);
      // Members not read (refused, skipped) are drained for the next header to come (a no-op on a read one).
      entry.resume();
    }
  } finally {
    input.destroy();
  }
}
