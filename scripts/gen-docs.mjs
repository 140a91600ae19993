// Generates the reference parts of the docs from the knowledge base (kb/*.yaml) and package.json, so each fact is
// written once: docs/reference.md (all tables) and the marked sections of README.md.
// `node scripts/gen-docs.mjs` writes them; `--check` exits 1 when they are stale (run by the test suite).
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const kb = (f) => parse(readFileSync(path.join(ROOT, 'kb', f), 'utf8'));
const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const esc = (s) =>
  String(s ?? '')
    .replace(/\|/g, '\\|')
    .replace(/\n/g, ' ');
const code = (s) => (s === undefined || s === null || s === '' ? '' : `\`${esc(s).replace(/`/g, "'")}\``);
const table = (head, rows) => [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
const STEP = { running: 'confirm', 'test-attack': '1', integrations: '2', agent: '3', backend: '4' };
const DOCS = 'https://docs.datadoghq.com';

const findings = kb('findings.yaml');
const ddas = kb('ddas.yaml');
const tracers = kb('tracers.yaml');
const integrations = kb('integrations.yaml');
const settings = kb('php-settings.yaml');
const envVars = kb('env-vars.yaml');
const rules = kb('rules.yaml');

const sections = {
  diagnostics: table(
    ['code', 'severity', 'step', 'what it means', 'what to do'],
    findings.map((f) => [
      f.doc ? `[${code(f.code)}](${f.doc.startsWith('http') ? f.doc : DOCS + f.doc})` : code(f.code),
      f.severity,
      STEP[f.step] ?? '',
      esc(f.meaning),
      esc(f.fix),
    ]),
  ),
  ddas: table(
    ['code', 'phase', 'severity', 'title', 'what to do'],
    ddas.map((d) => [code(d.code), d.phase, d.severity, esc(d.title), esc(d.fix)]),
  ),
  tracers: table(
    ['tracer', 'ASM from', 'startup field', 'turn ASM on', 'required integrations'],
    tracers.map((t) => {
      const i = integrations.find((x) => x.language === t.language);
      return [
        t.name,
        t.minAsmVersion,
        t.appsecField ? code(t.appsecField) : '(none printed)',
        [code(t.enable.env), t.enable.flag ? code(t.enable.flag) : ''].filter(Boolean).join(' or '),
        i?.required.length ? i.required.join(', ') : esc(i?.note ?? ''),
      ];
    }),
  ),
  rules: table(
    ['rule', 'name', 'regex', 'triggered by'],
    rules.map((r) => [code(r.id), esc(r.name), code(r.regex), r.userAgent ? code(`User-Agent: ${r.userAgent}`) : '']),
  ),
  'php-settings': table(
    ['setting', 'era', 'type', 'default', 'env var', 'meaning'],
    settings.map((s) => [
      code(s.key),
      s.era,
      s.type + (s.unit ? ` (${s.unit})` : ''),
      code(s.default === '' ? '""' : s.default),
      s.env ? code(s.env) : '',
      esc(s.meaning),
    ]),
  ),
  'env-vars': table(
    ['variable', 'tracers', 'default', 'meaning'],
    envVars.map((e) => [code(e.name), e.languages.join(', '), esc(e.default ?? ''), esc(e.meaning)]),
  ),
  settings: table(
    ['setting', 'default', 'description'],
    Object.entries(pkg.contributes.configuration.properties).map(([k, v]) => [
      code(k),
      code(JSON.stringify(v.default)),
      esc(v.markdownDescription ?? v.description),
    ]),
  ),
  commands: table(
    ['command', 'id'],
    pkg.contributes.commands.map((c) => [`${c.category}: ${c.title}`, code(c.command)]),
  ),
};

/**
 * The tracer message catalogue (kb/messages.yaml): its size, per-tracer counts and the sources it was mined from
 * (the `repo@commit` of each entry's `source`), then one row per mined (versioned) entry.
 */
function messageCatalogue(messages) {
  const WHO = {
    java: 'Java',
    dotnet: '.NET',
    go: 'Go',
    ruby: 'Ruby',
    php: 'PHP extension',
    'php-helper': 'PHP helper',
    nodejs: 'Node.js',
    agent: 'Datadog Agent',
  };
  const srcs = (m) => (Array.isArray(m.source) ? m.source : [m.source]);
  const AT = /^(DataDog\/[\w.-]+)@([0-9a-f]{7,40}) /;
  const isMined = (m) => srcs(m).some((s) => AT.test(s));
  const mined = messages.filter(isMined);
  const perTracer = table(
    ['tracer', 'messages', 'mined from the sources', 'finding codes raised'],
    Object.entries(WHO).map(([d, name]) => {
      const of = messages.filter((m) => m.dialects.includes(d));
      return [name, String(of.length), String(of.filter(isMined).length), [...new Set(of.map((m) => m.finding))].sort().map(code).join(', ')];
    }),
  );
  const commits = new Map();
  for (const m of messages) {
    for (const s of srcs(m)) {
      const r = AT.exec(s);
      if (r) commits.set(`${r[1]}@${r[2]}`, (commits.get(`${r[1]}@${r[2]}`) ?? 0) + 1);
    }
  }
  const sources = table(
    ['repository @ commit', 'entries citing it'],
    [...commits].sort((a, b) => a[0].localeCompare(b[0])).map(([k, n]) => [code(k), String(n)]),
  );
  const rows = table(
    ['id', 'tracer', 'versions', 'finding', 'cause', 'source'],
    mined.map((m) => [
      code(m.id),
      m.dialects.map((d) => WHO[d] ?? d).join(', '),
      esc(m.versions ?? (m.below ? `raised below ${m.below}` : '')),
      code(m.finding),
      m.cause ? code(m.cause) : '',
      esc(srcs(m).find((x) => AT.test(x))),
    ]),
  );
  return `${messages.length} log messages in \`kb/messages.yaml\`, ${mined.length} of them mined from the tracers' and the Agent's own sources (format strings read at the \`repo@commit\` each entry names; version ranges from the release tags that hold them). A message of several tracers counts in each.

${perTracer}

### Sources

${sources}

### Mined messages

${rows}`;
}

const reference = `# Reference

Generated by \`node scripts/gen-docs.mjs\` from \`kb/*.yaml\` and \`package.json\`: edit those, not this file.

## Diagnostic codes

Stable codes (the CLI's \`check --json\` and the editor's Problems panel use them). Step: the troubleshooting guide's step.

${sections.diagnostics}

## AppSec log codes (DDAS)

Each is also reported by its own code, with this severity.

${sections.ddas}

## Tracers

${sections.tracers}

## Scanner rules

${sections.rules}

## PHP AppSec settings

${sections['php-settings']}

## Environment variables

${sections['env-vars']}

## Extension settings

${sections.settings}

## Commands

${sections.commands}

## Tracer message catalogue

${messageCatalogue(kb('messages.yaml'))}
`;

/**
 * Fills every `<!-- generated:NAME -->` … `<!-- /generated -->` section of the README. An empty section matches too
 * (the closing marker right after the opening line): it used to be skipped, so an empty table passed --check.
 */
function fillReadme(text) {
  return text.replace(/(<!-- generated:(\w[\w-]*) -->\n)([\s\S]*?)(<!-- \/generated -->)/g, (m, open, name, _body, close) => {
    if (!(name in sections)) throw new Error(`README.md: unknown generated section ${name}`);
    return `${open}${sections[name]}\n${close}`;
  });
}

const check = process.argv.includes('--check');
// --readme FILE: check (or write) that file instead of the repository's README.md (the docs test's stale copies).
const readmeAt = process.argv.indexOf('--readme');
const README = readmeAt > 0 ? path.resolve(process.argv[readmeAt + 1]) : path.join(ROOT, 'README.md');
const targets = [
  [path.join(ROOT, 'docs', 'reference.md'), () => reference],
  [README, (old) => fillReadme(old)],
];
let stale = 0;
for (const [file, make] of targets) {
  let old = '';
  try {
    old = readFileSync(file, 'utf8');
  } catch {}
  const next = make(old);
  if (next === old) continue;
  if (check) {
    console.error(`${path.relative(ROOT, file)} is stale: run node scripts/gen-docs.mjs`);
    stale++;
  } else {
    writeFileSync(file, next);
    console.log(`wrote ${path.relative(ROOT, file)}`);
  }
}
process.exit(stale ? 1 : 0);
