// The deployment-file diagnostics: what each service's settings mean to the tracer it runs (kb/env-vars.yaml,
// kb/config-names.yaml, kb/integrations.yaml), with minimal fixes (one replacement or one insertion each).
import configNames from '../../../kb/config-names.yaml';
import type { Finding, Fix, TextEdit } from '../finding';
import { makeFinding } from '../findings';
import { editDistance } from '../ini/model';
import { kb, type ConfigNames, type ConfigTracer, type Language } from '../kb';
import { compareVersions } from '../version';
import { describeBool, readBool, timeoutMicros, type BoolReading } from './grammar';
import { Positions, type ConfigFile, type Insertion, type ServiceConfig, type Setting, type Span } from './settings';

export const CONFIG_NAMES = configNames as unknown as ConfigNames;
const ALL_TRACERS: ConfigTracer[] = ['java', 'dotnet', 'go', 'ruby', 'php', 'nodejs', 'python'];
const TRACER_NAME: Record<ConfigTracer, string> = { java: 'Java', dotnet: '.NET', go: 'Go', ruby: 'Ruby', php: 'PHP', nodejs: 'Node.js', python: 'Python' };
const INTEGRATION_SHAPE = /^DD_TRACE_[A-Z0-9_]+_(ENABLED|ANALYTICS_ENABLED|ANALYTICS_SAMPLE_RATE)$/;
const CHECKED_FAMILY = /^DD_(APPSEC|IAST|API_SECURITY|TRACE)_/;

export interface ConfigRuleOptions {
  /** Tracer versions the workspace pins (e.g. the dd-java-agent version in pom.xml). */
  versions?: Partial<Record<ConfigTracer, string>>;
}

/** Is this name read by some tracer (or documented in the kb)? */
export function isKnownName(env: string): boolean {
  return env in CONFIG_NAMES.names || !!kb().envVar(env) || INTEGRATION_SHAPE.test(env);
}

/** The closest names some tracer reads (distance ≤ 3), for did-you-mean. */
export function suggestNames(env: string): string[] {
  if (env.length > 80) return [];
  const family = /^DD_[A-Z]+_/.exec(env)?.[0] ?? 'DD_';
  let best: string[] = [];
  let bestD = 4;
  const candidates = [...Object.keys(CONFIG_NAMES.names), ...kb().data.envVars.map((e) => e.name)];
  for (const n of new Set(candidates)) {
    if (!n.startsWith(family.slice(0, 4))) continue;
    const d = editDistance(env, n, 3);
    if (d < bestD) {
      bestD = d;
      best = [n];
    } else if (d === bestD) best.push(n);
  }
  return best.slice(0, 3);
}

/** `NAME=VALUE` spelled in the setting's own form (a -D flag, an ini key, an env var). */
function spell(s: Setting, env: string): string {
  if (s.form === 'sysprop') return `dd.${env.slice(3).toLowerCase().replace(/_/g, '.')}`;
  if (s.form === 'ini') return `datadog.${env.slice(3).toLowerCase().replace(/_/g, '.')}`;
  return env;
}

export function insertionEdit(text: string, pos: Positions, ins: Insertion, name: string, value: string): TextEdit {
  void text;
  const body = ins.template.replace('NAME', name).replace('VALUE', value);
  const p = pos.at(ins.offset);
  return { range: { start: p, end: p }, newText: `${ins.lead ?? ''}${ins.prefix ?? ''}${body}` };
}

function replaceEdit(pos: Positions, span: Span, newText: string): TextEdit {
  return { range: pos.range(span), newText };
}

const isOffLike = (v: string) => /^(false|0|no|off|n|f)$/i.test(v.trim());

/** The tracers a service may run: the detected one, or all of them. */
const tracersOf = (s: ServiceConfig): ConfigTracer[] => (s.tracer ? [s.tracer] : ALL_TRACERS);

/** The "Enable ASM for this service" edit: switch a setting that is off to on, or add the one this service needs. */
export function enableAsmEdits(text: string, file: ConfigFile, svc: ServiceConfig): { title: string; edits: TextEdit[] } | null {
  const pos = new Positions(text);
  if (svc.isAgent) return null;
  if (svc.lambda) {
    const own = svc.settings.find((s) => s.env === 'DD_SERVERLESS_APPSEC_ENABLED');
    if (own?.valueSpan && own.value !== null && readBool('go-parsebool', own.value) !== 'on')
      return { title: 'Enable ASM for this function (DD_SERVERLESS_APPSEC_ENABLED=true)', edits: [replaceEdit(pos, own.valueSpan, 'true')] };
    if (own || !svc.insert) return null;
    return {
      title: 'Enable ASM for this function (DD_SERVERLESS_APPSEC_ENABLED=true)',
      edits: [insertionEdit(text, pos, svc.insert, 'DD_SERVERLESS_APPSEC_ENABLED', 'true')],
    };
  }
  const existing = svc.settings.filter((s) => s.env === 'DD_APPSEC_ENABLED');
  const on = existing.find((s) => s.value !== null && tracersOf(svc).every((t) => grammarRead(t, s) === 'on'));
  if (on) return null;
  const off = existing.find((s) => s.valueSpan && s.value !== null);
  if (off?.valueSpan)
    return {
      title: `Enable ASM for ${svc.name} (${spell(off, 'DD_APPSEC_ENABLED')}=${off.form === 'ini' ? '1' : 'true'})`,
      edits: [replaceEdit(pos, off.valueSpan, off.form === 'ini' ? '1' : 'true')],
    };
  if (existing.length) return null; // passed through from elsewhere (valueFrom, `- DD_APPSEC_ENABLED`): nothing to edit here
  // Java with -D flags: add the flag next to the last one (same string, same quoting)
  const flags = svc.settings.filter((s) => s.form === 'sysprop' && s.valueSpan);
  if ((svc.tracer === 'java' || flags.length) && flags.length) {
    const last = flags[flags.length - 1]!;
    const p = pos.at(last.flagEnd ?? last.valueSpan!.end);
    return { title: `Enable ASM for ${svc.name} (-Ddd.appsec.enabled=true)`, edits: [{ range: { start: p, end: p }, newText: ' -Ddd.appsec.enabled=true' }] };
  }
  if (!svc.insert) return null;
  return { title: `Enable ASM for ${svc.name} (DD_APPSEC_ENABLED=true)`, edits: [insertionEdit(text, pos, svc.insert, 'DD_APPSEC_ENABLED', 'true')] };
}

function grammarRead(t: ConfigTracer, s: Setting): BoolReading | null {
  const g = kb().envVar(s.env)?.grammar?.[t];
  if (!g || s.value === null) return null;
  // an ini key (php_value[datadog.appsec.enabled]) is read by PHP's ini parser; the -D flag by Java's
  return readBool(s.form === 'ini' ? 'php-zai-bool' : g, s.value);
}

export function configFindings(text: string, file: ConfigFile, opts: ConfigRuleOptions = {}): Finding[] {
  const pos = new Positions(text);
  const out: Finding[] = [];
  const agents = file.services.filter((s) => s.isAgent);
  let unknownSeen = 0;
  for (const svc of file.services) {
    const tracers = tracersOf(svc);
    const who = svc.tracer ? `the ${TRACER_NAME[svc.tracer]} tracer` : 'some tracers';
    for (const s of svc.settings) {
      const env = s.env;
      if (!env.startsWith('DD_')) continue;
      const data = { service: svc.name, name: s.name, env, value: s.value, kind: file.kind, tracer: svc.tracer ?? null };
      // unknown names (did you mean)
      if (CHECKED_FAMILY.test(env) && s.form !== 'ini' && !isKnownName(env)) {
        // suggestions cost a distance to every known name: the first 200 unknown names of a file get them
        const sugg = ++unknownSeen <= 200 ? suggestNames(env) : [];
        if (env.startsWith('DD_TRACE_') && !sugg.length) {
          // DD_TRACE_* has hundreds of per-integration names: only flag a near miss of a known one
        } else {
          const fixes: Fix[] = sugg.map((n, i) => ({
            title: `Rename to ${spell(s, n)}`,
            edits: [replaceEdit(pos, s.nameSpan, spell(s, n))],
            isPreferred: i === 0 && sugg.length === 1,
          }));
          out.push(
            makeFinding('config-unknown-name', pos.range(s.nameSpan), {
              detail: `No tracer reads ${s.name}${sugg.length ? `; did you mean ${sugg.map((n) => spell(s, n)).join(' or ')}?` : '.'}`,
              data: { ...data, suggestions: sugg },
              fixes,
            }),
          );
          continue;
        }
      }
      if (s.value === null) continue;
      // boolean grammars
      const def = kb().envVar(env);
      const grammars = tracers.map((t) => ({ t, r: grammarRead(t, s) })).filter((x): x is { t: ConfigTracer; r: BoolReading } => x.r !== null);
      if (grammars.length && s.valueSpan) {
        const readings = new Set(grammars.map((g) => g.r));
        const intendedOn = !isOffLike(s.value) && (ALL_TRACERS.some((t) => grammarRead(t, s) === 'on') || s.value.trim() === '');
        const wrong = grammars.filter((g) => g.r === 'invalid' || (intendedOn && g.r === 'off'));
        if (wrong.length && (svc.tracer || readings.size > 1)) {
          const how = wrong.map((g) => `${TRACER_NAME[g.t]} reads it as ${describeBool(g.r)}`).join('; ');
          const good = s.form === 'ini' ? '1' : intendedOn ? 'true' : 'false';
          out.push(
            makeFinding('config-invalid-value', pos.range(s.valueSpan), {
              detail: `${s.name}=${s.value}: ${how}`,
              data: { ...data, readings: Object.fromEntries(grammars.map((g) => [g.t, g.r])) },
              fixes: [{ title: `Write ${good}`, edits: [replaceEdit(pos, s.valueSpan, good)], isPreferred: true }],
            }),
          );
        }
      }
      // the WAF timeout's unit
      // (only when the tracer is known: the unit depends on it)
      if (env === 'DD_APPSEC_WAF_TIMEOUT' && s.valueSpan && def?.grammar && svc.tracer) {
        for (const t of tracers) {
          const g = def.grammar[t];
          if (!g) continue;
          const us = timeoutMicros(g, s.value);
          const v = s.value.trim();
          let detail: string | undefined;
          let fix: string | undefined;
          if (us === null) detail = `${TRACER_NAME[t]} does not read ${JSON.stringify(v)} as a number of ${g === 'float-ms' ? 'milliseconds' : 'microseconds'}`;
          else if (g === 'float-ms' && us >= 1_000_000) {
            detail = `Python reads DD_APPSEC_WAF_TIMEOUT in milliseconds: ${v} is ${us / 1e6} s per request (the other tracers read microseconds)`;
            fix = String(Number(v) / 1000);
          } else if (g !== 'float-ms' && us < 100 && /^\d+(\.\d+)?$/.test(v)) {
            detail = `${TRACER_NAME[t]} reads DD_APPSEC_WAF_TIMEOUT in microseconds: ${v} is ${v} µs, too short for the WAF to finish (Python alone reads milliseconds)`;
            fix = String(Math.round(Number(v) * 1000));
          }
          if (!detail) continue;
          out.push(
            makeFinding('config-invalid-value', pos.range(s.valueSpan), {
              detail,
              data: { ...data, unit: g === 'float-ms' ? 'ms' : 'us', tracerRead: t },
              fixes: fix ? [{ title: `Write ${fix}`, edits: [replaceEdit(pos, s.valueSpan, fix)], isPreferred: true }] : undefined,
            }),
          );
          break;
        }
      }
      // the Remote Configuration switch's spelling
      if ((env === 'DD_REMOTE_CONFIG_ENABLED' || env === 'DD_REMOTE_CONFIGURATION_ENABLED') && svc.tracer && s.form === 'env') {
        const other = env === 'DD_REMOTE_CONFIG_ENABLED' ? 'DD_REMOTE_CONFIGURATION_ENABLED' : 'DD_REMOTE_CONFIG_ENABLED';
        const t = svc.tracer;
        const instead = def?.readInstead?.[t];
        const since = def?.since?.[t];
        const pinned = opts.versions?.[t];
        const tooOld = since && pinned && compareVersions(pinned, since) < 0;
        const hasOther = svc.settings.some((x) => x.env === other);
        if ((instead || tooOld) && !hasOther) {
          const why = tooOld ? `${TRACER_NAME[t]} ${pinned} reads ${other} (${env} only since ${since})` : `${TRACER_NAME[t]} reads ${instead} instead`;
          out.push(
            makeFinding('config-wrong-rc-name', pos.range(s.nameSpan), {
              detail: `${who[0]!.toUpperCase()}${who.slice(1)} does not read ${env}: ${why}`,
              data: { ...data, reads: instead ?? other },
              fixes: [{ title: `Rename to ${instead ?? other}`, edits: [replaceEdit(pos, s.nameSpan, instead ?? other)], isPreferred: true }],
            }),
          );
        }
      }
      // integrations ASM needs
      const disabled = integrationDisabled(s, tracers);
      if (disabled) out.push(makeFinding('config-integration-disabled', pos.range(s.valueSpan ?? s.nameSpan), { detail: disabled, data }));
    }
    // service level
    const appsec = svc.settings.filter((s) => s.env === 'DD_APPSEC_ENABLED');
    const serverless = svc.settings.find((s) => s.env === 'DD_SERVERLESS_APPSEC_ENABLED');
    if (svc.lambda && appsec.length && !serverless) {
      const e = enableAsmEdits(text, file, svc);
      out.push(
        makeFinding('serverless-appsec-switch', pos.range(appsec[0]!.nameSpan), {
          data: { service: svc.name, kind: file.kind },
          fixes: e ? [{ ...e, isPreferred: true }] : undefined,
        }),
      );
    } else if (
      svc.traced &&
      !svc.isAgent &&
      file.kind !== 'php-fpm' &&
      !appsec.length &&
      !(svc.lambda && serverless) &&
      (!svc.envFiles?.length || (svc.envFileVars && !svc.envFileVars.some((v) => v.name === 'DD_APPSEC_ENABLED')))
    ) {
      const e = enableAsmEdits(text, file, svc);
      out.push(
        makeFinding('config-appsec-not-enabled', pos.range(svc.span), {
          detail: `${svc.name}${svc.tracer ? ` (${TRACER_NAME[svc.tracer]}${svc.tracerWhy ? `: ${svc.tracerWhy}` : ''})` : ''} is set up for Datadog tracing, but this file does not set DD_APPSEC_ENABLED=true for it${svc.envFiles?.length ? ' (nor does its env_file)' : ''}`,
          data: { service: svc.name, kind: file.kind, tracer: svc.tracer ?? null, enableAsm: true },
          fixes: e ? [{ ...e, isPreferred: true }] : undefined,
        }),
      );
    }
    if (file.kind === 'php-fpm' && svc.clearEnv && !appsec.length) {
      const e = enableAsmEdits(text, file, svc);
      out.push(
        makeFinding('php-fpm-clear-env', pos.range(svc.span), {
          detail: `${svc.name} clears the environment (clear_env is yes unless set to no) and does not pass DD_APPSEC_ENABLED`,
          data: { service: svc.name, kind: file.kind },
          fixes: e ? [{ title: 'Pass DD_APPSEC_ENABLED=true to this pool (env[DD_APPSEC_ENABLED] = true)', edits: e.edits, isPreferred: true }] : undefined,
        }),
      );
    }
    if (svc.htaccess) {
      for (const s of svc.settings.filter((x) => /^DD_(APPSEC|TRACE|REMOTE|IAST|API_SECURITY)_/.test(x.env))) {
        out.push(
          makeFinding('apache-setenv-htaccess', pos.range(s.nameSpan), {
            detail: `SetEnv ${s.name} in .htaccess does not reach the PHP tracer's start-up settings`,
            data: { service: svc.name, name: s.name, value: s.value },
          }),
        );
      }
    }
    if (svc.staticGoBuild) {
      // dd-trace-go before 1.59.0 compiles the WAF in only with -tags appsec (or cgo); from 1.59.0 it loads libddwaf
      // at run time without cgo (purego), which needs glibc's libdl.so.2 in the image: a warning, not an error.
      const pinned = opts.versions?.go;
      const data = { service: svc.name, kind: file.kind, ...(pinned ? { version: pinned } : {}) };
      if (pinned && compareVersions(pinned, '1.59.0') >= 0) {
        out.push(
          makeFinding('go-static-build', pos.range(svc.staticGoBuild), {
            severity: 'warning',
            detail: `dd-trace-go ${pinned} loads the WAF at run time without cgo (CGO_ENABLED=0), through glibc's libdl.so.2: scratch, distroless-static and Alpine images lack it, and ASM then does not start`,
            fix: 'Run on an image with glibc (debian, ubuntu, distroless/base), or build with CGO_ENABLED=1.',
            data,
          }),
        );
      } else {
        out.push(
          makeFinding('go-static-build', pos.range(svc.staticGoBuild), {
            ...(pinned
              ? {
                  detail: `dd-trace-go ${pinned} compiles the WAF in only with -tags appsec (or CGO_ENABLED=1); this build has neither, so the binary has no ASM`,
                }
              : {}),
            data,
          }),
        );
      }
    }
    if (svc.isAgent) {
      const nlt = svc.settings.find((s) => s.env === 'DD_APM_NON_LOCAL_TRAFFIC');
      if (nlt?.value != null && nlt.valueSpan && isOffLike(nlt.value))
        out.push(
          makeFinding('agent-non-local-traffic', pos.range(nlt.valueSpan), {
            data: { service: svc.name },
            fixes: [{ title: 'Write true', edits: [replaceEdit(pos, nlt.valueSpan, 'true')], isPreferred: true }],
          }),
        );
    }
    if (agents.length && !svc.isAgent && svc.traced && !svc.sharedNetwork && file.kind === 'compose') {
      const agentName = agents[0]!.name;
      const url = svc.settings.find((s) => s.env === 'DD_TRACE_AGENT_URL' && s.value);
      const host = svc.settings.find((s) => s.env === 'DD_AGENT_HOST');
      const local = (h: string) => /^(localhost|127\.\d+\.\d+\.\d+|::1|\[::1\])$/i.test(h.trim());
      const urlHost = url?.value ? /^[a-z+]+:\/\/(\[[^\]]{1,100}\]|[^:/\s]{1,300})/i.exec(url.value)?.[1] : undefined;
      const data = { service: svc.name, agentService: agentName };
      if (url && urlHost && local(urlHost) && url.valueSpan) {
        const fixed = url.value!.replace(urlHost, agentName);
        out.push(
          makeFinding('agent-host-localhost-in-container', pos.range(url.valueSpan), {
            detail: `${svc.name} sends to ${url.value}, but the Agent is the ${agentName} service`,
            data,
            fixes: [{ title: `Send to ${fixed}`, edits: [replaceEdit(pos, url.valueSpan, fixed)], isPreferred: true }],
          }),
        );
      } else if (!url && host?.value != null && local(host.value) && host.valueSpan) {
        out.push(
          makeFinding('agent-host-localhost-in-container', pos.range(host.valueSpan), {
            detail: `${svc.name} sends to ${host.value}, but the Agent is the ${agentName} service`,
            data,
            fixes: [{ title: `Send to ${agentName}`, edits: [replaceEdit(pos, host.valueSpan, agentName)], isPreferred: true }],
          }),
        );
      } else if (!url && !host && !svc.envFiles?.length) {
        out.push(
          makeFinding('agent-host-localhost-in-container', pos.range(svc.span), {
            detail: `${svc.name} sets no DD_AGENT_HOST, so it sends to localhost (the container itself), but the Agent is the ${agentName} service`,
            data,
            fixes: svc.insert
              ? [{ title: `Set DD_AGENT_HOST=${agentName}`, edits: [insertionEdit(text, pos, svc.insert, 'DD_AGENT_HOST', agentName)] }]
              : undefined,
          }),
        );
      }
    }
  }
  return out;
}

/** A sentence when this setting disables an integration ASM needs for one of these tracers. */
function integrationDisabled(s: Setting, tracers: ConfigTracer[]): string | null {
  const v = s.value ?? '';
  const k = kb();
  const norm = (n: string) => n.toUpperCase().replace(/[^A-Z0-9]+/g, '_');
  const required = (t: ConfigTracer) => (t === 'python' ? [] : (k.integrations(t as Language)?.required ?? []));
  if (s.env === 'DD_INTEGRATIONS_ENABLED' && isOffLike(v)) return `${s.name}=${v} turns off every integration, including the web ones ASM needs`;
  if (s.env === 'DD_TRACE_ENABLED' && isOffLike(v)) return `${s.name}=${v} turns the tracer off, and ASM with it`;
  const m = /^DD_(?:TRACE|INTEGRATION)_([A-Z0-9_]+)_ENABLED$/.exec(s.env);
  if (m && isOffLike(v)) {
    for (const t of tracers) {
      const hit = required(t).find((r) => norm(r) === m[1]);
      if (hit) return `${s.name}=${v} disables the ${hit} integration, which ASM needs with ${TRACER_NAME[t]}`;
    }
  }
  if (s.env === 'DD_TRACE_DISABLED_PLUGINS' || s.env === 'DD_DISABLED_INTEGRATIONS' || s.env === 'DD_TRACE_DISABLED_INTEGRATIONS') {
    const items = v.split(/[,;\s]+/).filter(Boolean);
    for (const t of tracers) {
      const hit = required(t).find((r) => items.some((i) => norm(i) === norm(r)));
      if (hit) return `${s.name} lists ${hit}, an integration ASM needs with ${TRACER_NAME[t]}`;
    }
  }
  return null;
}
