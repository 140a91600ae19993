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
  const fix = withAgentUrl(opts.fix ?? def.fix, opts.data?.agentUrl);
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

/** The catalogue's placeholder Agent address, replaced by the address the log names when it names one. */
const AGENT_PLACEHOLDER = 'http://<agent-host>:8126/info';

function withAgentUrl(fix: string, agentUrl: unknown): string {
  if (typeof agentUrl !== 'string' || !/^https?:\/\/[^\s<>]{1,300}$/.test(agentUrl) || !fix.includes(AGENT_PLACEHOLDER)) return fix;
  let base = agentUrl;
  while (base.endsWith('/')) base = base.slice(0, -1);
  return fix.replace(AGENT_PLACEHOLDER, `${base}/info`);
}
