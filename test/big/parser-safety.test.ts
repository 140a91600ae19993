// The workspace scan's parsers (.env, launch.json, Dockerfile) run on the language server's thread in the
// background rescan, on files up to 1 MiB: each adversarial 1 MiB input must finish, and still parse right. Each
// case runs in a worker (this very file, re-entered off the main thread) so a quadratic parser cannot block the
// test runner; the 60 s bound only catches a hang (these inputs took minutes to hours before the fixes), it is not
// a timing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { envAssignments, launchJsonSources, parseDockerfileEnv, parseDotEnv, type AgentVar } from '../../src/core/agent/address';
import { inWorker as runInWorker } from '../support/worker';

const MB = 1 << 20;

type Case = 'dotenv-spaces' | 'dotenv-comment' | 'launch-keys' | 'launch-unnamed' | 'docker-continuations' | 'docker-word';

/** The adversarial input of each case, and the parse of it (worker side). */
function run(c: Case): AgentVar[] {
  switch (c) {
    case 'dotenv-spaces':
      // A long run of spaces inside a value, no comment: /\s+#.*$/ retried at every space.
      return parseDotEnv(`A=x${' '.repeat(MB)}y\nDD_AGENT_HOST=agent # the agent\n`);
    case 'dotenv-comment':
      return parseDotEnv(`DD_AGENT_HOST=h${' \t'.repeat(MB / 2)}# c\nB=1 #x\nC=a#b\n`);
    case 'launch-keys': {
      // One configuration with ~60k env keys, one per line: a line count from the start per key was quadratic.
      const keys = Array.from({ length: 60_000 }, (_, i) => `    "K${i}": "v"`);
      return launchJsonSources(
        `{\n  "configurations": [{\n   "name": "big",\n   "env": {\n${keys.join(',\n')},\n    "DD_AGENT_HOST": "agent"\n   }\n  }]\n}\n`,
        'launch.json',
      ).flatMap((s) => s.vars);
    }
    case 'launch-unnamed': {
      // 250k unnamed configurations: each one's name was searched from the cursor to the end of the text.
      const text = `{"configurations":[${'{},\n'.repeat(250_000)}{"name":"x","env":{"DD_AGENT_HOST":"agent"}}]}`;
      return launchJsonSources(text, 'launch.json').flatMap((s) => s.vars);
    }
    case 'docker-continuations': {
      // ~1 MiB of continuation lines: the joined string was re-scanned after each line.
      const body = '  K=v \\\n'.repeat(MB / 8);
      return parseDockerfileEnv(`FROM node\nENV DD_AGENT_HOST=agent \\\n${body}  DD_TRACE_AGENT_PORT=9000\nRUN true\n`, 'Dockerfile');
    }
    case 'docker-word':
      // A 1 MiB word without '=': the NAME= regex was retried at every position of it.
      return parseDockerfileEnv(`ENV A=1 ${'a'.repeat(MB)} B=2 ${'9'.repeat(MB / 4)}=x C="q d"\n`);
  }
}

if (!isMainThread) {
  parentPort!.postMessage(run(workerData as Case));
} else {
  const inWorker = (c: Case): Promise<AgentVar[]> => runInWorker<AgentVar[]>(__filename, c, `${c}`, 60);
  const pick = (vars: AgentVar[], name: string) => vars.find((v) => v.name === name);

  test('.env: a 1 MiB run of spaces inside a value completes; values and comments stay right', async () => {
    const vars = await inWorker('dotenv-spaces');
    assert.equal(pick(vars, 'A')?.value, `x${' '.repeat(MB)}y`);
    assert.equal(pick(vars, 'DD_AGENT_HOST')?.value, 'agent');
    const c = await inWorker('dotenv-comment');
    assert.deepEqual(
      c.map((v) => [v.name, v.value, v.line]),
      [
        ['DD_AGENT_HOST', 'h', 0],
        ['B', '1', 1],
        ['C', 'a#b', 2],
      ],
    );
  });

  test('launch.json: 60k env keys and 250k unnamed configurations complete, each variable on its own line', async () => {
    const vars = await inWorker('launch-keys');
    assert.equal(vars.length, 60_001);
    assert.equal(pick(vars, 'K0')?.line, 4);
    assert.equal(pick(vars, 'K59999')?.line, 4 + 59_999);
    assert.deepEqual(pick(vars, 'DD_AGENT_HOST'), { name: 'DD_AGENT_HOST', value: 'agent', file: 'launch.json', line: 4 + 60_000 });
    const u = await inWorker('launch-unnamed');
    assert.deepEqual(u, [{ name: 'DD_AGENT_HOST', value: 'agent', file: 'launch.json', line: 250_000 }]);
  });

  test('Dockerfile: 1 MiB of continuation lines and a 1 MiB word complete; ENV values stay right', async () => {
    const vars = await inWorker('docker-continuations');
    assert.equal(vars.length, MB / 8 + 2);
    assert.deepEqual(vars[0], { name: 'DD_AGENT_HOST', value: 'agent', file: 'Dockerfile', line: 1 });
    assert.deepEqual(vars.at(-1), { name: 'DD_TRACE_AGENT_PORT', value: '9000', file: 'Dockerfile', line: 1 });
    const w = await inWorker('docker-word');
    assert.deepEqual(
      w.map((v) => [v.name, v.value]),
      [
        ['A', '1'],
        ['B', '2'],
        ['C', 'q d'],
      ],
    );
  });

  test('envAssignments finds what the NAME=value regex finds (names never start with a digit, quotes, empty values)', () => {
    const re = /([A-Za-z_][A-Za-z0-9_]*)=("(?:[^"\\]|\\.)*"|'[^']*'|[^\s]*)/g;
    const inputs = ['A=1 B="x y" C=\'p q\' D=', '1A=2 x-y=3 ==4 _=5', 'A="unterminated B=2', "A='open B=3", 'K=v=w L="a\\"b" M', 'a b c', '9=1 Z9=2', ''];
    for (const s of inputs)
      assert.deepEqual(
        envAssignments(s),
        [...s.matchAll(re)].map((m) => [m[1], m[2]]),
        s,
      );
  });
}
