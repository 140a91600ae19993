// No regex with catastrophic backtracking: every log rule's and dialect's regex literal (read from the sources with the
// TypeScript parser) and every knowledge-base message pattern is (1) checked structurally — no unbounded quantifier
// over a group that itself repeats or alternates — and (2) run on adversarial 1 MB lines (a literal prefix, then a
// long run of the characters the pattern repeats) in a worker that must finish; the 20 s bound only catches a hang.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { kb } from '../../src/core/kb';

interface Rx {
  where: string;
  source: string;
  flags: string;
}

/** Regex literals of the analyzers' sources (TypeScript is a dev dependency; loaded at run time, not bundled). */
function sourceRegexes(): Rx[] {
  const ts = createRequire(path.resolve('package.json'))('typescript') as typeof import('typescript');
  const files = ['src/core/log/dialect.ts', 'src/core/log/analyzer.ts', ...readdirSync('src/core/log/rules').filter((f) => f.endsWith('.ts')).map((f) => `src/core/log/rules/${f}`)];
  const out: Rx[] = [];
  for (const f of files) {
    const sf = ts.createSourceFile(f, readFileSync(f, 'utf8'), ts.ScriptTarget.ES2022, true);
    const visit = (n: import('typescript').Node) => {
      if (n.kind === ts.SyntaxKind.RegularExpressionLiteral) {
        const t = n.getText(sf);
        const end = t.lastIndexOf('/');
        out.push({ where: `${f}:${sf.getLineAndCharacterOfPosition(n.getStart(sf)).line + 1}`, source: t.slice(1, end), flags: t.slice(end + 1).replace(/[gy]/g, '') });
      }
      n.forEachChild(visit);
    };
    visit(sf);
  }
  return out;
}

function kbRegexes(): Rx[] {
  return kb().data.messages.map((m) => ({ where: `kb/messages.yaml ${m.id}`, source: m.pattern, flags: '' }));
}

/**
 * The first unbounded quantifier (*, +, {n,}) applied to a group that contains a quantifier or an alternation,
 * or null. A small parser of JS regex syntax: escapes, classes, groups, quantifiers.
 */
export function nestedQuantifier(src: string): string | null {
  const stack: { q: boolean; alt: boolean; at: number }[] = [{ q: false, alt: false, at: 0 }];
  const quant = (i: number): { unbounded: boolean; len: number } | null => {
    const c = src[i];
    if (c === '*' || c === '+') return { unbounded: true, len: src[i + 1] === '?' ? 2 : 1 };
    if (c === '?') return { unbounded: false, len: src[i + 1] === '?' ? 2 : 1 };
    const m = c === '{' ? /^\{(\d+)(,(\d*))?\}\??/.exec(src.slice(i)) : null;
    return m ? { unbounded: m[2] !== undefined && m[3] === '', len: m[0].length } : null;
  };
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    const top = stack[stack.length - 1]!;
    if (c === '\\') i += 2;
    else if (c === '[') {
      i++;
      while (i < src.length && src[i] !== ']') i += src[i] === '\\' ? 2 : 1;
      i++;
    } else if (c === '(') {
      stack.push({ q: false, alt: false, at: i });
      i++;
      continue;
    } else if (c === ')') {
      const g = stack.pop()!;
      const parent = stack[stack.length - 1]!;
      i++;
      const q = quant(i);
      if (q) {
        if (q.unbounded && (g.q || g.alt)) return src.slice(g.at, i + q.len);
        parent.q = true;
        i += q.len;
      } else if (g.q) parent.q = true;
      continue;
    } else if (c === '|') {
      top.alt = true;
      i++;
      continue;
    } else i++;
    const q = quant(i);
    if (q) {
      top.q = true;
      i += q.len;
    }
  }
  return null;
}

test('the structural check itself: it flags nested quantifiers and passes linear patterns', () => {
  assert.equal(nestedQuantifier('^(a+)+$'), '(a+)+');
  assert.equal(nestedQuantifier('(?:x|xy)*z'), '(?:x|xy)*');
  assert.equal(nestedQuantifier('(\\w{1,3}){2,}'), '(\\w{1,3}){2,}');
  assert.equal(nestedQuantifier('"(?:[^"\\\\]|\\\\.){0,2000}"'), null);
  assert.equal(nestedQuantifier('^\\[dd\\.trace [^\\]]{0,64}\\] (TRACE|DEBUG) '), null);
  assert.equal(nestedQuantifier('[(+*]+(a)'), null);
});

const ALL = [...sourceRegexes(), ...kbRegexes()];

test('every analyzer regex and KB message pattern is free of nested quantifiers', () => {
  assert.ok(ALL.length > 20, `only ${ALL.length} regexes found`);
  const bad = ALL.map((r) => ({ ...r, nested: nestedQuantifier(r.source) })).filter((r) => r.nested);
  assert.deepEqual(bad.map((r) => `${r.where}: /${r.source}/ has ${r.nested}`), []);
});

const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const MB = 1 << 20;
for (let k = 0; k < workerData.length; k++) {
  const { source, flags } = workerData[k];
  parentPort.postMessage({ at: k });
  const re = new RegExp(source, flags);
  // The literal head of the pattern (to get past anchors), then runs of the characters it repeats.
  const head = (/^\\^?((?:[^\\\\.[\\](){}*+?|^$]|\\\\[^dDwWsSbBnrtux0-9pPk])*)/.exec(source)[1] || '').replace(/\\\\(.)/g, '$1').replace(/[*+?{]$/, '');
  const chars = new Set(['a', 'A', '1', ' ', '\\t', '"', '\\\\', ...source.replace(/\\\\[dDwWsS]/g, '').match(/[^A-Za-z0-9]/g) || []]);
  for (const ch of chars) {
    for (const s of [head + ch.repeat(MB), head + (ch + 'a').repeat(MB / 2), ch.repeat(MB)]) re.exec(s);
  }
}
parentPort.postMessage({ done: workerData.length });
`;

test('every regex finishes on adversarial 1 MB lines (in a worker; 20 s per regex is a hang guard, not a timing)', async () => {
  const w = new Worker(WORKER, { eval: true, workerData: ALL.map(({ source, flags }) => ({ source, flags })) });
  let at = -1;
  const result = await new Promise<string>((resolve) => {
    // Restarted at each regex: the guard bounds one regex, so the test does not become a timing of the whole
    // knowledge base as it grows (or of a loaded machine).
    const hung = () => resolve(`hung on ${ALL[at]?.where}: /${ALL[at]?.source}/`);
    let guard = setTimeout(hung, 20_000);
    w.on('message', (m: { at?: number; done?: number }) => {
      if (m.at !== undefined) {
        at = m.at;
        clearTimeout(guard);
        guard = setTimeout(hung, 20_000);
      }
      if (m.done !== undefined) {
        clearTimeout(guard);
        resolve(`done ${m.done}`);
      }
    });
    w.on('error', (e) => {
      clearTimeout(guard);
      resolve(`error on ${ALL[at]?.where}: ${e.message}`);
    });
  });
  await w.terminate();
  assert.equal(result, `done ${ALL.length}`);
});
