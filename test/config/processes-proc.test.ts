// listTracedProcesses on fake /proc trees (procDir): a JVM whose -Ddd.appsec.enabled (command line or
// JAVA_TOOL_OPTIONS) is what it gets, a PHP-FPM worker with ddappsec.so mapped, a Python process with an unreadable
// environ; and what a DD_APPSEC_ENABLED value means to each tracer (the kb's value grammars).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { appsecState, javaSystemProperties, listTracedProcesses } from '../../src/core/config/processes';

const root = mkdtempSync(path.join(os.tmpdir(), 'asm-proc-'));
after(() => rmSync(root, { recursive: true, force: true }));

function proc(pid: number, argv: string[], env: Record<string, string> | null, maps = ''): void {
  const d = path.join(root, String(pid));
  mkdirSync(d, { recursive: true });
  writeFileSync(path.join(d, 'cmdline'), argv.join('\0') + '\0');
  if (env)
    writeFileSync(
      path.join(d, 'environ'),
      Object.entries(env)
        .map(([k, v]) => `${k}=${v}`)
        .join('\0') + '\0',
    );
  writeFileSync(path.join(d, 'maps'), maps);
}

test('javaSystemProperties: -Ddd.* from JAVA_TOOL_OPTIONS and the command line (which wins), as DD_* names', () => {
  assert.deepEqual(
    javaSystemProperties(['java', '-Ddd.appsec.enabled=true', '-Ddd.service=shop', '-jar', 'a.jar'], '-Ddd.appsec.enabled=false -Ddd.trace.agent-port=9126'),
    {
      DD_APPSEC_ENABLED: 'true',
      DD_TRACE_AGENT_PORT: '9126',
      DD_SERVICE: 'shop',
    },
  );
  assert.deepEqual(javaSystemProperties(['java', '-Dother=1', '-jar', 'a.jar']), {});
});

test('appsecState: the same value means different things to different tracers', () => {
  assert.equal(appsecState('java', 'yes'), 'off'); // Java: only true and 1 are on
  assert.equal(appsecState('java', 'inactive'), 'inactive');
  assert.equal(appsecState('go', 'yes'), 'invalid'); // strconv.ParseBool
  assert.equal(appsecState('python', 'yes'), 'on');
  assert.equal(appsecState('nodejs', 'true'), 'on');
  assert.equal(appsecState('php', null), 'unset');
});

test('listTracedProcesses on a fake /proc: Java with the flag only, PHP-FPM mapped, an unreadable environ', async () => {
  proc(100, ['java', '-javaagent:/opt/dd-java-agent.jar', '-Ddd.appsec.enabled=true', '-jar', 'shop.jar'], { DD_SERVICE: 'shop', PATH: '/usr/bin' });
  proc(200, ['php-fpm: pool www'], { DD_APPSEC_ENABLED: 'yes' }, '7f00-7f01 r-xp 0 08:01 1 /usr/lib/php/20230831/ddappsec.so\n');
  proc(300, ['/usr/bin/python3', '/usr/local/bin/ddtrace-run', 'python', 'app.py'], null);
  proc(400, ['bash'], { HOME: '/root' });
  const { processes } = await listTracedProcesses({ procDir: root, selfPid: -1 });
  const by = Object.fromEntries(processes.map((p) => [p.pid, p]));
  assert.deepEqual(Object.keys(by).map(Number), [100, 200, 300]);
  assert.equal(by[100]!.appsecEnabled, 'true');
  assert.equal(by[100]!.appsec, 'on');
  assert.deepEqual(by[100]!.systemProperties, { DD_APPSEC_ENABLED: 'true' });
  assert.deepEqual(by[100]!.env, { DD_SERVICE: 'shop' });
  assert.equal(by[200]!.tracer, 'php');
  assert.equal(by[200]!.appsec, 'on'); // PHP reads yes as on
  assert.equal(by[300]!.env, null);
  assert.equal(by[300]!.appsec, 'unknown'); // another user's process: its environment cannot be read
});
