// Step 2: required integrations. From the startup JSON (.NET disabled_integrations, Node.js integrations_loaded before
// 2.x, Ruby TRACING integrations_loaded, PHP integrations_disabled before 1.0, Go integrations) and from Node.js's
// INTEGRATIONS LOADED and `Plugin "x" was disabled` lines. The required lists and the re-enable instructions come
// from kb/integrations.yaml.
import { range } from '../../finding';
import { kb, type Language } from '../../kb';
import type { LineContext, LogRule } from '../types';
import { clip, emit, fieldRange, lineRange, messageRule, stateOf } from './common';

const FINDING = 'integration-disabled';
const pred = (m: { finding: string }) => m.finding === FINDING;
const key = 'integrations';

/** The re-enable instruction of kb/integrations.yaml for one integration. */
export function reenable(lang: Language, name: string): string {
  const set = kb().integrations(lang);
  const t = set?.reenable ?? kb().finding(FINDING).fix;
  return t.replace(/\{name\}/g, name).replace(/\{NAME\}/g, name.toUpperCase().replace(/[^A-Z0-9]+/g, '_'));
}

/**
 * A name without its @version: from the first @ after the last line terminator (what /@.*$/ removed, in linear
 * time: that regex retried from every @ of an entry like "@@@…\n@", quadratic on a long startup line).
 */
export function withoutVersion(x: string): string {
  let from = 0;
  for (let i = x.length - 1; i >= 0; i--) {
    const c = x.charCodeAt(i);
    if (c === 10 || c === 13 || c === 0x2028 || c === 0x2029) {
      from = i + 1;
      break;
    }
  }
  const at = x.indexOf('@', from);
  return at < 0 ? x : x.slice(0, at);
}

/** Integration names without their @version (Node.js "express@4.17.1", Ruby "rack@2.2.3"). */
function names(list: unknown): string[] {
  const arr = Array.isArray(list) ? list : typeof list === 'string' ? list.split(',') : [];
  return arr
    .filter((x): x is string => typeof x === 'string')
    .map((x) => withoutVersion(x.trim()))
    .filter(Boolean);
}

/**
 * summary.disabledIntegrations → the set of its names: an index derived from the list (a startup line replaces the
 * list, a snapshot's restore clones it: either way a new list gets a new index), not per-file state.
 */
const disabledIndex = new WeakMap<string[], Set<string>>();

const has = (list: string[], name: string) => list.some((x) => x.toLowerCase() === name.toLowerCase());

function report(ctx: LineContext, lang: Language, name: string, how: string, r: ReturnType<typeof range>, severity?: 'warning') {
  const tracer = kb().tracer(lang).name;
  emit(ctx, FINDING, r, {
    detail: `${tracer}: the integration ${name} ${how}. Application Security relies on it: without it, ASM sees no request and reports nothing`,
    fix: reenable(lang, name),
    data: { tracer: lang, integration: name },
    ...(severity ? { severity } : {}),
  });
}

/** Checks the integration fields of a parsed startup line. */
export function integrationsFromStartup(ctx: LineContext, cfg: Record<string, unknown>, lang: Language, prefixEnd: number): void {
  const s = ctx.summary;
  const set = kb().integrations(lang);
  if (lang === 'dotnet' && Array.isArray(cfg.disabled_integrations)) {
    const disabled = names(cfg.disabled_integrations);
    s.disabledIntegrations = disabled;
    // AspNetCore alone is fine: "If AspNetCore is disabled, Application Security should still work".
    for (const req of set?.required ?? []) {
      if (has(disabled, req)) report(ctx, lang, req, 'is listed in disabled_integrations', fieldRange(ctx, 'disabled_integrations', prefixEnd));
    }
  }
  if ((lang === 'nodejs' || lang === 'ruby') && 'integrations_loaded' in cfg) {
    const loaded = names(cfg.integrations_loaded);
    s.integrations = loaded;
    if (lang === 'nodejs' && !has(loaded, 'http'))
      report(ctx, lang, 'http', 'is not in integrations_loaded', fieldRange(ctx, 'integrations_loaded', prefixEnd));
    // Rack can be added by hand or by the Rails or Sinatra integration (seed, Ruby tab).
    if (lang === 'ruby' && loaded.length && !['rack', 'rails', 'sinatra'].some((n) => has(loaded, n))) {
      report(
        ctx,
        lang,
        'rack',
        'is not loaded (nor rails or sinatra, which add it) according to integrations_loaded',
        fieldRange(ctx, 'integrations_loaded', prefixEnd),
      );
    }
  }
  if (lang === 'php' && typeof cfg.integrations_disabled === 'string' && cfg.integrations_disabled !== 'default') {
    const disabled = names(cfg.integrations_disabled);
    s.disabledIntegrations = disabled;
    if (disabled.length) {
      // PHP has no required integration (newer troubleshooting page): worth knowing, not an error.
      emit(ctx, FINDING, fieldRange(ctx, 'integrations_disabled', prefixEnd), {
        severity: 'warning',
        detail: `PHP tracer: integrations_disabled lists ${disabled.join(', ')} (DD_INTEGRATIONS_DISABLED). The troubleshooting guide names no integration PHP AppSec requires, but requests handled through a disabled integration are not traced`,
        fix: reenable('php', disabled[0]!),
        data: { tracer: lang, integrations: disabled },
      });
    }
  }
  if (lang === 'python' && cfg.integrations && typeof cfg.integrations === 'object' && !Array.isArray(cfg.integrations)) {
    // dd-trace-py lists the integrations whose package is installed: {'flask': {'enabled': True, 'instrumented': True, …}}.
    const entries = Object.entries(cfg.integrations as Record<string, { enabled?: unknown; instrumented?: unknown }>).filter(
      ([, v]) => v && typeof v === 'object',
    );
    s.integrations = entries.filter(([, v]) => v.instrumented === true).map(([k]) => k);
    const disabled = entries.filter(([, v]) => v.enabled === false).map(([k]) => k);
    s.disabledIntegrations = disabled;
    for (const req of set?.required ?? []) {
      if (has(disabled, req))
        report(ctx, lang, req, 'is installed but disabled in the startup integrations (enabled: False)', fieldRange(ctx, 'integrations', prefixEnd));
    }
  }
  if (lang === 'go' && cfg.integrations && typeof cfg.integrations === 'object' && !Array.isArray(cfg.integrations)) {
    s.integrations = Object.entries(cfg.integrations as Record<string, { instrumented?: unknown }>)
      .filter(([, v]) => v && typeof v === 'object' && v.instrumented === true)
      .map(([k]) => k);
  }
}

export const integrationsRule: LogRule = messageRule({
  id: 'integrations',
  key,
  pred,
  onMessage(ctx, hit) {
    const r = lineRange(ctx, hit.start, hit.end);
    switch (hit.m.id) {
      case 'node-integrations-loaded': {
        let loaded: string[] = [];
        try {
          loaded = names(JSON.parse(hit.groups.list ?? '[]'));
        } catch {
          return;
        }
        ctx.summary.integrations = loaded;
        if (!has(loaded, 'http')) report(ctx, 'nodejs', 'http', `is not loaded (INTEGRATIONS LOADED lists ${clip(loaded.join(', ') || 'nothing', 200)})`, r);
        return;
      }
      case 'node-plugin-disabled': {
        const name = hit.groups.integration!;
        // Sets, not list searches (quadratic on many distinct plugins). Keys carry a prefix: a name may be __proto__.
        const st = stateOf<{ plugins: Record<string, true> }>(ctx, key, () => ({ plugins: {} }));
        const list = ctx.summary.disabledIntegrations;
        let listed = disabledIndex.get(list);
        if (!listed) disabledIndex.set(list, (listed = new Set(list)));
        if (!listed.has(name)) {
          listed.add(name);
          list.push(name);
        }
        // dd-trace prints the line twice per plugin: one diagnostic is enough.
        if (st.plugins[`#${name}`]) return;
        st.plugins[`#${name}`] = true;
        if (has(kb().integrations('nodejs')?.required ?? [], name))
          report(ctx, 'nodejs', name, 'was disabled via configuration (DD_TRACE_DISABLED_PLUGINS or DD_TRACE_' + name.toUpperCase() + '_ENABLED=false)', r);
        return;
      }
      case 'dotnet-no-integrations':
        report(ctx, 'dotnet', 'AspNet', 'is disabled, like every other integration ("no enabled integrations found")', r);
        return;
      default:
        report(ctx, ctx.summary.tracer ?? 'nodejs', hit.groups.integration ?? '?', 'is disabled', r);
    }
  },
});
