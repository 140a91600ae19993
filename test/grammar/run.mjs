// Grammar snapshot tests, generic: every folder test/grammar/<name>/ holds sample files (any extension but .snap) whose
// tokenization by syntaxes/asm-<name>.tmLanguage.json must equal the .snap next to them (vscode-tmgrammar-snap).
// Also checks that every token's scopes end in `.asm` (each scope the grammar assigns carries the product suffix).
// `node test/grammar/run.mjs --update` rewrites the snapshots (review the diff before committing).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

const update = process.argv.includes('--update');
const root = path.dirname(new URL(import.meta.url).pathname);
const bin = path.join('node_modules', '.bin', 'vscode-tmgrammar-snap');
let failed = 0;
let suites = 0;

/** Every `name` value in a grammar must end with .asm (a name may hold several space-separated scopes). */
function checkScopes(grammarPath) {
  const bad = [];
  const walk = (node, where) => {
    if (Array.isArray(node)) return node.forEach((n, i) => walk(n, `${where}[${i}]`));
    if (!node || typeof node !== 'object') return;
    for (const [k, v] of Object.entries(node)) {
      if ((k === 'name' || k === 'contentName') && typeof v === 'string' && where !== '') {
        for (const scope of v.split(/\s+/)) if (!/\.asm(\.|$)/.test(scope)) bad.push(`${where}.${k}: ${scope}`);
      } else walk(v, `${where}.${k}`);
    }
  };
  walk(JSON.parse(readFileSync(grammarPath, 'utf8')), '');
  return bad;
}

for (const name of readdirSync(root).sort()) {
  const dir = path.join(root, name);
  if (!statSync(dir).isDirectory()) continue;
  const grammar = path.join('syntaxes', `asm-${name}.tmLanguage.json`);
  if (!existsSync(grammar)) {
    console.error(`grammar: ${grammar} missing for test/grammar/${name}/`);
    failed++;
    continue;
  }
  suites++;
  const bad = checkScopes(grammar);
  if (bad.length) {
    console.error(`grammar: ${grammar}: scopes without the .asm product suffix:\n  ${bad.join('\n  ')}`);
    failed++;
  }
  const samples = readdirSync(dir)
    .filter((f) => !f.endsWith('.snap'))
    .sort();
  if (!samples.length) continue;
  const missing = samples.filter((f) => !existsSync(path.join(dir, f + '.snap')));
  if (missing.length && !update) {
    console.error(`grammar: no snapshot for ${missing.map((f) => `test/grammar/${name}/${f}`).join(', ')} (run node test/grammar/run.mjs --update)`);
    failed++;
  }
  const scopeName = JSON.parse(readFileSync(grammar, 'utf8')).scopeName;
  const args = ['-s', scopeName, '-g', grammar, ...(update ? ['-u'] : []), path.join('test', 'grammar', name, '*').replace(/\*$/, `{${samples.join(',')}}`)];
  if (samples.length === 1) args[args.length - 1] = path.join('test', 'grammar', name, samples[0]);
  console.log(`=== grammar ${name}: ${samples.length} sample(s)`);
  const r = spawnSync(bin, args, { stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
console.log(`grammar: ${suites} grammar(s), ${failed ? `${failed} failure(s)` : 'all snapshots match'}`);
process.exit(failed ? 1 : 0);
