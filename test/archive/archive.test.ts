// Support archives: every member analysed under `archive!/member`, one report; zip, tar, tar.gz/.tgz built here;
// a zip bomb (ratio), a total-size cap, a gzip bomb, path traversal, links and a size that lies are refused with a
// clear note; a member is streamed (a 40 MB member is read with a small heap growth), never extracted to disk.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { analyzeArchive, archiveFormat, isArchivePath, unsafeMemberName } from '../../src/core/archive/archive';
import type { FileReport } from '../../src/core/files';
import { tar, write, zip } from './make';

const CLI = path.resolve('dist/cli.js');
let dir: string;
before(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'asm-archive-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

const NODE_OFF = 'DATADOG TRACER CONFIGURATION - {"version":"5.132.0","lang":"nodejs","appsec_enabled":false}\n';
const PY_ON =
  "2026-11-30 10:00:00,123 INFO [ddtrace._trace.tracer] [tracer.py:407] - - DATADOG TRACER CONFIGURATION - {'version': '3.12.0', 'lang': 'python', 'asm_enabled': True}\n";
const INI = 'datadog.appsec.enabled = “1”\n';

const byPath = (rs: FileReport[], suffix: string) => rs.find((r) => r.path.endsWith(suffix));
const codesOf = (r: FileReport | undefined) => (r?.findings ?? []).map((f) => f.code);

function check(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, 'check', ...args], { encoding: 'utf8', maxBuffer: 64 << 20 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

test('names and magic bytes', () => {
  for (const n of ['a.zip', 'b.TAR', 'c.tar.gz', 'd.tgz']) assert.ok(isArchivePath(n), n);
  for (const n of ['a.log', 'zip.log', 'x.gz']) assert.ok(!isArchivePath(n), n);
  assert.equal(archiveFormat(zip([{ name: 'a', data: 'x' }])), 'zip');
  assert.equal(archiveFormat(Buffer.from([0x1f, 0x8b, 8, 0])), 'tar.gz');
  assert.equal(archiveFormat(Buffer.from('plain text')), null);
  for (const [n, bad] of [
    ['logs/dd.log', false],
    ['../etc/passwd', true],
    ['a/../../b', true],
    ['/etc/passwd', true],
    ['C:\\x.log', true],
    ['a\\..\\..\\b', true],
    ['a..b/c', false],
  ] as const) {
    assert.equal(unsafeMemberName(n) !== null, bad, n);
  }
});

test('zip: every member under its archive path, logs and ini analysed, directories skipped, binaries noted', async () => {
  const f = write(
    path.join(dir, 'flare.zip'),
    zip([
      { name: 'logs/', data: '', mode: 0o040755 },
      { name: 'logs/node.log', data: NODE_OFF },
      { name: 'logs/python/ddtrace.log', data: PY_ON, store: true },
      { name: 'conf/98-ddappsec.ini', data: INI },
      { name: 'bin/core', data: Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 1]) },
    ]),
  );
  const rs = await analyzeArchive(f);
  assert.equal(rs[0]!.kind, 'archive');
  assert.match(rs[0]!.notes[0]!, /^zip archive: 3 member\(s\) analysed, 1 skipped/);
  assert.deepEqual(
    rs.slice(1).map((r) => [r.path.slice(f.length), r.kind]),
    [
      ['!/logs/node.log', 'log'],
      ['!/logs/python/ddtrace.log', 'log'],
      ['!/conf/98-ddappsec.ini', 'ini'],
      ['!/bin/core', 'binary'],
    ],
  );
  assert.deepEqual(codesOf(byPath(rs, 'node.log')), ['appsec-disabled']);
  assert.deepEqual(codesOf(byPath(rs, 'ddtrace.log')), ['appsec-enabled']);
  assert.equal(byPath(rs, 'ddtrace.log')!.summary!.tracer, 'python');
  assert.ok(codesOf(byPath(rs, '98-ddappsec.ini')).includes('ini-smart-quotes'));
  assert.deepEqual(readdirSync(dir), ['flare.zip'], 'nothing extracted to disk');
});

test('tar, tar.gz and .tgz give the same reports as the zip', async () => {
  const members = [
    { name: 'logs/node.log', data: NODE_OFF },
    { name: 'python.log', data: PY_ON },
  ];
  for (const [name, gz] of [
    ['b.tar', false],
    ['b.tar.gz', true],
    ['b.tgz', true],
  ] as const) {
    const f = write(path.join(dir, name), await tar(members, gz));
    const rs = await analyzeArchive(f);
    assert.equal(rs[0]!.kind, 'archive', name);
    assert.match(rs[0]!.notes[0]!, gz ? /^tar\.gz archive: 2 member/ : /^tar archive: 2 member/);
    assert.deepEqual(codesOf(byPath(rs, '!/logs/node.log')), ['appsec-disabled'], name);
    assert.deepEqual(codesOf(byPath(rs, '!/python.log')), ['appsec-enabled'], name);
  }
});

test('zip bomb by ratio, total-size cap, and a size that lies are refused with a clear note; the rest is analysed', async () => {
  const zeros = Buffer.alloc(20 * 1024 * 1024); // deflates ~1000:1
  const f = write(
    path.join(dir, 'bomb.zip'),
    zip([
      { name: 'boom.log', data: zeros },
      { name: 'ok.log', data: NODE_OFF },
    ]),
  );
  const rs = await analyzeArchive(f);
  const boom = byPath(rs, '!/boom.log')!;
  assert.equal(boom.kind, 'refused');
  assert.match(boom.notes[0]!, /compression ratio \d+:1 .* above 500:1 — a zip bomb/);
  assert.deepEqual(codesOf(byPath(rs, '!/ok.log')), ['appsec-disabled']);

  const big = write(
    path.join(dir, 'total.zip'),
    zip([
      { name: 'a.log', data: NODE_OFF.repeat(50) },
      { name: 'b.log', data: NODE_OFF.repeat(50) },
    ]),
  );
  const capped = await analyzeArchive(big, { limits: { maxTotalBytes: NODE_OFF.length * 60 } });
  assert.equal(byPath(capped, '!/a.log')!.kind, 'log');
  assert.equal(byPath(capped, '!/b.log')!.kind, 'refused');
  assert.match(byPath(capped, '!/b.log')!.notes[0]!, /total size cap/);

  // The header says 10 bytes; 2,000 inflate: yauzl stops it, the member says why (and nothing past it is kept).
  const liar = write(path.join(dir, 'liar.zip'), zip([{ name: 'liar.log', data: NODE_OFF.repeat(20), declaredSize: 10 }]));
  const lr = await analyzeArchive(liar);
  const l = byPath(lr, '!/liar.log')!;
  assert.ok(
    l.notes.some((n) => /could not be read/.test(n)),
    JSON.stringify(l.notes),
  );
});

test('gzip bomb: a tar.gz that inflates past the ratio stops with a clear note', async () => {
  const f = write(
    path.join(dir, 'bomb.tgz'),
    await tar(
      [
        { name: 'ok.log', data: NODE_OFF },
        { name: 'zeros.log', data: Buffer.alloc(20 * 1024 * 1024) },
      ],
      true,
    ),
  );
  const rs = await analyzeArchive(f);
  assert.deepEqual(codesOf(byPath(rs, '!/ok.log')), ['appsec-disabled']);
  assert.equal(byPath(rs, '!/zeros.log'), undefined);
  assert.ok(
    rs[0]!.notes.some((n) => /refused: the gzip stream inflates more than 500:1 .* compression bomb/.test(n)),
    JSON.stringify(rs[0]!.notes),
  );
});

test('path traversal, absolute names and links are refused, never followed; the archive goes on', async () => {
  const z = write(
    path.join(dir, 'evil.zip'),
    zip([
      { name: '../../etc/cron.d/x.log', data: NODE_OFF },
      { name: '/abs.log', data: NODE_OFF },
      { name: 'link.log', data: '/etc/passwd', mode: 0o120777 },
      { name: 'fine.log', data: NODE_OFF },
    ]),
  );
  const rs = await analyzeArchive(z);
  assert.match(byPath(rs, '!/../../etc/cron.d/x.log')!.notes[0]!, /^refused: path climbs out of the archive/);
  assert.match(byPath(rs, '!//abs.log')!.notes[0]!, /^refused: absolute path/);
  assert.match(byPath(rs, '!/link.log')!.notes[0]!, /^refused: a link/);
  assert.deepEqual(codesOf(byPath(rs, '!/fine.log')), ['appsec-disabled']);
  const t = write(
    path.join(dir, 'evil.tar'),
    await tar([
      { name: 'sym.log', type: 'symlink', linkname: '/etc/passwd' },
      { name: 'hard.log', type: 'link', linkname: 'fine.log' },
      { name: 'fine.log', data: NODE_OFF },
    ]),
  );
  const tr = await analyzeArchive(t);
  assert.equal(byPath(tr, '!/sym.log')!.kind, 'refused');
  assert.equal(byPath(tr, '!/hard.log')!.kind, 'refused');
  assert.deepEqual(codesOf(byPath(tr, '!/fine.log')), ['appsec-disabled']);
});

test('a member is streamed: 40 MB of log lines in a zip, read with far less heap than its size', async () => {
  // Lines that differ (span ids), so the member compresses like a real log, far below the bomb ratio.
  const lines: string[] = [];
  let x = 12345;
  for (let n = 0; n < 40 << 20;) {
    x = (x * 1103515245 + 12345) >>> 0;
    const l = `2026-11-30 10:00:00,123 DEBUG [ddtrace.internal.writer] [writer.py:1] - sent span ${x.toString(16)} trace ${(x ^ 0x5bd1e995).toString(36)}\n`;
    lines.push(l);
    n += l.length;
  }
  const body = Buffer.from(lines.join(''));
  lines.length = 0;
  const f = write(path.join(dir, 'large.zip'), zip([{ name: 'big.log', data: Buffer.concat([Buffer.from(PY_ON), body]) }]));
  let peak = 0;
  global.gc?.();
  const base = process.memoryUsage().heapUsed;
  const rs = await analyzeArchive(f, { onProgress: () => (peak = Math.max(peak, process.memoryUsage().heapUsed - base)) });
  assert.deepEqual(codesOf(byPath(rs, '!/big.log')), ['appsec-enabled']);
  assert.ok(byPath(rs, '!/big.log')!.summary!.lines > 300000);
  // Heap growth well under the member's 40 MB (a whole-member read would hold it as a string: 40+ MB).
  assert.ok(peak < 30 << 20, `heap grew ${peak} bytes`);
});

test('not an archive inside: a clear note; a corrupt gzip: the members read so far and a note', async () => {
  const f = write(path.join(dir, 'fake.zip'), Buffer.from('hello, not a zip\n'));
  const rs = await analyzeArchive(f);
  assert.equal(rs.length, 1);
  assert.equal(rs[0]!.kind, 'unreadable');
  assert.match(rs[0]!.notes[0]!, /not a zip, tar or gzip archive/);
  const good = await tar([{ name: 'a.log', data: NODE_OFF }], true);
  const cut = write(path.join(dir, 'cut.tgz'), good.subarray(0, good.length - 12));
  const cr = await analyzeArchive(cut);
  assert.ok(
    cr[0]!.notes.some((n) => /could not be read to the end/.test(n)),
    JSON.stringify(cr[0]!.notes),
  );
});

test('check --json on an archive: one report, members under archive!/member, refusals on stderr', async () => {
  const f = write(
    path.join(dir, 'cli.zip'),
    zip([
      { name: 'logs/node.log', data: NODE_OFF },
      { name: '../x.log', data: NODE_OFF },
    ]),
  );
  const r = check('--json', f);
  assert.equal(r.code, 1, r.err);
  const j = JSON.parse(r.out) as { files: { path: string; kind: string; findings: { code: string }[]; notes?: string[] }[] };
  assert.deepEqual(
    j.files.map((x) => [x.path.slice(f.length), x.kind]),
    [
      ['', 'archive'],
      ['!/logs/node.log', 'log'],
      ['!/../x.log', 'refused'],
    ],
  );
  assert.deepEqual(
    j.files[1]!.findings.map((x) => x.code),
    ['appsec-disabled'],
  );
  assert.match(r.err, /x\.log: refused: path climbs out of the archive/);
  // Inside a directory, an archive is analysed too (beside the logs).
  const sub = path.join(dir, 'flares');
  mkdirSync(sub);
  write(path.join(sub, 'agent-flare.zip'), zip([{ name: 'logs/trace-agent.log', data: NODE_OFF }]));
  const d = JSON.parse(check('--json', sub).out) as { files: { path: string; kind: string }[] };
  assert.deepEqual(
    d.files.map((x) => [x.path.slice(sub.length + 1), x.kind]),
    [
      ['agent-flare.zip', 'archive'],
      ['agent-flare.zip!/logs/trace-agent.log', 'log'],
    ],
  );
  const human = check(f);
  assert.match(human.out, /cli\.zip: archive\n {2}note: zip archive: 1 member\(s\) analysed, 1 skipped or refused/);
  assert.match(human.out, /cli\.zip!\/logs\/node\.log: log/);
});

test('progress: the archive bytes read grow to the file size (for the percentage), the uncompressed bytes beside them', async () => {
  const body = Buffer.from(Array.from({ length: 20000 }, (_, i) => `line ${i} ${(i * 2654435761) >>> 0}\n`).join(''));
  for (const [name, data] of [
    [
      'p.zip',
      zip([
        { name: 'a.log', data: body },
        { name: 'b.log', data: body },
      ]),
    ],
    [
      'p.tgz',
      await tar(
        [
          { name: 'a.log', data: body },
          { name: 'b.log', data: body },
        ],
        true,
      ),
    ],
  ] as const) {
    const f = write(path.join(dir, name), data);
    const seen: { bytes: number; read: number; total: number }[] = [];
    await analyzeArchive(f, { onProgress: (p) => seen.push(p) });
    assert.ok(seen.length > 1, name);
    const last = seen.at(-1)!;
    assert.equal(last.total, data.length, name);
    assert.ok(last.read <= last.total && last.read > last.total / 2, `${name}: read ${last.read} of ${last.total}`);
    assert.equal(last.bytes, 2 * body.length, name);
    for (let i = 1; i < seen.length; i++) assert.ok(seen[i]!.read >= seen[i - 1]!.read, `${name}: read never goes back`);
  }
});
