// `processes --json` on real dd-trace processes: the demo app started twice by this test (with and without
// DD_APPSEC_ENABLED), seen with the right values, and process-env-mismatch against a compose file that sets it.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { classify } from '../../src/core/config/processes';
import { startDdApp, type DdApp } from '../support/ddApp';

const CLI = path.resolve('dist/cli.js');
const apps: DdApp[] = [];
const dirs: string[] = [];
after(async () => {
  for (const a of apps) await a.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

interface Out {
  processes: { pid: number; tracer: string; why: string; env: Record<string, string> | null; appsecEnabled: string | null }[];
  mismatches: { code: string; service: string; file: string; line: number; name: string; fileValue: string; processValue: string | null; pid: number }[];
  note?: string;
}

test('classify: the tracer from a command line, the environment or mapped libraries', () => {
  assert.equal(classify(['java', '-javaagent:/opt/dd-java-agent.jar', '-jar', 'a.jar'], {}, '')?.tracer, 'java');
  assert.equal(classify(['/usr/bin/python3', '/usr/local/bin/ddtrace-run', 'python', 'app.py'], null, '')?.tracer, 'python');
  assert.equal(classify(['node', 'app.js'], { NODE_OPTIONS: '--require dd-trace/init' }, '')?.tracer, 'nodejs');
  assert.equal(classify(['php-fpm: pool www'], null, '7f00-7f01 r-xp 0 08:01 1 /usr/lib/php/20230831/ddappsec.so\n')?.tracer, 'php');
  assert.equal(classify(['dotnet', 'app.dll'], { CORECLR_PROFILER: '{846F5F1C-F9AE-4B07-969E-05C26BC060D8}' }, '')?.tracer, 'dotnet');
  assert.equal(classify(['node', 'app.js'], {}, ''), null, 'no tracer, no DD_* variable: not listed');
  assert.equal(classify(['bash'], { DD_SERVICE: 'x' }, ''), null);
});

test(
  'processes --json: two real dd-trace apps with their DD_APPSEC_ENABLED, and the mismatch with the compose file',
  { skip: process.platform !== 'linux' && 'Linux /proc only' },
  async () => {
    const tag = `cfgtest-${process.pid}`;
    apps.push(await startDdApp({ env: { DD_SERVICE: `${tag}-on`, DD_APPSEC_ENABLED: 'true' } }));
    apps.push(await startDdApp({ env: { DD_SERVICE: `${tag}-off`, DD_APPSEC_ENABLED: undefined } }));
    const ws = mkdtempSync(path.join(os.tmpdir(), 'asm-processes-'));
    dirs.push(ws);
    writeFileSync(
      path.join(ws, 'docker-compose.yml'),
      `services:\n  on:\n    environment:\n      DD_SERVICE: ${tag}-on\n      DD_APPSEC_ENABLED: "true"\n  off:\n    environment:\n      DD_SERVICE: ${tag}-off\n      DD_APPSEC_ENABLED: "true"\n`,
    );
    const r = spawnSync(process.execPath, [CLI, 'processes', '--json', '--workspace', ws], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(r.status, 1, r.stderr);
    const out = JSON.parse(r.stdout) as Out;
    const on = out.processes.find((p) => p.env?.DD_SERVICE === `${tag}-on`);
    const off = out.processes.find((p) => p.env?.DD_SERVICE === `${tag}-off`);
    assert.ok(on && off, JSON.stringify(out.processes.map((p) => [p.pid, p.tracer, p.why, p.env?.DD_SERVICE])));
    assert.equal(on.tracer, 'nodejs');
    assert.equal(on.appsecEnabled, 'true');
    assert.equal(off.appsecEnabled, null);
    assert.equal(on.env!.DD_TRACE_AGENT_URL, 'http://127.0.0.1:9');
    const mine = out.mismatches.filter((m) => m.pid === on.pid || m.pid === off.pid);
    assert.deepEqual(
      mine.map((m) => [m.code, m.service, m.name, m.fileValue, m.processValue, m.line, m.pid]),
      [['process-env-mismatch', 'off', 'DD_APPSEC_ENABLED', 'true', null, 9, off.pid]],
    );
  },
);
