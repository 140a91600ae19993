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

/** The regex literals of some TypeScript files (TypeScript is a dev dependency; loaded at run time, not bundled). */
function regexLiterals(files: string[], dropFlags: RegExp): Rx[] {
  const ts = createRequire(path.resolve('package.json'))('typescript') as typeof import('typescript');
  const out: Rx[] = [];
  for (const f of files) {
    const sf = ts.createSourceFile(f, readFileSync(f, 'utf8'), ts.ScriptTarget.ES2022, true);
    const visit = (n: import('typescript').Node) => {
      if (n.kind === ts.SyntaxKind.RegularExpressionLiteral) {
        const t = n.getText(sf);
        const end = t.lastIndexOf('/');
        out.push({
          where: `${f}:${sf.getLineAndCharacterOfPosition(n.getStart(sf)).line + 1}`,
          source: t.slice(1, end),
          flags: t.slice(end + 1).replace(dropFlags, ''),
        });
      }
      n.forEachChild(visit);
    };
    visit(sf);
  }
  return out;
}

/** Regex literals of the analyzers' sources. */
function sourceRegexes(): Rx[] {
  return regexLiterals(
    [
      'src/core/log/dialect.ts',
      'src/core/log/analyzer.ts',
      ...readdirSync('src/core/log/rules')
        .filter((f) => f.endsWith('.ts'))
        .map((f) => `src/core/log/rules/${f}`),
    ],
    /[gy]/g,
  );
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
  assert.deepEqual(
    bad.map((r) => `${r.where}: /${r.source}/ has ${r.nested}`),
    [],
  );
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

// --- ReDoS check over every regex of src/, kb/ and syntaxes/ (issue 18) ----------------------------------------------
//
// JS regexes: recheck (https://makenowjust-labs.github.io/recheck/), its pure-JS backend (no JVM or native binary,
// works offline), automaton checker only: a proof from the regex's automaton, no fuzzing, so no timing in the result.
// A pattern it cannot decide in time is "unknown" and left to the 1 MB pumps above. Every "vulnerable" pattern
// fails the suite, except the ones listed in KNOWN_SUPERLINEAR (each an open point of issue 18 in someone else's
// module); an entry that no longer matches a regex fails too, so the list only shrinks.
//
// Grammar patterns (Oniguruma, which recheck does not read): run by vscode-oniguruma, the engine VS Code tokenises
// with, on generated pumps of 20 000 characters. Oniguruma counts no steps, so the bound is a time, a generous one:
// a linear pattern takes well under a millisecond there, the quadratic entry.begin of issue 18 point 8 took ~1 s.

/** Every regex literal of every src/ module (not only the analyzers'). */
function allSourceRegexes(): Rx[] {
  const walk = (d: string): string[] =>
    readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(`${d}/${e.name}`) : e.name.endsWith('.ts') ? [`${d}/${e.name}`] : []));
  return regexLiterals(walk('src'), /[gyd]/g);
}

/** The knowledge base's other regexes (scanner rules, with PCRE's (?i) prefix) and the log language's firstLine. */
function otherRegexes(): Rx[] {
  const rules = kb().data.rules.map((r: { id: string; regex: string }) => ({
    where: `kb/rules.yaml ${r.id}`,
    source: r.regex.replace(/^\(\?i\)/, ''),
    flags: r.regex.startsWith('(?i)') ? 'i' : '',
  }));
  const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { contributes: { languages: { id: string; firstLine?: string }[] } };
  const first = pkg.contributes.languages.filter((l) => l.firstLine).map((l) => ({ where: `package.json firstLine ${l.id}`, source: l.firstLine!, flags: '' }));
  return [...rules, ...first];
}

/** Known super-linear patterns still open (none now): where (file, without the line) and the pattern, with why. */
const KNOWN_SUPERLINEAR: { file: string; source: string; why: string }[] = [];

type Recheck = typeof import('recheck');
function recheck(): Recheck {
  process.env.RECHECK_BACKEND = 'pure';
  return createRequire(path.resolve('package.json'))('recheck') as Recheck;
}

/** recheck's verdict: why it is super-linear, 'safe', or 'unknown' (not decided in time: left to the pumps above). */
function verdict(rc: Recheck, r: Rx): { status: 'vulnerable' | 'safe' | 'unknown'; why?: string } {
  const d = rc.checkSync(r.source, r.flags, { checker: 'automaton', timeout: 1000 });
  if (d.status !== 'vulnerable') return { status: d.status === 'safe' ? 'safe' : 'unknown' };
  return {
    status: 'vulnerable',
    why: `${d.complexity.type === 'polynomial' ? d.complexity.summary : 'exponential'}${d.attack ? `, e.g. ${d.attack.pattern}` : ''}`,
  };
}

function superLinear(rc: Recheck, r: Rx): string | null {
  return verdict(rc, r).why ?? null;
}

test('the ReDoS check itself: recheck (pure JS, offline) flags known-bad patterns and passes linear ones', () => {
  const rc = recheck();
  assert.match(superLinear(rc, { where: 't', source: '^(a+)+$', flags: '' }) ?? 'safe', /exponential/);
  assert.match(superLinear(rc, { where: 't', source: '@.*$', flags: '' }) ?? 'safe', /2nd degree polynomial/);
  assert.match(superLinear(rc, { where: 't', source: '\\s+$', flags: '' }) ?? 'safe', /polynomial/);
  assert.equal(superLinear(rc, { where: 't', source: '^\\s{0,40}(\\w{1,40})\\.use\\s{1,10}:rack\\b', flags: '' }), null);
  assert.equal(superLinear(rc, { where: 't', source: '@[^\\n]*', flags: '' }), null);
});

test('no regex in src/, kb/ or package.json is super-linear (recheck), but the listed open points', () => {
  const rc = recheck();
  const all = [...allSourceRegexes(), ...kbRegexes(), ...otherRegexes()];
  assert.ok(all.length > 200, `only ${all.length} regexes found`);
  // A listed pattern is stale once recheck proves it safe or it is gone (not when it merely timed out on a busy machine).
  const stillThere = new Set<number>();
  const bad: string[] = [];
  let checked = 0;
  for (const r of all) {
    const v = verdict(rc, r);
    if (v.status !== 'unknown') checked++;
    const k = KNOWN_SUPERLINEAR.findIndex((x) => r.where.startsWith(`${x.file}:`) && x.source === r.source);
    if (k >= 0 && v.status !== 'safe') stillThere.add(k);
    if (v.status === 'vulnerable' && k < 0) bad.push(`${r.where}: /${r.source}/${r.flags} is ${v.why}`);
  }
  assert.ok(checked > 200, `recheck decided only ${checked} of ${all.length} patterns`);
  assert.deepEqual(bad, [], 'rewrite it linearly, or bound the input before the regex');
  const stale = KNOWN_SUPERLINEAR.filter((_, i) => !stillThere.has(i)).map((x) => `${x.file}: /${x.source}/ (${x.why})`);
  assert.deepEqual(stale, [], 'fixed (or moved): remove it from KNOWN_SUPERLINEAR');
});

interface GrammarPattern {
  where: string;
  source: string;
}

function grammarPatterns(): GrammarPattern[] {
  const out: GrammarPattern[] = [];
  for (const f of readdirSync('syntaxes').filter((x) => x.endsWith('.json'))) {
    const walk = (o: unknown, at: string) => {
      if (Array.isArray(o)) o.forEach((v, i) => walk(v, `${at}[${i}]`));
      else if (o && typeof o === 'object') {
        for (const [k, v] of Object.entries(o)) {
          if (['match', 'begin', 'end', 'while'].includes(k) && typeof v === 'string') out.push({ where: `syntaxes/${f} ${at}.${k}`, source: v });
          else walk(v, `${at}.${k}`);
        }
      }
    };
    walk(JSON.parse(readFileSync(`syntaxes/${f}`, 'utf8')), '');
  }
  return out;
}

type Onig = typeof import('vscode-oniguruma');
let onig: Promise<Onig> | undefined;
function oniguruma(): Promise<Onig> {
  onig ??= (async () => {
    const req = createRequire(path.resolve('package.json'));
    const o = req('vscode-oniguruma') as Onig;
    const wasm = readFileSync(path.join(path.dirname(req.resolve('vscode-oniguruma')), 'onig.wasm'));
    await o.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength) as ArrayBuffer);
    return o;
  })();
  return onig;
}

const PUMP = 20_000;
const BOUND_MS = 150;

/** Pumps for one pattern: a short head, a long run of one character (or pair), a tail that makes the match fail late. */
function pumps(source: string): string[] {
  const chars = new Set([' ', '\t', 'a', '=', '"', "'", '/', '<', ';', '-', ...(source.replace(/\\[dDwWsShH]/g, '').match(/[^A-Za-z0-9\\]/g) ?? [])]);
  const out: string[] = [];
  for (const ch of chars)
    for (const head of ['', 'a', 'ddappsec.x', '--a'])
      for (const tail of ['', 'b=', '\u0000', '"']) out.push(head + ch.repeat(PUMP) + tail, head + `${ch}a`.repeat(PUMP / 2) + tail);
  return out;
}

/** The slowest pump of a pattern, in ms (the scanner searches from 0, as the tokenizer does at a line's start). */
async function slowestPump(source: string): Promise<{ ms: number; pump: string }> {
  const o = await oniguruma();
  const scanner = new o.OnigScanner([source]);
  let worst = { ms: 0, pump: '' };
  try {
    for (const p of pumps(source)) {
      const s = new o.OnigString(p);
      const t = performance.now();
      scanner.findNextMatchSync(s, 0);
      const ms = performance.now() - t;
      s.dispose();
      if (ms > worst.ms) worst = { ms, pump: JSON.stringify(p.slice(0, 12)) + `… (${p.length} chars)` };
      if (ms > BOUND_MS) break;
    }
  } finally {
    scanner.dispose();
  }
  return worst;
}

test('the grammar check itself: the old quadratic asm-ini entry.begin exceeds the bound, its linear rewrite does not', async () => {
  assert.ok((await slowestPump('^\\s*([^=;#\\[\\s][^=\\r\\n]*?)\\s*(=)')).ms > BOUND_MS);
  assert.ok((await slowestPump('^\\s*([^=;#\\[\\s](?:[^=\\r\\n]*[^=\\s])?)\\s*(=)')).ms < BOUND_MS);
});

test(`every grammar pattern (Oniguruma) stays under ${BOUND_MS} ms on ${PUMP}-character pumps`, async () => {
  const all = grammarPatterns();
  assert.ok(all.length > 40, `only ${all.length} grammar patterns`);
  const slow: string[] = [];
  for (const g of all) {
    let w = await slowestPump(g.source);
    // Over the bound: measured twice more and the fastest kept, so a pause of a loaded machine (GC, another
    // process) is not taken for a super-linear pattern; a quadratic one is slow every time.
    for (let i = 0; i < 2 && w.ms > BOUND_MS; i++) {
      const again = await slowestPump(g.source);
      if (again.ms < w.ms) w = again;
    }
    if (w.ms > BOUND_MS) slow.push(`${g.where}: /${g.source}/ took ${Math.round(w.ms)} ms on ${w.pump}`);
  }
  assert.deepEqual(slow, []);
});
