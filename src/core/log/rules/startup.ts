// Startup configuration lines (DATADOG TRACER CONFIGURATION …, Ruby's DATADOG CONFIGURATION - CORE/TRACING …) of
// every tracer: tracer and version, tracer-too-old, tracer-disabled and ASM on/off from the tracer's own appsec field
// (Java string enum, .NET/Node.js booleans, Go `appsec`). The same parsed JSON feeds the integration and Agent checks
// (integrations.ts, agent.ts), so each startup line is parsed once.
import { range, type Range } from '../../finding';
import { kb, type Language } from '../../kb';
import { compareVersions } from '../../version';
import { looksLikePyDict, parsePyRepr } from '../pyrepr';
import { lineTime, parseTimestamp } from '../../evidence/time';
import { STARTS_STATE, type LineContext, type LogRule, type TracerStart } from '../types';
import { agentFromStartup } from './agent';
import { emit, enableInstruction, fieldRange, noteTracer, stateOf } from './common';
import { integrationsFromStartup } from './integrations';
import { RATE_STATE, type RateState } from './rate-limit';

const LANG: Record<string, Language> = { jvm: 'java', java: 'java', '.net': 'dotnet', go: 'go', nodejs: 'nodejs', php: 'php', ruby: 'ruby', python: 'python' };

/** How much of a startup JSON the field-by-field fallback reads: real startup objects are a few KB. */
export const STARTUP_FALLBACK_MAX = 64 * 1024;

/** Parses the JSON object that starts at `from`; tolerates a truncated object by reading fields one by one. */
export function parseStartupJson(text: string, from: number): Record<string, unknown> | null {
  let json = text.slice(from).trim();
  // .NET's console sink quotes the JSON ("{\"date\":…}"): unquote it first.
  if (json.startsWith('"')) {
    try {
      const inner = JSON.parse(json);
      if (typeof inner === 'string') json = inner;
    } catch {
      json = json.replace(/^"(.*)"$/s, '$1').replace(/\\"/g, '"');
    }
  }
  try {
    const v = JSON.parse(json);
    if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    // Truncated or followed by other text (.NET appends `{ MachineName: … }`): read scalar fields one by one.
  }
  const out: Record<string, unknown> = {};
  // The fallback reads the first 64 KB only: each field try may scan ahead up to 5000 characters, so on megabytes of
  // field-like text (`"k": [` × 100k) the whole line would cost seconds for nothing a real startup object holds.
  if (json.length > STARTUP_FALLBACK_MAX) json = json.slice(0, STARTUP_FALLBACK_MAX);
  // Each alternative consumes distinct characters and every repetition is bounded: linear on 10 MB lines. A list
  // stops at a nested `[` (startup lists are flat), so a run of unclosed `[` costs little per try.
  const re = /"([A-Za-z_][\w.]{0,80})":\s?("(?:[^"\\]|\\.){0,2000}"|-?\d[\d.eE+-]{0,30}|true|false|null|\[[^[\]]{0,5000}\])/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(json))) {
    try {
      out[m[1]!] = JSON.parse(m[2]!);
    } catch {
      out[m[1]!] = m[2];
    }
  }
  return Object.keys(out).length ? out : null;
}

const PREFIXES = ['DATADOG TRACER CONFIGURATION', 'DATADOG CONFIGURATION - '];

const TOO_OLD = 'startup.tooOld';
interface TooOld {
  range: Range;
  detail: string;
  fix: string;
  data: Record<string, unknown>;
}

export const startupRule: LogRule = {
  id: 'startup',
  literals: PREFIXES,
  finish(ctx) {
    const pending = ctx.state.get(TOO_OLD) as TooOld[] | undefined;
    if (!pending) return;
    const works = ctx.summary.attacks > 0 || ctx.summary.appsec === 'enabled';
    for (const p of pending.splice(0)) {
      emit(
        ctx,
        'tracer-too-old',
        p.range,
        works
          ? {
              severity: 'warning',
              detail: `${p.detail}, yet Application Security works in this log (its rules loaded or it detected attacks): upgrade when you can`,
              fix: p.fix,
              data: { ...p.data, asmWorks: true },
            }
          : { detail: p.detail, fix: p.fix, data: p.data },
      );
    }
  },
  line(ctx) {
    const { text } = ctx;
    let at = text.indexOf(PREFIXES[0]!);
    if (at === -1) at = text.indexOf(PREFIXES[1]!);
    const brace = text.indexOf('{', at);
    if (at === -1 || brace === -1 || brace - at > 80) return;
    // .NET's console format quotes the JSON (`CONFIGURATION - "{\"version\":…}"`): parse from the quote so that
    // parseStartupJson unquotes it (from the brace it would read escaped keys and find no field).
    const start = text[brace - 1] === '"' ? brace - 1 : brace;
    // dd-trace-py 2.2.0 and later print the dict's repr ({'key': True, …}), earlier versions JSON.
    const cfg = looksLikePyDict(text, brace) ? pyStartup(text, brace) : parseStartupJson(text, start);
    if (!cfg) return;
    const prefixEnd = start;
    const langRaw = typeof cfg.lang === 'string' ? cfg.lang.toLowerCase() : '';
    noteTracer(ctx);
    const s = ctx.summary;
    const lang: Language | null = LANG[langRaw] ?? s.tracer;
    if (lang) s.tracer = lang;
    const version = typeof cfg.version === 'string' && /^v?\d/.test(cfg.version) ? cfg.version : null;
    // Ruby's TRACING block carries no version; keep the CORE one.
    if (version) s.version = version.replace(/^v/, '');
    if (typeof cfg.appsec_trace_rate_limit === 'number' && cfg.appsec_trace_rate_limit > 0) {
      stateOf<RateState>(ctx, RATE_STATE, () => ({ limit: 100, buckets: {} })).limit = cfg.appsec_trace_rate_limit;
    }
    noteStart(ctx, cfg, lang, s.version);
    if (!lang) return;
    const tracer = kb().tracer(lang);
    const data = { tracer: lang, version: s.version };
    const tooOld = version !== null && compareVersions(version, tracer.minAsmVersion) < 0;

    if (tooOld) {
      // Reported at the end of the file: a warning, not an error, when ASM works in the same log anyway (rules
      // loaded, attacks detected: the seed's own Ruby examples are from 0.54, before the documented minimum).
      stateOf<TooOld[]>(ctx, TOO_OLD, () => []).push({
        range: fieldRange(ctx, 'version', prefixEnd),
        detail: `${tracer.name} tracer ${version} is older than ${tracer.minAsmVersion}, the first version with Application Security`,
        fix: `Upgrade the ${tracer.name} tracer to ${tracer.minAsmVersion} or later, then restart the service.`,
        data: { ...data, minimum: tracer.minAsmVersion },
      });
    }
    if (cfg.enabled === false) {
      emit(ctx, 'tracer-disabled', fieldRange(ctx, 'enabled', prefixEnd), {
        detail: `${tracer.name} tracer: "enabled":false — the tracer is switched off (DD_TRACE_ENABLED=false), so nothing is traced and ASM cannot run`,
        data,
      });
    }

    const pythonTracingOff = lang === 'python' && pythonStartup(ctx, cfg, prefixEnd);

    integrationsFromStartup(ctx, cfg, lang, prefixEnd);
    agentFromStartup(ctx, cfg, lang, prefixEnd);

    const field = tracer.appsecField;
    if (pythonTracingOff) return; // asm_enabled says nothing while nothing is traced (tracer-disabled says why).
    if (field === null) return; // PHP and Ruby print no appsec field: other lines decide (helper, libddwaf).
    if (!(field in cfg)) {
      // Too-old tracers lack the field for that reason (tracer-too-old says so); a block without a version is partial.
      if (tooOld || !version) return;
      // dd-trace-py prints asm_enabled since 1.13.0 (commit c5e6a83da7): an older line says nothing about ASM.
      if (lang === 'python' && compareVersions(version, PY_ASM_FIELD_SINCE) < 0) return;
      emit(ctx, 'appsec-not-configured', range(ctx.lineNo, ctx.cls.messageStart, prefixEnd), {
        detail: `The ${tracer.name} startup log has no ${field} field: DD_APPSEC_ENABLED is not set for this process, so ASM is not running (it can only be activated remotely)`,
        fix: enableInstruction(lang),
        data: { ...data, field },
      });
      return;
    }
    const v = cfg[field];
    const r = fieldRange(ctx, field, prefixEnd);
    if (lang === 'python' && v === false) {
      // Python: asm_enabled is False when DD_APPSEC_ENABLED is unset or false; unset, Remote Configuration can still
      // turn it on (1-click activation), which the line cannot tell apart.
      emit(ctx, 'appsec-disabled', r, {
        detail: `${tracer.name} tracer${s.version ? ' ' + s.version : ''}: asm_enabled is False, so Application Security is not running (unless DD_APPSEC_ENABLED is unset and it is activated remotely later)`,
        fix: enableInstruction(lang),
        data: { ...data, value: v },
      });
    } else if (v === true || v === 'true' || v === 'FULLY_ENABLED') {
      emit(ctx, 'appsec-enabled', r, {
        detail: `${tracer.name} tracer${s.version ? ' ' + s.version : ''}: ${field} is ${String(v)}, so Application Security is running`,
        data: { ...data, value: v },
      });
    } else if (v === 'ENABLED_INACTIVE') {
      emit(ctx, 'appsec-inactive', r, { data: { ...data, value: v } });
    } else {
      emit(ctx, 'appsec-disabled', r, {
        detail: `${tracer.name} tracer: ${field} is ${JSON.stringify(v)}, so Application Security is off`,
        fix: enableInstruction(lang),
        data: { ...data, value: v },
      });
    }
  },
};

/** The first dd-trace-py release whose startup line has asm_enabled, iast_enabled, waf_timeout and remote_config_enabled. */
export const PY_ASM_FIELD_SINCE = '1.13.0';

/** A dd-trace-py startup dict repr (bounded: real ones are a few KB; a cut line keeps the fields read so far). */
function pyStartup(text: string, brace: number): Record<string, unknown> | null {
  const slice = text.length - brace > 4 * STARTUP_FALLBACK_MAX ? text.slice(brace, brace + 4 * STARTUP_FALLBACK_MAX) : text.slice(brace);
  const { value } = parsePyRepr(slice, 0);
  return value && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length ? (value as Record<string, unknown>) : null;
}

/** dd-trace-py fields: tracing switched off (ddtrace_enabled, tracer_enabled before 2.x) and Remote Configuration off. */
function pythonStartup(ctx: Parameters<LogRule['line']>[0], cfg: Record<string, unknown>, prefixEnd: number): boolean {
  const s = ctx.summary;
  const data = { tracer: 'python', version: s.version };
  let off = false;
  for (const f of ['ddtrace_enabled', 'tracer_enabled']) {
    if (cfg[f] === false) {
      off = true;
      emit(ctx, 'tracer-disabled', fieldRange(ctx, f, prefixEnd), {
        detail: `Python tracer: ${f} is False — tracing is switched off (DD_TRACE_ENABLED=false), so nothing is traced and ASM cannot run`,
        data,
      });
      break;
    }
  }
  // 1.13.0 printed the raw environment string ("true"/"false"); later versions a boolean.
  const rc = cfg.remote_config_enabled;
  if (rc === false || (typeof rc === 'string' && /^(false|0|no|off)$/i.test(rc.trim()))) {
    emit(ctx, 'remote-config-disabled', fieldRange(ctx, 'remote_config_enabled', prefixEnd), {
      detail: `Python tracer: remote_config_enabled is ${String(rc)} — Remote Configuration is off in the tracer, so 1-click activation, IP and user blocking and exclusion filters from Datadog do not reach this service`,
      data: { ...data, side: 'tracer', value: rc },
    });
  }
  return off;
}

const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() && v !== 'null' ? v.trim() : null);

/**
 * Records a tracer start (core/evidence: the latest start of a service wins). Ruby prints its CORE and TRACING
 * blocks on consecutive lines: one start. A block without service or date adds what it has to the previous start.
 */
function noteStart(ctx: LineContext, cfg: Record<string, unknown>, lang: Language | null, version: string | null): void {
  const starts = stateOf<TracerStart[]>(ctx, STARTS_STATE, () => []);
  const tags = cfg.tags && typeof cfg.tags === 'object' ? (cfg.tags as Record<string, unknown>) : {};
  const time = lineTime(ctx.text) ?? (typeof cfg.date === 'string' ? parseTimestamp(cfg.date) : null);
  const service = str(cfg.service) ?? str(tags.service);
  const env = str(cfg.env) ?? str(tags.env);
  const agentUrl = str(cfg.agent_url);
  const prev = starts[starts.length - 1];
  if (prev && ctx.lineNo - prev.line <= 3 && /DATADOG CONFIGURATION - (?!CORE)/.test(ctx.text)) {
    prev.agentUrl ??= agentUrl;
    prev.service ??= service;
    prev.env ??= env;
    return;
  }
  if (starts.length >= 10000) starts.shift(); // bounded: a log of restarts keeps its latest 10k
  starts.push({
    line: ctx.lineNo,
    time,
    service,
    env,
    host: str(cfg.hostname) ?? str(cfg.host) ?? str(tags.host),
    language: lang,
    version,
    runtimeId: str(cfg.runtime_id) ?? str(tags['runtime-id']),
    agentUrl,
  });
}
