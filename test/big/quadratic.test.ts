// Legitimate-looking logs that made the analysis quadratic (issue 18, points 9 and 10): many distinct attack rule
// ids (the summary's rule list was searched and re-sorted per attack) and many distinct "Plugin … was disabled"
// lines (the disabled list was searched per line). Each case runs in a worker (this file, re-entered off the main
// thread); the 90 s bound only catches the quadratic behaviour (minutes at these sizes before the fix, about a
// second after), it is not a timing. The results are checked against what the log says.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { analyzeLogText } from '../../src/core/log/analyzer';
import { inWorker as runInWorker } from '../support/worker';

type Case = 'attack-rules' | 'plugins-disabled';
const RULES = 200_000;
const PLUGINS = 300_000;

interface Out {
  rules: string[];
  attacks: number;
  disabled: string[];
  codes: Record<string, number>;
  dropped: Record<string, number>;
}

function run(c: Case): Out {
  let text: string;
  if (c === 'attack-rules') {
    // Ids in an order unrelated to their sort order, each twice (the second time already known).
    const ids = Array.from({ length: RULES }, (_, i) => `rule-${((i * 7919) % RULES).toString(36)}`);
    text = [...ids, ...ids.slice(0, 1000)].map((id) => `Detecting an attack from rule ${id}: sql injection`).join('\n');
  } else {
    const names = Array.from({ length: PLUGINS }, (_, i) => `p${i}`);
    // dd-trace prints each line twice; http (required for ASM) among them.
    names.splice(1234, 0, 'http');
    text = names.flatMap((n) => [`Plugin "${n}" was disabled via configuration option.`, `Plugin "${n}" was disabled via configuration option.`]).join('\n');
  }
  const a = analyzeLogText(text);
  const codes: Record<string, number> = {};
  for (const f of a.findings) codes[f.code] = (codes[f.code] ?? 0) + 1;
  return { rules: a.summary.rules, attacks: a.summary.attacks, disabled: a.summary.disabledIntegrations, codes, dropped: a.dropped };
}

if (!isMainThread) {
  parentPort!.postMessage(run(workerData as Case));
} else {
  const inWorker = (c: Case): Promise<Out> => runInWorker<Out>(__filename, c, `${c} (quadratic)`, 90);

  test('quadratic: 200k distinct attack rule ids complete; the summary lists each id once, sorted', async () => {
    const o = await inWorker('attack-rules');
    assert.equal(o.attacks, RULES + 1000);
    assert.equal(o.rules.length, RULES);
    const expected = Array.from({ length: RULES }, (_, i) => `rule-${i.toString(36)}`).sort();
    assert.deepEqual(o.rules, expected);
    assert.equal((o.codes['attack-detected'] ?? 0) + (o.dropped['attack-detected'] ?? 0), RULES + 1000);
  });

  test('quadratic: 300k distinct "Plugin … was disabled" lines complete; each name once, in log order; http reported once', async () => {
    const o = await inWorker('plugins-disabled');
    assert.equal(o.disabled.length, PLUGINS + 1);
    assert.equal(o.disabled[0], 'p0');
    assert.equal(o.disabled[1234], 'http');
    assert.equal(o.disabled[PLUGINS], `p${PLUGINS - 1}`);
    assert.equal(new Set(o.disabled).size, PLUGINS + 1);
    assert.equal(o.codes['integration-disabled'], 1);
  });
}
