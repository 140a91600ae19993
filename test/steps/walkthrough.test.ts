// The walkthrough: media from the knowledge base's facts, completion events on real command ids.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { readFileSync, existsSync } from 'node:fs';
import { kb } from '../../src/core/kb';
import { enableInstructionsMarkdown } from '../../src/core/language';

const ROOT = path.resolve(__dirname, '../../..');
const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));

test('walkthrough steps: media exist, completion events name declared commands or the steps view', () => {
  const commands = new Set<string>(pkg.contributes.commands.map((c: { command: string }) => c.command));
  const views = new Set<string>(
    Object.values(pkg.contributes.views)
      .flat()
      .map((v) => (v as { id: string }).id),
  );
  const [w] = pkg.contributes.walkthroughs;
  assert.equal(w.id, 'asmTroubleshooter.gettingStarted');
  assert.deepEqual(
    w.steps.map((s: { id: string }) => s.id),
    ['enable', 'attack', 'signals', 'troubleshoot'],
  );
  for (const s of w.steps) {
    assert.ok(existsSync(path.join(ROOT, s.media.markdown)), s.media.markdown);
    for (const e of s.completionEvents) {
      const [kind, id] = e.split(':');
      if (kind === 'onCommand') assert.ok(commands.has(id), `${e} names a declared command`);
      else if (kind === 'onView') assert.ok(views.has(id), `${e} names a declared view`);
      else assert.fail(`unexpected completion event ${e}`);
    }
    for (const m of String(s.description).matchAll(/\(command:([\w.]+)\)/g)) {
      assert.ok(commands.has(m[1]), `${m[1]} is a declared command`);
      // The step completes when its link is used: the link's command is one of its completion events.
      assert.ok(s.completionEvents.includes(`onCommand:${m[1]}`), `${s.id}: the link ${m[1]} does not complete the step`);
    }
    // Walkthrough descriptions render links only: markdown code would show its backquotes.
    assert.doesNotMatch(String(s.description), /`/, `${s.id}: a backquote in the description`);
  }
});

test('enable.md agrees with kb/tracers.yaml: every tracer, its minimum version and its env var', () => {
  const md = readFileSync(path.join(ROOT, 'media/walkthrough/enable.md'), 'utf8');
  for (const t of kb().data.tracers) {
    const row = md.split('\n').find((l) => l.startsWith(`| ${t.name} |`));
    assert.ok(row, `${t.name} row`);
    assert.ok(row.includes(t.minAsmVersion), `${t.name} ${t.minAsmVersion}`);
    assert.ok(row.includes(t.enable.env), `${t.name} ${t.enable.env}`);
  }
  const signals = readFileSync(path.join(ROOT, 'media/walkthrough/signals.md'), 'utf8');
  for (const s of ['once a week', 'once a day', 'immediately', 'passlist', 'notification rule', 'weekly digest', 'dd-test-scanner-log'])
    assert.ok(signals.includes(s), s);
});

test('showEnableInstructions markdown: the detected language first, every tracer with its exact switch', () => {
  const md = enableInstructionsMarkdown('go');
  const headings = [...md.matchAll(/^## (.+)$/gm)].map((m) => m[1]);
  assert.equal(headings[0], 'Go (detected)');
  assert.equal(headings.length, kb().data.tracers.length);
  for (const t of kb().data.tracers) {
    assert.ok(md.includes(t.enable.env));
    if (t.enable.flag) assert.ok(md.includes(t.enable.flag), t.enable.flag);
  }
  assert.ok(!enableInstructionsMarkdown(null).includes('(detected)'));
});
