// Step 1 evidence: attacks the WAF detected or blocked, with the rule id and name. Sources (kb/messages.yaml):
// .NET's "Detecting an attack from rule …" / "Blocking current transaction (rule: …)", the PHP helper's
// DDAS-0012-01 lines, Ruby's WAF result struct, span tag blocks (appsec.event => true, _dd.appsec.json => {…}) and
// "processed events" lines, and Node.js debug spans (Encoding payload: [...] with appsec.event / _dd.appsec.json).
//
// One attack often shows up at several stages of the same log (Ruby: WAF result, span tags, forwarded event), so the
// summary counts per stage ("detect", "trace", "forward") and reports the busiest stage, not the sum.
import { kb } from '../../kb';
import { lineSecond } from '../dialect';
import type { LineContext, LogRule } from '../types';
import { clip, emit, lineRange, messageRule, messagesOfRule, stateOf } from './common';
import { noteAttackSecond } from './rate-limit';

// The findings this rule raises are those naming it in kb/findings.yaml (`rule: attacks`).
const pred = messagesOfRule('attacks');
const key = 'attacks';

type Stage = 'detect' | 'trace' | 'forward';

interface AttackState {
  attacks: Record<Stage, number>;
  blocked: Record<Stage, number>;
  /** A Ruby tag block's `appsec.event => true` line waiting for its `_dd.appsec.json` line: [line, start, end]. */
  rubyEvent: [number, number, number] | null;
  rubyBlocked: boolean;
  /** summary.rules got an id out of order since it was last sorted (it is sorted in finish). */
  rulesUnsorted?: boolean;
}

const init = (): AttackState => ({
  attacks: { detect: 0, trace: 0, forward: 0 },
  blocked: { detect: 0, trace: 0, forward: 0 },
  rubyEvent: null,
  rubyBlocked: false,
});

/**
 * summary.rules → the set of its ids: an index derived from the list (rebuilt from the list after a snapshot's
 * restore, which clones the summary), not per-file state.
 */
const ruleIndex = new WeakMap<string[], Set<string>>();

interface RuleRef {
  id: string;
  name?: string;
  type?: string;
}

interface Attack {
  rules: RuleRef[];
  blocked: boolean;
  /** Where the request came from, when the line says. */
  request?: { method?: string; url?: string; ip?: string; userAgent?: string; status?: string };
}

/** Rule id → "id "name" (type)", names from the log or else kb/rules.yaml. */
function describeRules(rules: RuleRef[]): string {
  if (!rules.length) return 'a rule not named on this line';
  const parts = rules.slice(0, 5).map((r) => {
    const k = kb().rule(r.id);
    const name = r.name ?? k?.name;
    const type = r.type ?? k?.type;
    return `${r.id}${name ? ` "${name}"` : ''}${type ? ` (${type})` : ''}`;
  });
  return `rule${rules.length > 1 ? 's' : ''} ${parts.join(', ')}${rules.length > 5 ? ` and ${rules.length - 5} more` : ''}`;
}

function describeRequest(q: Attack['request']): string {
  if (!q) return '';
  const parts = [
    q.method && q.url ? `${q.method} ${q.url}` : q.url,
    q.ip ? `from ${q.ip}` : null,
    q.userAgent ? `User-Agent "${clip(q.userAgent, 60)}"` : null,
    q.status ? `status ${q.status}` : null,
  ];
  const s = parts.filter(Boolean).join(', ');
  return s ? ` on the request ${s}` : '';
}

function record(ctx: LineContext, stage: Stage, a: Attack, start: number, end: number, second: string | null, note = ''): void {
  const st = stateOf(ctx, key, init);
  const s = ctx.summary;
  st.attacks[stage]++;
  if (a.blocked) st.blocked[stage]++;
  s.attacks = Math.max(st.attacks.detect, st.attacks.trace, st.attacks.forward);
  s.blocked = Math.max(st.blocked.detect, st.blocked.trace, st.blocked.forward);
  // A set beside the list (searching the list per attack was quadratic); the list is sorted once, in finish().
  let known = ruleIndex.get(s.rules);
  if (!known) ruleIndex.set(s.rules, (known = new Set(s.rules)));
  for (const r of a.rules) {
    if (known.has(r.id)) continue;
    known.add(r.id);
    if (s.rules.length && s.rules[s.rules.length - 1]! > r.id) st.rulesUnsorted = true;
    s.rules.push(r.id);
  }
  // Evidence of a running WAF, whatever the startup line said earlier.
  if (s.appsec === 'unknown' || s.appsec === 'not-configured' || s.appsec === 'inactive') s.appsec = 'enabled';
  const r = lineRange(ctx, start, end);
  const code = a.blocked ? 'attack-blocked' : 'attack-detected';
  emit(ctx, code, r, {
    detail: `Attack ${a.blocked ? 'blocked' : 'detected'} by ${describeRules(a.rules)}${describeRequest(a.request)}${note}`,
    data: {
      rules: a.rules.map((x) => x.id),
      ruleNames: a.rules.map((x) => x.name ?? kb().rule(x.id)?.name ?? null),
      blocked: a.blocked,
      stage,
      ...(a.request ? { request: a.request } : {}),
    },
  });
  noteAttackSecond(ctx, stage, second, r);
}

/** Rules from a parsed `_dd.appsec.json` value: {"triggers":[{"rule":{"id","name","tags":{"type"}}}]}. */
export function rulesFromAppsecJson(v: unknown): RuleRef[] {
  const triggers = (v as { triggers?: unknown })?.triggers;
  if (!Array.isArray(triggers)) return [];
  const out: RuleRef[] = [];
  for (const t of triggers) {
    const rule = (t as { rule?: { id?: unknown; name?: unknown; tags?: { type?: unknown } } })?.rule;
    if (rule && typeof rule.id === 'string' && !out.some((o) => o.id === rule.id)) {
      out.push({
        id: rule.id,
        ...(typeof rule.name === 'string' ? { name: rule.name } : {}),
        ...(typeof rule.tags?.type === 'string' ? { type: rule.tags.type } : {}),
      });
    }
  }
  return out;
}

/** Rules from Ruby inspect output: "rule"=>{"id"=>"…", "name"=>"…" or :rule=>{:id=>"…", :name=>"…". */
function rulesFromRuby(text: string): RuleRef[] {
  const out: RuleRef[] = [];
  const re =
    /(?:"rule"=>\{"id"=>|:rule=>\{:id=>)"([^"]{1,100})", (?:"name"=>|:name=>)"([^"]{0,200})"(?:, "tags"=>\{"type"=>"([^"]{1,60})"|, :set=>"([^"]{1,60})")?/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) && out.length < 50)
    if (!out.some((o) => o.id === m![1])) out.push({ id: m[1]!, name: m[2]!, ...((m[3] ?? m[4]) ? { type: (m[3] ?? m[4])! } : {}) });
  return out;
}

/** Rules from plain _dd.appsec.json text inside a line (Java's span tags print the JSON as is). */
function rulesFromJsonText(text: string): RuleRef[] {
  const out: RuleRef[] = [];
  const re = /"rule":\{"id":"([^"]{1,100})","name":"([^"]{0,200})"(?:,"tags":\{"type":"([^"]{1,60})")?/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) && out.length < 50) if (!out.some((o) => o.id === m![1])) out.push({ id: m[1]!, name: m[2]!, ...(m[3] ? { type: m[3] } : {}) });
  return out;
}

/** Rules from a JSON-escaped _dd.appsec.json inside a line we could not parse whole (a cut line). */
function rulesFromEscaped(text: string): RuleRef[] {
  const out: RuleRef[] = [];
  const re = /\\"rule\\":\{\\"id\\":\\"([^\\"]{1,100})\\",\\"name\\":\\"([^\\"]{0,200})\\"/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) && out.length < 50) if (!out.some((o) => o.id === m![1])) out.push({ id: m[1]!, name: m[2]! });
  return out;
}

interface NodeSpan {
  meta?: Record<string, string>;
  metrics?: Record<string, number>;
  start?: number;
}

function nodePayload(ctx: LineContext, payloadStart: number): void {
  const text = ctx.text;
  const mark = '"appsec.event":"true"';
  let spans: NodeSpan[] | null = null;
  try {
    const v = JSON.parse(text.slice(payloadStart));
    if (Array.isArray(v)) spans = v as NodeSpan[];
  } catch {
    spans = null; // cut or malformed: fall back to scanning the text
  }
  let at = text.indexOf(mark);
  if (spans) {
    for (const sp of spans) {
      const meta = sp?.meta;
      if (!meta || meta['appsec.event'] !== 'true') continue;
      let rules: RuleRef[] = [];
      try {
        rules = rulesFromAppsecJson(JSON.parse(meta['_dd.appsec.json'] ?? '{}'));
      } catch {
        rules = [];
      }
      const start = at === -1 ? 0 : at;
      const end = at === -1 ? Math.min(text.length, 200) : at + mark.length;
      const second = typeof sp.start === 'number' ? `epoch ${Math.floor(sp.start / 1e9)}` : null;
      record(
        ctx,
        'trace',
        {
          rules,
          blocked: meta['appsec.blocked'] === 'true',
          request: {
            ...(meta['http.method'] ? { method: meta['http.method'] } : {}),
            ...(meta['http.url'] ? { url: meta['http.url'] } : {}),
            ...((meta['http.client_ip'] ?? meta['network.client.ip']) ? { ip: meta['http.client_ip'] ?? meta['network.client.ip'] } : {}),
            ...(meta['http.useragent'] ? { userAgent: meta['http.useragent'] } : {}),
            ...(meta['http.status_code'] ? { status: meta['http.status_code'] } : {}),
          },
        },
        start,
        end,
        second,
      );
      if (at !== -1) at = text.indexOf(mark, at + mark.length);
    }
    return;
  }
  // A cut line: one attack per appsec.event mark, rules read from the escaped JSON.
  const rules = rulesFromEscaped(text);
  for (let n = 0; at !== -1 && n < 100; n++, at = text.indexOf(mark, at + mark.length)) {
    record(
      ctx,
      'trace',
      { rules, blocked: text.includes('"appsec.blocked":"true"') },
      at,
      at + mark.length,
      null,
      ' (read from a line too long to parse whole)',
    );
  }
}

export const attacksRule: LogRule = messageRule({
  id: 'attacks',
  key,
  pred,
  onMessage(ctx, hit) {
    const st = stateOf(ctx, key, init);
    const g = hit.groups;
    const second = lineSecond(ctx.text);
    switch (hit.m.id) {
      case 'dotnet-attack-detected':
      case 'dotnet-attack-blocked': {
        const blocked = hit.m.id === 'dotnet-attack-blocked';
        record(
          ctx,
          'detect',
          { rules: g.rule && !g.rule.startsWith('<') && !g.rule.startsWith('{') ? [{ id: g.rule }] : [], blocked },
          hit.start,
          hit.end,
          second,
        );
        return;
      }
      case 'helper-attack-detected':
        record(
          ctx,
          'detect',
          { rules: [], blocked: false },
          hit.start,
          hit.end,
          second,
          " (the PHP helper does not name the rule here; the trace's _dd.appsec.json does)",
        );
        return;
      case 'helper-attack-blocked':
        record(ctx, 'detect', { rules: rulesFromRuby(g.detail ?? ''), blocked: true }, hit.start, hit.end, second);
        return;
      case 'ruby-waf-result': {
        const rules = rulesFromRuby(g.detail ?? '');
        if (!rules.length) return; // data=[]: the WAF ran and matched nothing
        record(ctx, 'detect', { rules, blocked: g.action === 'block' }, hit.start, Math.min(hit.end, hit.start + 200), second);
        return;
      }
      case 'ruby-processed-events': {
        const events = Math.max(1, (g.detail ?? '').split(':event_id=>').length - 1);
        const rules = rulesFromRuby(g.detail ?? '');
        const blocked = /:blocked=>true/.test(g.detail ?? '');
        const ip = /:remote_ip=>"([^"]{1,100})"/.exec(g.detail ?? '')?.[1];
        const url = /:url=>"([^"]{1,500})"/.exec(g.detail ?? '')?.[1];
        const method = /:method=>"([A-Z]{1,10})"/.exec(g.detail ?? '')?.[1];
        for (let i = 0; i < Math.min(events, 100); i++) {
          record(
            ctx,
            'forward',
            { rules, blocked, request: { ...(method ? { method } : {}), ...(url ? { url } : {}), ...(ip ? { ip } : {}) } },
            hit.start,
            Math.min(hit.end, hit.start + 200),
            second,
            ' — forwarded to the Agent as a security event',
          );
        }
        return;
      }
      case 'ruby-appsec-event-tag':
        flushRubyEvent(ctx, st);
        st.rubyEvent = [ctx.lineNo, hit.start, hit.end];
        return;
      case 'ruby-appsec-blocked-tag':
        // Part of the current tag block; alone, still evidence of a blocked attack.
        st.rubyBlocked = true;
        st.rubyEvent ??= [ctx.lineNo, hit.start, hit.end];
        return;
      case 'ruby-appsec-json-tag': {
        let rules: RuleRef[] = [];
        const raw = (g.detail ?? '').replace(/,\s*$/, '');
        try {
          rules = rulesFromAppsecJson(JSON.parse(raw));
        } catch {
          rules = rulesFromEscaped(raw.replace(/"/g, '\\"'));
        }
        st.rubyEvent = null;
        const blocked = st.rubyBlocked;
        st.rubyBlocked = false;
        record(ctx, 'trace', { rules, blocked }, hit.start, Math.min(hit.end, hit.start + 200), null, ' (span tags of the trace sent to the Agent)');
        return;
      }
      case 'ruby-waf-result-object': {
        if (g.action !== 'match') return; // :ok / :no_rule: the WAF ran and matched nothing
        const rules = rulesFromRuby(g.detail ?? '');
        const blocked = /@actions=(?:\[[^\]]{0,200}"block|\{[^}]{0,200}"block_request")/.test(ctx.text);
        record(ctx, 'detect', { rules, blocked }, hit.start, Math.min(hit.end, hit.start + 200), second);
        return;
      }
      case 'java-ddspan-appsec': {
        const tags = ctx.text.slice(hit.end);
        const tag = (name: string) => new RegExp(`[{ ]${name.replace(/\./g, '\\.')}=([^,}]{1,500})`).exec(tags)?.[1];
        const ip = tag('http.client_ip') ?? tag('network.client.ip');
        record(
          ctx,
          'trace',
          {
            rules: rulesFromJsonText(tags),
            blocked: tag('appsec.blocked') === 'true',
            request: {
              ...(tag('http.method') ? { method: tag('http.method')! } : {}),
              ...(tag('http.url') ? { url: tag('http.url')! } : {}),
              ...(ip ? { ip } : {}),
              ...(tag('http.useragent') ? { userAgent: tag('http.useragent')! } : {}),
              ...(tag('http.status_code') ? { status: tag('http.status_code')! } : {}),
            },
          },
          hit.start,
          hit.end,
          second,
          ' (span tags of the trace sent to the Agent)',
        );
        return;
      }
      case 'node-encoding-payload':
        nodePayload(ctx, ctx.text.indexOf('[', hit.start));
        return;
    }
  },
  finish(ctx) {
    const st = ctx.state.get(key) as AttackState | undefined;
    if (st) flushRubyEvent(ctx as LineContext, st);
    if (st?.rulesUnsorted) {
      ctx.summary.rules.sort();
      st.rulesUnsorted = false;
    }
  },
});

/** A Ruby `appsec.event => true` whose block had no `_dd.appsec.json` line: still an attack, rule unknown. */
function flushRubyEvent(ctx: Pick<LineContext, 'summary' | 'report' | 'state'>, st: AttackState): void {
  if (!st.rubyEvent) return;
  const [line, start, end] = st.rubyEvent;
  st.rubyEvent = null;
  const blocked = st.rubyBlocked;
  st.rubyBlocked = false;
  record(
    { ...ctx, lineNo: line, text: '', cls: { dialect: 'ruby', messageStart: 0 } } as LineContext,
    'trace',
    { rules: [], blocked },
    start,
    end,
    null,
    ' (span tags of the trace sent to the Agent)',
  );
}
