// The knowledge base loads, validates, and rejects malformed entries with a message naming them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { kb, RAW_KB } from '../../src/core/kb';
import { validateKb, KbError } from '../../src/core/kb/validate';

const clone = () => structuredClone(RAW_KB) as Record<string, Record<string, unknown>[]>;

test('the shipped knowledge base is valid and indexed', () => {
  validateKb(RAW_KB);
  const k = kb();
  assert.ok(k.finding('appsec-disabled'));
  assert.equal(k.tracer('nodejs').minAsmVersion, '2.0.0');
  assert.equal(k.data.steps.map((s) => s.id).join(','), 'running,test-attack,integrations,agent,backend');
});

test('every entry names its source', () => {
  for (const [name, list] of Object.entries(RAW_KB))
    for (const e of list as { source?: unknown }[]) assert.ok(e.source, `${name}: ${JSON.stringify(e).slice(0, 80)}`);
});

test('a malformed entry fails validation, naming the entry and field', () => {
  const bad = clone();
  bad.findings![0]!.severity = 'fatal';
  assert.throws(
    () => validateKb(bad),
    (e: Error) => e instanceof KbError && /findings\.0\.severity/.test(e.message),
  );
  const noSource = clone();
  delete noSource.rules![0]!.source;
  assert.throws(() => validateKb(noSource), /rules\.0\.source/);
  const dup = clone();
  dup.findings!.push({ ...dup.findings![0]! });
  assert.throws(() => validateKb(dup), /duplicate finding code/);
  const badRe = clone();
  (badRe.messages![0] as Record<string, unknown>).pattern = '(';
  assert.throws(() => validateKb(badRe), /bad pattern/);
});

test('findings declare their log rule and summary effect: every declared rule exists and raises them', async () => {
  const { LOG_RULES } = await import('../../src/core/log/rules');
  const { applyEffect } = await import('../../src/core/log/rules/common');
  const { emptySummary } = await import('../../src/core/log/types');
  const ids = new Set(LOG_RULES.map((r) => r.id));
  for (const f of kb().data.findings) if (f.rule) assert.ok(ids.has(f.rule), `${f.code}: rule ${f.rule} exists`);
  // The summary effects come from the kb, not from a list in the rules.
  const s = emptySummary();
  applyEffect(s, 'appsec-start-failed');
  assert.equal(s.appsec, 'disabled');
  applyEffect(s, 'DDAS-0014-00');
  assert.equal(s.appsec, 'enabled');
  applyEffect(s, 'agent-unreachable');
  assert.equal(s.agentReachable, false);
  applyEffect(s, 'attack-detected');
  assert.equal(s.appsec, 'enabled', 'a finding without an effect changes nothing');
  assert.ok(kb().findingsOfRule('appsec').has('appsec-waf-error'));
});
