// Recognition by content (core/log/sniff): tracer, Agent and helper logs whatever their name; ordinary logs untouched.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sniffLog } from '../../src/core/log/sniff';
import { expandInputs } from '../../src/core/files';
import { gatherWorkspaceEvidence } from '../../src/core/steps-inputs';

const FIX = path.resolve(__dirname, '../../../test/fixtures/logs');

test('every tracer, Agent and helper fixture is recognised by its content', () => {
  for (const dir of readdirSync(FIX)) {
    for (const f of readdirSync(path.join(FIX, dir))) {
      if (!f.endsWith('.log')) continue;
      const kind = sniffLog(readFileSync(path.join(FIX, dir, f), 'utf8'));
      assert.ok(kind, `${dir}/${f} is recognised`);
      if (dir === 'agent') assert.equal(kind, 'agent', f);
    }
  }
  assert.equal(
    sniffLog(
      '{"agent":"trace","time":"2026-11-21 09:38:55 UTC","level":"INFO","file":"info/stats.go","line":"111","func":"LogStats","msg":"[lang:go] -> traces received: 2"}',
    ),
    'agent',
  );
  assert.equal(sniffLog('AppSec could not load native package. In-app WAF features will not be available.'), 'tracer');
});

test('ordinary application logs stay untouched', () => {
  for (const text of [
    '2026-11-21 10:00:00.123 +00:00 [INF] Starting web host\n2026-11-21 10:00:01.000 +00:00 [INF] Now listening on: http://[::]:80',
    'level=info ts=2026-11-21T10:00:00Z msg="server started" port=8080\n',
    '127.0.0.1 - - [21/Nov/2026:10:00:00 +0000] "GET / HTTP/1.1" 200 612 "-" "curl/8.0"\n',
    '[2026-11-21 10:00:00.123][info][12] worker started\n',
    'Error: connect ECONNREFUSED 10.0.0.5:5432\n    at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1555:16)\n',
    '',
    '\u0000\u0001binary',
  ])
    assert.equal(sniffLog(text), null, text.slice(0, 40));
  // Bounded: a 10 MB single line without a newline is read in its head only.
  assert.equal(sniffLog('x'.repeat(10 * 1024 * 1024)), null);
});

test('check DIR and the background scan find a tracer log by content (service.log, stdout.txt, app.out, an extensionless capture)', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'asm-sniff-'));
  try {
    const tracer = readFileSync(path.join(FIX, 'nodejs', 'http-disabled.log'), 'utf8');
    writeFileSync(path.join(dir, 'service.log'), tracer);
    writeFileSync(path.join(dir, 'stdout.txt'), tracer);
    writeFileSync(path.join(dir, 'app.out'), tracer);
    writeFileSync(path.join(dir, 'web-1'), tracer); // `docker logs web-1 > web-1`
    writeFileSync(path.join(dir, 'notes.txt'), 'remember to buy milk\n');
    writeFileSync(path.join(dir, 'plain'), 'nothing to see\n');
    const { files } = await expandInputs([dir]);
    assert.deepEqual(files.map((f) => path.basename(f)).sort(), ['app.out', 'notes.txt', 'service.log', 'stdout.txt', 'web-1']);
    const ev = await gatherWorkspaceEvidence({ workspaceDir: dir, env: {}, logs: { maxFiles: 50, logsOnly: true } });
    assert.deepEqual(
      ev!.logs.map((l) => path.basename(l.path)).sort(),
      ['app.out', 'service.log', 'stdout.txt'],
      'the scan keeps .txt/.out files by content, not ordinary text files',
    );
    assert.ok(ev!.logs.every((l) => l.findings.some((f) => f.code === 'integration-disabled')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
