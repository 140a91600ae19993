// Hover texts (markdown) from the knowledge base, for the word under the cursor in a log or ini line.
import { kb } from './kb';

export interface HoverResult {
  markdown: string;
  start: number;
  end: number;
}

interface Token {
  re: RegExp;
  render(m: RegExpExecArray): string | null;
}

// Hovers say what a token means and what to do; where the knowledge comes from (`source`) stays in the knowledge
// base and the reference docs, for maintainers: no seed file names or tracer source paths here.

const TOKENS: Token[] = [
  {
    re: /D?DAS-\d{4}-\d{2}/g,
    render(m) {
      const code = m[0].startsWith('DAS') ? 'D' + m[0] : m[0];
      const d = kb().ddas(code);
      if (!d) return null;
      const t = Object.entries(d.templates)
        .map(([k, v]) => `- ${k}: \`${v}\``)
        .join('\n');
      const url = kb().docUrl(d.doc);
      return `**${d.code}** — ${d.title} (${d.phase}, ${d.level})\n\n${d.meaning}\n\n**Fix:** ${d.fix}\n\n${t}${url ? `\n\n[Documentation](${url})` : ''}${m[0].startsWith('DAS') ? '\n\n_`DAS-` is a misprint of `DDAS-` in the troubleshooting page._' : ''}`;
    },
  },
  {
    re: /\b(?:ua0|crs|sqr|nfd|dog|rasp|api)-\d{3}-[0-9a-z]{2,4}\b/g,
    render(m) {
      const r = kb().rule(m[0]);
      if (!r) return `**${m[0]}** — a rule of the WAF's recommended rule set (not in this extension's catalogue).`;
      return `**${r.id}** — ${r.name}\n\n- type: \`${r.type}\`, category: \`${r.category}\`\n- regex: \`${r.regex}\` on \`${r.address}\`${r.onMatch ? `\n- on match: ${r.onMatch.join(', ')}` : ''}${r.userAgent ? `\n- triggered by \`User-Agent: ${r.userAgent}\`` : ''}`;
    },
  },
  {
    re: /\b(?:DD|CGO)_[A-Z0-9_]+\b/g,
    render(m) {
      const e = kb().envVar(m[0]);
      if (!e) return null;
      return `**${e.name}** (${e.type}${e.default !== null ? `, default \`${e.default}\`` : ''}; ${e.languages.join(', ')})\n\n${e.meaning}`;
    },
  },
  {
    // Startup-JSON keys ("appsec_enabled":), span tags and metrics ("appsec.event":, `appsec.event => true`).
    re: /"([\w.]{1,80})"\s{0,3}:|(?<=^\s{1,40})([\w.]{1,80}) =>/g,
    render(m) {
      return logFieldHover(m[1] ?? m[2]!);
    },
  },
  {
    // dd-trace-py's startup dict repr: 'asm_enabled': True.
    re: /'([\w.]{1,80})'\s{0,3}:/g,
    render(m) {
      return logFieldHover(m[1]!);
    },
  },
  {
    // Rows of the diagnostic tools' outputs (php --ri, ddtrace-run --info): explained by their kb/messages.yaml entries.
    re: /(?<=^\s{0,8})(?:State managed by remote config|Current state|Connected to helper\?|Datadog tracing support|Diagnostic checks|Application Security enabled|Remote Configuration enabled|Tracer enabled|Agent error)(?= =>|:)/g,
    render(m) {
      const msgs = kb().data.messages.filter((x) => x.id.startsWith('tool-') && x.example.trimStart().startsWith(m[0]));
      if (!msgs.length) return null;
      return `**${m[0]}** — diagnostic tool output\n\n${msgs.map((x) => `- \`${x.example.trim()}\`: ${x.meaning}`).join('\n')}`;
    },
  },
  {
    // dd-trace-py's own 3-digit codes ([DDAS-001-00], [DDAS-011-00]): not the catalogue's; explained by kb/messages.yaml.
    re: /\[DDAS-\d{3}-\d{2}\]/g,
    render(m) {
      const msgs = kb().data.messages.filter((x) => x.dialects.includes('python') && x.example.includes(m[0]));
      if (!msgs.length) return null;
      return `**${m[0].slice(1, -1)}** — dd-trace-py debug line\n\n${msgs.map((x) => `- ${x.meaning}`).join('\n')}`;
    },
  },
  {
    re: /\b(?:ddappsec|datadog\.appsec)\.[a-z0-9_]+\b/g,
    render(m) {
      return settingHover(m[0]);
    },
  },
];

/** A startup-JSON field, span tag or metric from kb/log-fields.yaml. */
export function logFieldHover(name: string): string | null {
  const f = kb().logField(name);
  if (!f) return null;
  const kind = { startup: 'startup-log field', tag: 'span tag', metric: 'span metric' }[f.kind];
  const langs = f.languages.includes('all') ? 'all tracers' : f.languages.map((l) => kb().tracer(l as Exclude<typeof l, 'all'>).name).join(', ');
  const step = f.step ? `\n- troubleshooting step: ${kb().step(f.step)?.title ?? f.step}` : '';
  return `**${f.name}** — ${kind} (${langs})\n\n${f.meaning}\n\n- type: \`${f.type}\`${step}`;
}

export function settingHover(key: string): string | null {
  const s = kb().setting(key);
  if (!s) return null;
  const step = s.step ? kb().step(s.step) : undefined;
  const versions = s.since || s.until ? ` (${s.since ? `since ${s.since}` : ''}${s.since && s.until ? ', ' : ''}${s.until ? `until ${s.until}` : ''})` : '';
  const rows = [
    `- type: \`${s.type}\`${s.unit ? ` (${s.unit})` : ''}, default \`${s.default === '' ? '""' : s.default}\``,
    s.allowed ? `- ${s.type === 'log-file' ? 'special values (else a file path)' : 'allowed'}: ${s.allowed.map((a) => `\`${a}\``).join(', ')}` : null,
    s.min !== undefined || s.max !== undefined ? `- range: ${s.min ?? '…'} to ${s.max ?? '…'}` : null,
    `- environment variable: ${s.env ? `\`${s.env}\`` : 'none'}`,
    s.scope ? `- changeable: ${s.scope === 'all' ? 'anywhere (php.ini, .user.ini, ini_set)' : 'in php.ini / conf.d only (PHP_INI_SYSTEM)'}` : null,
    s.writable ? `- written by the extension or helper: its ${s.writable === 'dir' ? 'directory' : "file's directory"} must be writable by the PHP user` : null,
    `- era: ${s.era === 'v0.1' ? 'extension v0.1 (`ddappsec.*`)' : 'extension v0.2 and later (`datadog.appsec.*`)'}${versions}${s.renamedTo ? `; now \`${s.renamedTo}\`${s.valueMigration === 'dirname' ? ' (its directory)' : ''}` : ''}${s.replacedBy ? `; replaced by ${s.replacedBy}` : ''}`,
    step ? `- troubleshooting step: ${step.number ? `${step.number}. ` : ''}${step.title}` : null,
  ].filter(Boolean);
  return `**${s.key}**\n\n${s.meaning}\n\n${rows.join('\n')}`;
}

/** The hover for the token covering `character` in `line`, or null. */
export function hoverAt(line: string, character: number): HoverResult | null {
  for (const t of TOKENS) {
    t.re.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = t.re.exec(line))) {
      const start = m.index;
      const end = start + m[0].length;
      if (character >= start && character <= end) {
        const md = t.render(m);
        if (md) return { markdown: md, start, end };
      }
      if (start > character) break;
    }
  }
  return null;
}
