// The service's language, for the per-language sub-steps: the setting overrides; else what the logs say (the
// tracer that actually wrote them); else the workspace's build files (kb/tracers.yaml workspaceMarkers —
// package.json only counts when it depends on dd-trace, since most repositories have one for tooling).
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { kb, LANGUAGES, type Language } from './kb';
import { findWorkspaceFiles } from './workspace';

export type LanguageSource = 'setting' | 'logs' | 'workspace';

export interface LanguageDetection {
  language: Language | null;
  source: LanguageSource | null;
  /** Why: "pom.xml", "dd.log says java", "setting asmTroubleshooter.language". */
  reason: string;
  file?: string;
}

export function isLanguage(v: unknown): v is Language {
  return typeof v === 'string' && (LANGUAGES as readonly string[]).includes(v);
}

export interface LogTracer {
  tracer: string | null;
  file?: string;
}

const DD_TRACE_DEPENDENCY = /^(dd-trace|@datadog\/dd-trace)$/;

/** true when the package.json text declares dd-trace in any dependency section. */
export function packageJsonUsesDdTrace(text: string): boolean {
  let pkg: Record<string, unknown>;
  try {
    pkg = JSON.parse(text);
  } catch {
    return false;
  }
  for (const k of ['dependencies', 'devDependencies', 'optionalDependencies', 'peerDependencies']) {
    const deps = pkg?.[k];
    if (deps && typeof deps === 'object' && Object.keys(deps).some((d) => DD_TRACE_DEPENDENCY.test(d))) return true;
  }
  return false;
}

/** Languages whose markers a workspace has, shallowest first (relative paths, '/'-separated). */
export async function workspaceLanguages(
  dir: string,
  opts: { readFile?: (f: string) => Promise<string>; signal?: AbortSignal } = {},
): Promise<{ language: Language; file: string }[]> {
  const read = opts.readFile ?? ((f: string) => fsp.readFile(f, 'utf8'));
  const tracers = kb().data.tracers;
  const patterns = [...new Set(tracers.flatMap((t) => [...t.workspaceMarkers, ...(t.launchMarkers?.files ?? [])].map((m) => `**/${m}`)))];
  const files = await findWorkspaceFiles(dir, patterns, { deep: 3, max: 200, signal: opts.signal });
  const out: { language: Language; file: string }[] = [];
  const globToRe = (g: string) => new RegExp(`^${g.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*')}$`);
  for (const rel of files) {
    const base = path.posix.basename(rel);
    const t = tracers.find((tr) => tr.workspaceMarkers.some((m) => globToRe(m).test(base)));
    if (!t) {
      // A launcher file (Procfile, Dockerfile, compose file) names a tracer only when it runs its launcher (ddtrace-run).
      const l = tracers.find((tr) => tr.launchMarkers?.files.some((m) => globToRe(m).test(base)));
      if (!l || out.some((o) => o.language === l.language)) continue;
      let text: string;
      try {
        text = await read(path.join(dir, rel));
      } catch {
        continue;
      }
      if (text.slice(0, 1 << 20).includes(l.launchMarkers!.contains)) out.push({ language: l.language, file: path.join(dir, rel) });
      continue;
    }
    if (out.some((o) => o.language === t.language)) continue;
    if (base === 'package.json') {
      let text: string;
      try {
        text = await read(path.join(dir, rel));
      } catch {
        continue;
      }
      if (!packageJsonUsesDdTrace(text)) continue;
    }
    out.push({ language: t.language, file: path.join(dir, rel) });
  }
  return out;
}

export interface DetectOptions {
  /** The asmTroubleshooter.language setting ("auto" or a language). */
  setting?: string | null;
  logs?: LogTracer[];
  workspaceDir?: string;
  readFile?: (f: string) => Promise<string>;
  signal?: AbortSignal;
}

export async function detectLanguage(opts: DetectOptions): Promise<LanguageDetection> {
  if (isLanguage(opts.setting)) return { language: opts.setting, source: 'setting', reason: `setting asmTroubleshooter.language = ${opts.setting}` };
  const fromLogs = languageFromLogs(opts.logs ?? []);
  if (fromLogs) return fromLogs;
  if (opts.workspaceDir) {
    const found = await workspaceLanguages(opts.workspaceDir, opts);
    if (found.length) {
      const f = found[0];
      const others = found.slice(1).map((o) => kb().tracer(o.language).name);
      return {
        language: f.language,
        source: 'workspace',
        file: f.file,
        reason: `${path.basename(f.file)} in the workspace${others.length ? ` (also found: ${others.join(', ')})` : ''}`,
      };
    }
  }
  return { language: null, source: null, reason: 'no tracer log and no build file of a supported language (set asmTroubleshooter.language)' };
}

/** The tracer most log files name (ties: the first). */
export function languageFromLogs(logs: LogTracer[]): LanguageDetection | null {
  const count = new Map<Language, { n: number; file?: string }>();
  for (const l of logs) {
    if (!isLanguage(l.tracer)) continue;
    const c = count.get(l.tracer) ?? { n: 0, file: l.file };
    c.n++;
    count.set(l.tracer, c);
  }
  let best: [Language, { n: number; file?: string }] | null = null;
  for (const e of count) if (!best || e[1].n > best[1].n) best = e;
  if (!best) return null;
  const [language, { file }] = best;
  return { language, source: 'logs', file, reason: `${file ? path.basename(file) : 'a log'} was written by the ${kb().tracer(language).name} tracer` };
}

/**
 * "How to enable ASM" for each tracer (kb/tracers.yaml `enable`, `debug`, `minAsmVersion`), the given language first:
 * the markdown of the walkthrough's first step and of the showEnableInstructions command.
 */
export function enableInstructionsMarkdown(first: Language | null): string {
  const tracers = [...kb().data.tracers].sort((a, b) => Number(b.language === first) - Number(a.language === first));
  const out: string[] = ['# Enable Application Security (ASM)', ''];
  out.push(
    'ASM runs inside the Datadog tracing library: on a service that already sends traces, one environment variable (or flag) turns it on. Restart the service with a full stop and start afterwards.',
    '',
  );
  if (first) out.push(`Your service looks like **${kb().tracer(first).name}**; its instructions come first.`, '');
  for (const t of tracers) {
    out.push(`## ${t.name}${t.language === first ? ' (detected)' : ''}`, '');
    out.push(`- Minimum tracer version for ASM: **${t.minAsmVersion}**`);
    out.push(`- Environment variable: \`${t.enable.env}\``);
    if (t.enable.flag) out.push(`- Flag: \`${t.enable.flag}\``);
    if (t.enable.code) out.push(`- In code or configuration: \`${t.enable.code}\``);
    if (t.enable.note) out.push(`- ${t.enable.note}`);
    out.push(`- Debug logs: ${t.debug}`);
    out.push(`- Test attack User-Agent: \`${t.testUserAgent}\``, '');
  }
  out.push(
    'Then send the test attack (**ASM Troubleshooter: Send Test Attack**, or `curl -A Arachni/v YOUR_APP_URL`) and check that `appsec_enabled` is `true` in the tracer startup logs.',
    '',
  );
  return out.join('\n');
}
