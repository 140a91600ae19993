// The client stays thin: dist/extension.js bundles the language client, the UI and a few dependency-free helpers;
// the core (log and ini analysis, the knowledge base, steps, agent, intake, bundle) runs in the language server.
// Read from esbuild's metafile (scripts/bundle-report.mjs), so an import that drags the core back in fails here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const REPO = path.resolve(__dirname, '../../..');

interface Report {
  extension: { bytes: number; groups: Record<string, number>; inputs: Record<string, number> };
}

function report(): Report {
  const r = spawnSync(process.execPath, [path.join(REPO, 'scripts/bundle-report.mjs'), '--json'], { cwd: REPO, encoding: 'utf8', timeout: 120_000 });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as Report;
}

test('the client bundle holds no knowledge base, YAML parser, glob walker, msgpack or analysis code', () => {
  const { extension } = report();
  const inputs = Object.keys(extension.inputs).filter((f) => extension.inputs[f]! > 0);
  for (const pkg of ['yaml', 'tinyglobby', 'fdir', 'picomatch', '@msgpack/msgpack', 'zod']) {
    assert.ok(
      !inputs.some((f) => f.includes(`node_modules/${pkg}/`)),
      `${pkg} is bundled into the client: ${inputs.filter((f) => f.includes(`node_modules/${pkg}/`)).join(', ')}`,
    );
  }
  assert.deepEqual(
    inputs.filter((f) => f.startsWith('kb/')),
    [],
    'knowledge-base YAML in the client',
  );
  // The core files the client may carry: the test-attack target policy (decisions stay in the client, with Workspace
  // Trust and the confirmation dialog) and the php --ini output parser of "Find PHP AppSec ini files". Both pure.
  const core = inputs.filter((f) => f.startsWith('src/core/'));
  // And the content sniff of logs (core/log/sniff), pure, so the editor and the scan recognise the same files, and
  // the core's line splitter (core/lines, pure, no imports) that the php --ini parser uses.
  assert.deepEqual(
    core.filter((f) => !['src/core/attack/policy.ts', 'src/core/ini/phpIni.ts', 'src/core/lines.ts', 'src/core/log/sniff.ts'].includes(f)),
    [],
    `core modules in the client: ${core.join(', ')}`,
  );
  // The server modules the client imports are the request names and the client command names the server's code
  // actions use (types are erased; both have no runtime imports).
  assert.deepEqual(inputs.filter((f) => f.startsWith('src/server/')).sort(), ['src/server/commands.ts', 'src/server/protocol.ts']);
});
