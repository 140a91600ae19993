// Startup configuration lines (DATADOG TRACER CONFIGURATION …) of every tracer: ASM on/off, tracer and version,
// tracer-too-old, and the agent fields of the startup JSON.
import { range } from '../../finding';
import { makeFinding } from '../../findings';
import { kb, type Language } from '../../kb';
import { compareVersions } from '../../version';
import type { LogRule, LineContext } from '../types';

const LANG: Record<string, Language> = { jvm: 'java', java: 'java', '.net': 'dotnet', go: 'go', nodejs: 'nodejs', php: 'php', ruby: 'ruby' };
const DIALECT_LANG: Record<string, Language> = { java: 'java', dotnet: 'dotnet', go: 'go', nodejs: 'nodejs', php: 'php', ruby: 'ruby' };

/** Parses the JSON object that starts at `from`; tolerates a truncated object by reading fields one by one. */
export function parseStartupJson(text: string, from: number): Record<string, unknown> | null {
  const json = text.slice(from).trim().replace(/^"(.*)"$/s, '$1');
  try {
    const v = JSON.parse(json);
    if (v && typeof v === 'object') return v as Record<string, unknown>;
  } catch {
    // Truncated or followed by other text (.NET appends `{ MachineName: … }`): read scalar fields one by one.
  }
  const out: Record<string, unknown> = {};
  const re = /"([A-Za-z_][\w.]{0,80})":\s?("(?:[^"\\]|\\.){0,2000}"|-?\d[\d.eE+-]{0,30}|true|false|null|\[[^\]]{0,5000}\])/g;
  let m: RegExpExecArray | null;
  re.lastIndex = from;
  while ((m = re.exec(text))) {
    try {
      out[m[1]!] = JSON.parse(m[2]!);
    } catch {
      out[m[1]!] = m[2];
    }
  }
  return Object.keys(out).length ? out : null;
}

/** The span of `"field":value` in the line, or the whole prefix when the field is absent. */
function fieldRange(ctx: LineContext, field: string, fallbackEnd: number) {
  const i = ctx.text.indexOf(`"${field}"`);
  if (i === -1) return range(ctx.lineNo, ctx.cls.messageStart, Math.max(fallbackEnd, ctx.cls.messageStart));
  const m = /^"[^"]+":\s?("[^"]*"|[^,}\]]*)/.exec(ctx.text.slice(i, i + 300));
  return range(ctx.lineNo, i, i + (m ? m[0].length : field.length + 2));
}

export const startupRule: LogRule = {
  id: 'startup',
  literals: ['DATADOG TRACER CONFIGURATION', 'DATADOG CONFIGURATION - '],
  line(ctx) {
    const { text } = ctx;
    const at = text.indexOf('DATADOG TRACER CONFIGURATION') !== -1 ? text.indexOf('DATADOG TRACER CONFIGURATION') : text.indexOf('DATADOG CONFIGURATION - ');
    const brace = text.indexOf('{', at);
    if (brace === -1) return;
    const cfg = parseStartupJson(text, brace);
    if (!cfg) return;
    const prefixEnd = brace;
    const langRaw = typeof cfg.lang === 'string' ? cfg.lang.toLowerCase() : '';
    const lang: Language | null = LANG[langRaw] ?? (ctx.cls.dialect ? DIALECT_LANG[ctx.cls.dialect] ?? null : null);
    const s = ctx.summary;
    if (lang) s.tracer = lang;
    const version = typeof cfg.version === 'string' ? cfg.version : null;
    // Ruby's TRACING block carries no version; keep the CORE one.
    if (version) s.version = version.replace(/^v/, '');
    if (!lang) return;
    const tracer = kb().tracer(lang);
    const data = { tracer: lang, version: s.version };

    if (version && compareVersions(version, tracer.minAsmVersion) < 0) {
      ctx.report(
        makeFinding('tracer-too-old', fieldRange(ctx, 'version', prefixEnd), {
          detail: `${tracer.name} tracer ${version} is older than ${tracer.minAsmVersion}, the first version with Application Security`,
          data: { ...data, minimum: tracer.minAsmVersion },
        }),
      );
    }

    const field = tracer.appsecField;
    if (field === null) return; // PHP and Ruby print no appsec field: other lines decide.
    if (!(field in cfg)) {
      // Too-old tracers lack the field for that reason; tracer-too-old already says so.
      if (version && compareVersions(version, tracer.minAsmVersion) < 0) return;
      s.appsec = s.appsec === 'unknown' ? 'not-configured' : s.appsec;
      ctx.report(
        makeFinding('appsec-not-configured', range(ctx.lineNo, ctx.cls.messageStart, prefixEnd), {
          detail: `The ${tracer.name} startup log has no ${field} field: DD_APPSEC_ENABLED is not set for this process`,
          data: { ...data, field },
        }),
      );
      return;
    }
    const v = cfg[field];
    const r = fieldRange(ctx, field, prefixEnd);
    if (v === true || v === 'true' || v === 'FULLY_ENABLED') {
      s.appsec = 'enabled';
      ctx.report(makeFinding('appsec-enabled', r, { detail: `${tracer.name} tracer${version ? ' ' + version : ''}: ${field} is ${String(v)}`, data: { ...data, value: v } }));
    } else if (v === 'ENABLED_INACTIVE') {
      s.appsec = 'inactive';
      ctx.report(makeFinding('appsec-inactive', r, { data: { ...data, value: v } }));
    } else {
      s.appsec = 'disabled';
      ctx.report(
        makeFinding('appsec-disabled', r, {
          detail: `${tracer.name} tracer: ${field} is ${JSON.stringify(v)}, so Application Security is off`,
          fix: `Set ${tracer.enable.env}${tracer.enable.flag ? ` (or ${tracer.enable.flag})` : ''} for the service and restart it.`,
          data: { ...data, value: v },
        }),
      );
    }
  },
};
