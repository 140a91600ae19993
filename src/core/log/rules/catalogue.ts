// The findings of the tracer message catalogue (kb/messages.yaml, mined from the tracers' sources) that no older
// rule raises: Remote Configuration off, custom or failing rules, the PHP helper/extension version mismatch and
// ddappsec without ddtrace, an Agent too old for ASM, a DD_APPSEC_ENABLED value not understood, blocking that
// could not be applied, WAF timeouts and rate limiting without a count. The message's own `fix` (kb) replaces the finding's when it has one.
import type { LogMessage } from '../../kb';
import { compareVersions } from '../../version';
import type { LogRule } from '../types';
import { clip, emit, lineLanguage, lineRange, messageRule, messagesFor, messagesOfRule } from './common';
import { pred as pythonOwns } from './python';
import { pred as toolsOwn } from '../../tools/rule';

/** Ids of the WAF's rules (recommended rule set and custom rules), as hovers read them. */
const RULE_ID = /\b(?:ua0|crs|sqr|nfd|dog|rasp|api|blk)-\d{3}-[0-9a-z]{2,4}\b/g;

/** The findings naming this rule in kb/findings.yaml (`rule: catalogue`). */
const ofCatalogue = messagesOfRule('catalogue');
/**
 * Also raised here: rate-limit messages without a count (rate-limit.ts reads only counted ones) and the catalogue's
 * (versioned) helper-connection messages, which php-helper.ts does not know by id.
 */
const pred = (m: LogMessage) =>
  (ofCatalogue(m) && !pythonOwns(m) && !toolsOwn(m)) ||
  (m.finding === 'rate-limited' && !m.pattern.includes('(?<count>')) ||
  (m.finding === 'php-helper-connection-failed' && m.versions !== undefined);

export const catalogueRule: LogRule = messageRule({
  id: 'catalogue',
  key: 'catalogue',
  pred,
  onMessage(ctx, hit) {
    const g = hit.groups;
    const m = hit.m;
    if (m.below && !(g.version !== undefined && compareVersions(g.version, m.below) < 0)) return;
    const lang = ctx.cls.dialect === 'agent' ? null : lineLanguage(ctx);
    const data: Record<string, unknown> = { message: m.id, ...(lang ? { tracer: lang } : {}) };
    if (m.versions) data.versions = m.versions;
    const extra: string[] = [];
    if (m.finding === 'remote-config-disabled') {
      data.side = m.dialects.every((d) => d === 'agent') ? 'agent' : 'tracer';
    }
    if (g.count !== undefined) {
      data.count = Number(g.count);
      extra.push(`${g.count} ${m.finding === 'appsec-rules-errors' ? 'failed' : ''}`.trim());
    }
    if (g.rule !== undefined) {
      const ids = g.rule
        .split(/[\s,]{1,4}/)
        .map((s) => s.replace(/^["'[]{1,2}|["'\]]{1,2}$/g, ''))
        .filter(Boolean)
        .slice(0, 50);
      data.rules = ids;
      extra.push(`rules: ${clip(ids.join(', '), 200)}`);
    } else if (m.finding === 'appsec-rules-errors') {
      // WAF diagnostics quoted on the line (Java's WafDiagnostics, the helper's JSON): the rule ids they name.
      const ids = [...new Set(hit.groups.detail?.slice(0, 20000).match(RULE_ID) ?? [])].slice(0, 50);
      if (ids.length) {
        data.rules = ids;
        extra.push(`rules: ${clip(ids.join(', '), 200)}`);
      }
    }
    if (g.version !== undefined) {
      data.version = g.version;
      extra.push(`version ${g.version}`);
    }
    if (g.path !== undefined) {
      data.path = g.path;
      extra.push(g.path);
    }
    if (g.detail) extra.push(clip(g.detail, 240));
    const detail = `${m.meaning}${extra.length ? ` (${extra.join('; ')})` : ''}`;
    emit(ctx, m.finding, lineRange(ctx, hit.start, hit.end), { detail, data, ...(m.fix ? { fix: m.fix } : {}) });
  },
});

/**
 * The cause of an appsec-start-failed line whose own message gives none (or only "unexpected"): the first catalogue
 * message with a specific cause that matches the same line. Go prints go-libddwaf's errors (cgo disabled, unsupported
 * OS/arch, libdl.so.2 missing…) inside its generic "could not start" line, .NET and Java quote exceptions the same way.
 */
export function refineStartFailure(text: string, m: LogMessage): LogMessage | null {
  if (m.cause && m.cause !== 'unexpected') return null;
  const list = messagesFor('start-causes', (x) => x.finding === 'appsec-start-failed' && !!x.cause && x.cause !== 'unexpected');
  for (const c of list) {
    if (c.m.id !== m.id && text.includes(c.m.literal) && c.re.test(text)) return c.m;
  }
  return null;
}
