// Analyses a PHP ini file (or the AppSec lines of any ini file): parse once, run every ini rule on the entries.
// Positions are in the text as given: when it starts with a BOM, line 0's characters count it (as LSP does for the
// text it holds), so every edit lands on the same bytes in the editor and on disk.
import type { Finding, Fix, Position } from '../finding';
import { compareFindings } from '../finding';
import { debugPresetFix } from './debugPreset';
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
  /** Whole-file actions offered whatever the findings (e.g. "Enable AppSec debug logging"). */
  sourceFixes: Fix[];
  /** Findings over MAX_INI_FINDINGS, counted by code and not kept (a pathological file must not eat the memory). */
  dropped: Record<string, number>;
}

export const MAX_INI_FINDINGS = 5000;

export const APPSEC_KEY = /^(ddappsec|datadog\.appsec)\./;

export function analyzeIni(text: string, opts: { dedicated?: boolean; path?: string } = {}): IniAnalysis {
  const file = parseIni(text);
  const findings: Finding[] = [];
  const dropped: Record<string, number> = {};
  const ctx: IniContext = {
    file,
    appsecLines: file.lines.filter((l) => l.kind === 'entry' && APPSEC_KEY.test(l.entry!.key)),
    dedicated: opts.dedicated ?? true,
    report: (f) => {
      if (findings.length < MAX_INI_FINDINGS) findings.push(f);
      else dropped[f.code] = (dropped[f.code] ?? 0) + 1;
    },
  };
  if (opts.path) ctx.path = opts.path;
  for (const r of INI_RULES) r.run(ctx);
  findings.sort(compareFindings);
  const sourceFixes: Fix[] = [];
  if (ctx.dedicated || ctx.appsecLines.length) {
    const preset = debugPresetFix(file);
    if (preset) sourceFixes.push(preset);
  }
  if (file.bom) shiftFirstLine(findings, sourceFixes, file.bom.length);
  return { findings, file, sourceFixes, dropped };
}

/** The parser counts line 0 after the BOM; the caller's text has it: move every line-0 position past it. */
function shiftFirstLine(findings: Finding[], sourceFixes: Fix[], by: number): void {
  const seen = new Set<object>();
  const shift = (p: Position) => {
    if (p.line === 0 && !seen.has(p)) {
      seen.add(p);
      p.character += by;
    }
  };
  const fixes = (list: Fix[] | undefined) => {
    for (const fx of list ?? [])
      for (const e of fx.edits) {
        shift(e.range.start);
        shift(e.range.end);
      }
  };
  for (const f of findings) {
    shift(f.range.start);
    shift(f.range.end);
    fixes(f.fixes);
  }
  fixes(sourceFixes);
}
