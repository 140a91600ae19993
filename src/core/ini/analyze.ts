// Analyses a PHP ini file (or the AppSec lines of any ini file): parse once, run every ini rule on the entries.
import type { Finding } from '../finding';
import { compareFindings } from '../finding';
import { parseIni, type IniFile, type IniLine } from './parse';
import { INI_RULES } from './rules';

export interface IniContext {
  file: IniFile;
  /** The entries whose keys are AppSec settings (ddappsec.* or datadog.appsec.*). */
  appsecLines: IniLine[];
  /** Whether the whole file is an AppSec ini (then every line is checked, not only AppSec keys). */
  dedicated: boolean;
  /** The file's path on disk, when it is a local file (for checks such as writable paths). */
  path?: string;
  report(f: Finding): void;
}

export interface IniRule {
  id: string;
  run(ctx: IniContext): void;
}

export interface IniAnalysis {
  findings: Finding[];
  file: IniFile;
}

export const APPSEC_KEY = /^(ddappsec|datadog\.appsec)\./;

export function analyzeIni(text: string, opts: { dedicated?: boolean; path?: string } = {}): IniAnalysis {
  const file = parseIni(text);
  const findings: Finding[] = [];
  const ctx: IniContext = {
    file,
    appsecLines: file.lines.filter((l) => l.kind === 'entry' && APPSEC_KEY.test(l.entry!.key)),
    dedicated: opts.dedicated ?? true,
    report: (f) => findings.push(f),
  };
  if (opts.path) ctx.path = opts.path;
  for (const r of INI_RULES) r.run(ctx);
  findings.sort(compareFindings);
  return { findings, file };
}
