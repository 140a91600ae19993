// Issue 18.4: config-file lines the user did not write must not stall the scan (it runs on the language server's
// thread, in untrusted workspaces too). Each shape took 1 s at 50 KB and 15 s at 200 KB (quadratic backtracking):
//   .env `FOO=<tabs>A\rB`, compose `${A-${A-…` values, Dockerfile `ENV<tabs>A\rB` (and the legacy `ENV K<tabs>V\rW`).
// Each case runs 1 MiB in a worker (this file, re-entered off the main thread); the 60 s bound only catches a hang
// (quadratic: many minutes at 1 MiB), it is not a timing. The parse must also stay what it was on these lines.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { composeSources, interpolate } from '../../src/core/config/compose';
import { parseApmConfig } from '../../src/core/config/datadogYaml';
import { kubernetesSources } from '../../src/core/config/kubernetes';
import { parseDockerfileEnv } from '../../src/core/config/dockerfile';
import { parseDotEnv } from '../../src/core/config/dotenv';
import type { AgentVar } from '../../src/core/config/model';
import { unquote } from '../../src/core/config/text';
import { inWorker as runInWorker } from '../support/worker';

const MB = 1 << 20;
type Case = 'dotenv-tabs-cr' | 'compose-nested-default' | 'docker-env-tabs-cr' | 'docker-legacy-tabs-cr' | 'compose-many-keys' | 'k8s-many-keys';

function run(c: Case): AgentVar[] {
  switch (c) {
    case 'dotenv-tabs-cr':
      return parseDotEnv(`FOO=${'\t'.repeat(MB)}A\rB\nDD_AGENT_HOST=agent\n`, '.env');
    case 'compose-nested-default':
      return composeSources(
        `services:\n  web:\n    environment:\n      X: "${'${A-'.repeat(MB / 4)}"\n      DD_AGENT_HOST: "\${H-agent}"\n`,
        'compose.yml',
      ).flatMap((s) => s.vars);
    case 'docker-env-tabs-cr':
      return parseDockerfileEnv(`FROM x\nENV${'\t'.repeat(MB)}A\rB\nENV DD_AGENT_HOST=agent\n`, 'Dockerfile');
    case 'compose-many-keys':
      // the yaml package's duplicate-key check compared each key with every earlier one (40k keys: 35 s)
      return composeSources(
        `services:\n  web:\n    environment:\n${Array.from({ length: 80_000 }, (_, i) => `      K${i}: v`).join('\n')}\n      DD_AGENT_HOST: agent\n`,
        'compose.yml',
      ).flatMap((s) => s.vars);
    case 'k8s-many-keys':
      return kubernetesSources(
        `kind: Pod\nspec:\n  containers:\n  - name: a\n    env:\n    - name: DD_AGENT_HOST\n      value: agent\nx:\n${Array.from({ length: 80_000 }, (_, i) => `  k${i}: v`).join('\n')}\n`,
        'pod.yaml',
      ).flatMap((s) => s.vars);
    case 'docker-legacy-tabs-cr':
      return parseDockerfileEnv(`ENV K${'\t'.repeat(MB)}V\rW\nENV DD_AGENT_HOST agent\n`, 'Dockerfile');
  }
}

if (!isMainThread) {
  parentPort!.postMessage(run(workerData as Case));
} else {
  const inWorker = (c: Case): Promise<AgentVar[]> => runInWorker<AgentVar[]>(__filename, c, `${c}`, 60);

  test('.env: FOO=<1 MiB of tabs>A\\rB completes; the line is skipped as before and the next one parses', async () => {
    const vars = await inWorker('dotenv-tabs-cr');
    assert.deepEqual(vars, [{ name: 'DD_AGENT_HOST', value: 'agent', file: '.env', line: 1 }]);
  });

  test('compose: a value of 256k nested ${A- without a closing brace completes and is kept as written', async () => {
    const vars = await inWorker('compose-nested-default');
    assert.deepEqual(
      vars.map((v) => [v.name, v.value.length, v.line]),
      [
        ['X', MB, 3],
        ['DD_AGENT_HOST', 5, 4],
      ],
    );
    assert.equal(vars[1].value, 'agent');
  });

  test('Dockerfile: ENV<1 MiB of tabs>A\\rB and ENV K<1 MiB of tabs>V\\rW complete; the next ENV parses', async () => {
    assert.deepEqual(await inWorker('docker-env-tabs-cr'), [{ name: 'DD_AGENT_HOST', value: 'agent', file: 'Dockerfile', line: 2 }]);
    assert.deepEqual(await inWorker('docker-legacy-tabs-cr'), [{ name: 'DD_AGENT_HOST', value: 'agent', file: 'Dockerfile', line: 1 }]);
  });

  test('compose and Kubernetes: 80k keys complete; a document with a repeated key is still skipped, as before', async () => {
    const c = await inWorker('compose-many-keys');
    assert.equal(c.length, 80_001);
    assert.deepEqual(c.at(-1), { name: 'DD_AGENT_HOST', value: 'agent', file: 'compose.yml', line: 80_003 });
    const k = await inWorker('k8s-many-keys');
    assert.deepEqual(
      k.map((v) => [v.name, v.value]),
      [['DD_AGENT_HOST', 'agent']],
    );
    assert.deepEqual(composeSources('services:\n  web:\n    environment:\n      A: 1\n      A: 2\n'), []);
    assert.deepEqual(kubernetesSources('kind: Pod\nkind: Pod\nspec:\n  containers:\n  - name: a\n'), []);
    assert.deepEqual(
      composeSources('services:\n  web:\n    environment:\n      A: 1\n      B: 2\n').flatMap((s) => s.vars.map((v) => v.name)),
      ['A', 'B'],
    );
    // datadog.yaml was (and is) read despite a repeated key
    assert.equal(parseApmConfig('apm_config:\n  receiver_port: 9126\n  receiver_port: 9127\n', 'datadog.yaml')?.receiverPort, 9126);
  });

  // The rewrites replace regexes: the same answers as the regexes on the shapes that matter (kept here as oracles).
  test('interpolate gives what the regex replace gave', () => {
    const re = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?-)([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g;
    const oracle = (value: string, env: Record<string, string | undefined>) => {
      let unresolved = false;
      const out = value.replace(re, (_m, name: string, op: string | undefined, def: string | undefined, bare: string | undefined) => {
        const v = env[name ?? bare!];
        if (v !== undefined && (v !== '' || op !== ':-')) return v;
        if (op) return def ?? '';
        unresolved = true;
        return '';
      });
      return unresolved ? null : out;
    };
    const env = { A: 'a', E: '', B_1: 'b' };
    const inputs = [
      '${A}',
      '$A$B_1',
      '${E:-d}',
      '${E-d}',
      '${U-d}',
      '${U:-}',
      '${U}',
      '$U',
      '${A-${B_1}}',
      '${A-${A-',
      'x${:-}',
      '${A:x}',
      '$$A',
      '${A}}',
      '${U-a}b${B_1}',
      '$',
      '${',
      '${1}',
      '${A',
      'p${U:-q}r$B_1.s',
      '${A-x}${U-y}',
      '${A:-',
    ];
    for (const s of inputs) assert.deepEqual(interpolate(s, env), oracle(s, env), s);
    const piece = fc.constantFrom('$', '{', '}', ':', '-', ':-', 'A', 'E', 'U', 'B_1', '1', 'x', ' ', '\\');
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 24 }), (p) => assert.deepEqual(interpolate(p.join(''), env), oracle(p.join(''), env))),
      { numRuns: 3000 },
    );
  });

  test('.env and Dockerfile line matching gives what the regexes gave', () => {
    const dotenvRe = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.]*)\s*=\s*(.*)$/;
    const lines = [
      'A=1',
      ' export B = 2 ',
      'export=3',
      'exportC=4',
      'export  .x=5',
      'export .x=5',
      'a.b=6',
      'X=\t\r\tY',
      'X=\tY\rZ',
      '=1',
      '9A=1',
      'K = "q" # c',
      'K=\u2028',
      'export\tK=v',
      'export K',
    ];
    for (const l of lines) {
      const m = dotenvRe.exec(l);
      assert.deepEqual(
        parseDotEnv(l).map((v) => [v.name, v.value]),
        m ? [[m[1], parseDotEnv(`${m[1]}=${m[2]}`)[0]?.value]] : [],
        JSON.stringify(l),
      );
    }
    const piece = fc.constantFrom('export', ' ', '\t', '\r', '\u2028', '=', 'A', 'b', '.', '9', '_', '#', '"', 'ENV', 'env', 'K', 'V');
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 16 }), (p) => {
        const l = p.join('');
        const m = dotenvRe.exec(l);
        assert.deepEqual(
          parseDotEnv(l).map((v) => v.name),
          m ? [m[1]] : [],
        );
      }),
      { numRuns: 3000 },
    );
    const envRe = /^\s*ENV\s+(.*)$/i;
    const legacyRe = /^([A-Za-z_][A-Za-z0-9_]*)\s+(.*)$/;
    const docker = [
      'ENV A=1',
      'env a b c',
      ' ENV\tK V',
      'ENVK=1',
      'ENV',
      'ENV ',
      'ENV\r',
      'ENV K\r\tV',
      'ENV K\tV\rW',
      'ENV 9K v',
      'ENV K  "v w"',
      'ENV\u2028K=1',
    ];
    for (const l of docker) {
      const m = envRe.exec(l);
      const body = m?.[1].trim();
      let want: [string, string][] = [];
      if (body !== undefined && !body.split(/\s+/)[0].includes('=')) {
        const mm = legacyRe.exec(body);
        if (mm) want = [[mm[1], unquote(mm[2].trim(), false)]];
      } else if (body !== undefined) want = parseDockerfileEnv(`ENV ${body}`).map((v) => [v.name, v.value]);
      assert.deepEqual(
        parseDockerfileEnv(l).map((v) => [v.name, v.value]),
        want,
        JSON.stringify(l),
      );
    }
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 16 }), (p) => {
        const l = p.join('');
        const m = envRe.exec(l);
        const body = m?.[1].trim();
        if (body === undefined || body.split(/\s+/)[0].includes('=')) return;
        const mm = legacyRe.exec(body);
        assert.deepEqual(
          parseDockerfileEnv(l).map((v) => [v.name, v.value]),
          mm ? [[mm[1], unquote(mm[2].trim(), false)]] : [],
          JSON.stringify(l),
        );
      }),
      { numRuns: 3000 },
    );
  });
}
