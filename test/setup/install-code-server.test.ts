// test/host/install-code-server.sh with npm, node and rg faked on PATH: the Node.js headers its native modules build
// against (npm_config_nodedir) are the running node's own (<prefix>/include/node: what the nodejs package and the
// nodejs.org tarball install), wherever that prefix is. Nothing is downloaded.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const SCRIPT = path.resolve('test/host/install-code-server.sh');

function script(file: string, body: string) {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `#!/bin/sh\n${body}\n`);
  chmodSync(file, 0o755);
}

/** Runs the install with node at <tmp>/<prefix>/bin/node (headers there when `headers`); returns the nodedir npm saw. */
function install(prefix: string, { headers = true, env = {} as Record<string, string> } = {}) {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'asm-install-cs-'));
  try {
    const root = path.join(tmp, prefix);
    script(path.join(root, 'bin', 'node'), 'exit 0');
    if (headers) {
      mkdirSync(path.join(root, 'include', 'node'), { recursive: true });
      writeFileSync(path.join(root, 'include', 'node', 'common.gypi'), '{}\n');
    }
    const bin = path.join(tmp, 'fakebin');
    script(path.join(bin, 'rg'), 'exit 0');
    // npm install: records the nodedir it was given and leaves a code-server launcher behind.
    script(
      path.join(bin, 'npm'),
      `printf '%s' "\${npm_config_nodedir-<unset>}" > "${tmp}/nodedir"\nmkdir -p node_modules/.bin\nprintf '#!/bin/sh\\necho 4.100.3\\n' > node_modules/.bin/code-server\nchmod +x node_modules/.bin/code-server`,
    );
    const clean: Record<string, string | undefined> = { ...process.env };
    for (const k of Object.keys(clean)) if (k.toLowerCase().startsWith('npm_config_')) delete clean[k];
    const r = spawnSync('bash', [SCRIPT, path.join(tmp, 'cache')], {
      encoding: 'utf8',
      env: { ...clean, PATH: `${path.join(root, 'bin')}:${bin}:/usr/bin:/bin`, ...env },
      timeout: 60_000,
    });
    assert.equal(r.status, 0, r.stderr);
    return { nodedir: readFileSync(path.join(tmp, 'nodedir'), 'utf8'), root };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

test('install-code-server: native modules build against the running node’s headers, under /usr/local as under /usr', () => {
  const local = install('usr/local');
  assert.equal(local.nodedir, local.root);
  const opt = install('opt/node-v20');
  assert.equal(opt.nodedir, opt.root);
});

test('install-code-server: no headers beside node — no nodedir is forced (node-gyp fetches the matching ones); a given one is kept', () => {
  assert.equal(install('opt/bare', { headers: false }).nodedir, '<unset>');
  assert.equal(install('usr/local', { env: { npm_config_nodedir: '/somewhere' } }).nodedir, '/somewhere');
});

test('npm in this checkout prints no update notice (npm start’s last line stays the one saying what to do)', () => {
  const home = mkdtempSync(path.join(os.tmpdir(), 'asm-npmrc-')); // no user npmrc decides
  try {
    const clean: Record<string, string | undefined> = { ...process.env, HOME: home };
    for (const k of Object.keys(clean)) if (k.toLowerCase().startsWith('npm_config_')) delete clean[k];
    const r = spawnSync('npm', ['config', 'get', 'update-notifier'], { encoding: 'utf8', env: clean, timeout: 60_000 });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout.trim(), 'false');
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
});
