// What each bundle is made of: builds dist/extension.js (and optionally the server and CLI) like
// `node esbuild.mjs --production` does, in memory, and prints the minified bytes per package (node_modules/<pkg>),
// per source folder (src/<dir>) and for the knowledge base (kb/*.yaml), from esbuild's metafile.
//   node scripts/bundle-report.mjs [--all] [--files] [--json]
// --all: the server and CLI too; --files: every input over 1 KB; --json: one JSON object (with every input's
// bytes under `inputs`; test/unit/client-bundle.test.ts reads it).
import * as esbuild from 'esbuild';
import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';

const args = new Set(process.argv.slice(2));

const yamlPlugin = {
  name: 'yaml',
  setup(build) {
    build.onLoad({ filter: /\.ya?ml$/ }, async (a) => ({ contents: JSON.stringify(parse(await readFile(a.path, 'utf8'))), loader: 'json' }));
  },
};

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  minify: true,
  legalComments: 'none',
  metafile: true,
  write: false,
  plugins: [yamlPlugin],
  logLevel: 'warning',
};
const bundles = { extension: { entryPoints: ['src/client/extension.ts'], external: ['vscode'] } };
if (args.has('--all')) {
  bundles.server = { entryPoints: ['src/server/server.ts'] };
  bundles.cli = { entryPoints: ['src/cli/main.ts'] };
}

/** node_modules/<scope>/<pkg>/… → <scope>/<pkg>; src/core/log/x.ts → src/core/log; kb/x.yaml → kb. */
function group(input) {
  const nm = input.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const parts = input.slice(nm + 'node_modules/'.length).split('/');
    return parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0];
  }
  if (input.startsWith('kb/')) return 'kb (YAML)';
  const parts = input.split('/');
  return parts.slice(0, Math.min(parts.length - 1, 3)).join('/') || input;
}

const report = {};
for (const [name, opts] of Object.entries(bundles)) {
  const r = await esbuild.build({ ...common, ...opts });
  const [, out] = Object.entries(r.metafile.outputs).find(([f]) => f.endsWith('.js'));
  const groups = {};
  for (const [input, { bytesInOutput }] of Object.entries(out.inputs)) groups[group(input)] = (groups[group(input)] ?? 0) + bytesInOutput;
  const files = Object.entries(out.inputs)
    .filter(([, v]) => v.bytesInOutput > 1024)
    .sort((a, b) => b[1].bytesInOutput - a[1].bytesInOutput)
    .map(([f, v]) => [f, v.bytesInOutput]);
  report[name] = {
    bytes: out.bytes,
    groups: Object.fromEntries(Object.entries(groups).sort((a, b) => b[1] - a[1])),
    ...(args.has('--files') ? { files: Object.fromEntries(files) } : {}),
    ...(args.has('--json') ? { inputs: Object.fromEntries(Object.entries(out.inputs).map(([f, v]) => [f, v.bytesInOutput])) } : {}),
  };
}

if (args.has('--json')) console.log(JSON.stringify(report, null, 2));
else {
  const kb = (n) => `${(n / 1024).toFixed(1).padStart(7)} KB`;
  for (const [name, r] of Object.entries(report)) {
    console.log(`${name}.js${kb(r.bytes)}`);
    for (const [g, n] of Object.entries(r.groups)) if (n) console.log(`  ${kb(n)}  ${g}`);
    if (r.files) for (const [f, n] of Object.entries(r.files)) console.log(`      ${kb(n)}  ${f}`);
  }
}
