// The custom protocol lives in src/server/protocol.ts: every request and notification is a typed RequestType or
// NotificationType there, and no other source or test file spells an 'asm/…' method name as a string literal (a
// literal elsewhere is a method the types do not check, and the next rename misses it).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { METHODS, Notifications, Requests } from '../../src/server/protocol';

const REPO = path.resolve(__dirname, '../../..');
const PROTOCOL = 'src/server/protocol.ts';

function tsFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(path.join(REPO, dir), { withFileTypes: true })) {
    const rel = `${dir}/${e.name}`;
    if (e.isDirectory()) out.push(...tsFiles(rel));
    else if (/\.(ts|mts|mjs)$/.test(e.name) && !e.name.endsWith('.d.ts')) out.push(rel);
  }
  return out;
}

/** 'asm/…' or "asm/…" whole string literals (a test title like 'asm/steps: …' is prose, not a method). */
export function methodLiterals(text: string): string[] {
  return [...text.matchAll(/(['"])(asm\/[A-Za-z0-9/]+)\1/g)].map((m) => m[2]!);
}

test('methodLiterals finds a method name in quotes, and not the same words in prose', () => {
  assert.deepEqual(methodLiterals(`client.onNotification('asm/analysis', f); x("asm/intake/trace")`), ['asm/analysis', 'asm/intake/trace']);
  assert.deepEqual(methodLiterals(`test('asm/steps: the language wins', …); // \`asm/analyzeFile\` streams`), []);
});

test('no source, script or test file outside the protocol module spells an asm/ method name', () => {
  const offenders: string[] = [];
  for (const f of [...tsFiles('src'), ...tsFiles('test'), ...tsFiles('scripts')]) {
    if (f === PROTOCOL || f === 'test/unit/protocol.test.ts') continue;
    for (const m of methodLiterals(readFileSync(path.join(REPO, f), 'utf8'))) offenders.push(`${f}: '${m}'`);
  }
  assert.deepEqual(offenders, [], 'use Requests/Notifications (or METHODS in raw JSON-RPC tests) from src/server/protocol.ts');
});

test('every method is declared once, and METHODS names exactly the typed requests and notifications', () => {
  const typed = [...Object.values(Requests), ...Object.values(Notifications)].map((t) => t.method);
  assert.equal(new Set(typed).size, typed.length, `a method declared twice: ${typed.join(', ')}`);
  assert.deepEqual(Object.values(METHODS).sort(), [...typed].sort());
  for (const m of typed) assert.match(m, /^asm\/[A-Za-z/]+$/);
});
