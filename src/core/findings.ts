// Builds findings from the knowledge base's catalogue, so every message, severity, step and doc link is written once.
import { kb } from './kb';
import type { Finding, Fix, Range, Severity } from './finding';

export interface MakeOptions {
  /** What this occurrence says (which tracer, value, rule...): comes before the catalogue's fix. */
  detail?: string;
  data?: Record<string, unknown>;
  fixes?: Fix[];
  severity?: Severity;
  /** Replaces the catalogue's fix text (e.g. the exact re-enable instruction). */
  fix?: string;
}

export function makeFinding(code: string, range: Range, opts: MakeOptions = {}): Finding {
  const k = kb();
  const def = k.finding(code);
  const detail = opts.detail ?? def.meaning;
  const fix = opts.fix ?? def.fix;
  const f: Finding = {
    code,
    severity: opts.severity ?? def.severity,
    range,
    message: `${detail}${/[.!?]$/.test(detail) ? '' : '.'} ${fix}`,
    step: def.step,
  };
  const url = k.docUrl(def.doc);
  if (url) f.docUrl = url;
  if (opts.fixes?.length) f.fixes = opts.fixes;
  if (opts.data) f.data = opts.data;
  return f;
}
