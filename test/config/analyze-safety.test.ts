// The deployment-file analysis runs on the language server's thread on files the user did not write: adversarial
// 1 MiB shapes of each kind must finish (in a worker; the 60 s bound only catches a hang, it is not a timing).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { analyzeConfig } from '../../src/core/config/analyze';

const MB = 1 << 20;
const CASES: Record<string, () => [string, string]> = {
  'javaagent-word': () => [
    'docker-compose.yml',
    `services:\n  a:\n    command: java -javaagent:${'dd-java-agent'.repeat(MB / 13)}\n    environment:\n      DD_SERVICE: a\n`,
  ],
  'javaagent-many': () => ['Dockerfile', `FROM x\nCMD java ${'-javaagent:'.repeat(MB / 11)}\nENV DD_SERVICE=a\n`],
  'unknown-names': () => ['.env', Array.from({ length: 60_000 }, (_, i) => `DD_APPSEC_X${i}=1`).join('\n')],
  sysprops: () => ['.env', `JAVA_TOOL_OPTIONS=${'-Ddd.a=b '.repeat(MB / 9)}\n`],
  'compose-env': () => [
    'compose.yaml',
    `services:\n  a:\n    command: ddtrace-run x\n    environment:\n${Array.from({ length: 40_000 }, (_, i) => `      DD_K${i}: "v"`).join('\n')}\n`,
  ],
  'fpm-blank': () => ['www.conf', `[www]\n${'\n'.repeat(MB)}listen = 9000\n${'env[DD_A] = 1\n'.repeat(MB / 16)}`],
  'launch-comment': () => ['/w/.vscode/launch.json', `{"configurations":[{"name":"a","env":{"DD_SERVICE":"a" /*${'*'.repeat(MB)}*/}}]}`],
  'docker-continuations': () => ['Dockerfile', `FROM golang\nENV CGO_ENABLED=0\nRUN go build \\\n${'  -o x \\\n'.repeat(MB / 10)}  .\n`],
  'systemd-quotes': () => ['a.service', `[Service]\nEnvironment=${'"'.repeat(MB)}\n`],
};

if (!isMainThread) {
  const [file, text] = CASES[workerData as string]!();
  const a = analyzeConfig(file, text);
  parentPort!.postMessage({ kind: a?.kind ?? null, findings: a?.findings.length ?? -1, services: a?.model.services.length ?? -1 });
} else {
  const inWorker = (c: string) =>
    new Promise<{ kind: string | null; findings: number; services: number }>((resolve, reject) => {
      const w = new Worker(__filename, { workerData: c });
      const guard = setTimeout(() => {
        void w.terminate();
        reject(new Error(`${c}: no answer within 60 s (a hang)`));
      }, 60_000);
      w.once('message', (m) => {
        clearTimeout(guard);
        void w.terminate();
        resolve(m);
      });
      w.once('error', (e) => {
        clearTimeout(guard);
        reject(e);
      });
    });
  for (const c of Object.keys(CASES)) {
    test(`1 MiB adversarial ${c} completes and is still analysed`, async () => {
      const r = await inWorker(c);
      assert.notEqual(r.kind, null, c);
      assert.ok(r.services >= 1 || c === 'systemd-quotes', JSON.stringify(r));
    });
  }
}
