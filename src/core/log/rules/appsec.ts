// "Is ASM running?" from lines other than the startup JSON (kb/messages.yaml): Java's AppSecSystem line, .NET's
// Security.cs messages, Go's appsec: lines (running, disabled, not set, build tag, start error), Ruby's libddwaf
// "Loaded N rules" and start failures, Node.js [ASM] failures, the PHP helper's DDAS-0014-00, .NET's DD_TRACE_ENABLED.
import type { LogRule } from '../types';
import { refineStartFailure } from './catalogue';
import { clip, emit, enableInstruction, lineLanguage, lineRange, matchMessage, messageRule, messagesFor, messagesOfRule, type MessageMatch } from './common';
import type { LineContext } from '../types';

// The findings this rule raises are those naming it in kb/findings.yaml (`rule: appsec`).
const pred = messagesOfRule('appsec');
const key = 'appsec';

export const appsecRule: LogRule = messageRule({ id: 'appsec', key, pred, onMessage });

function onMessage(ctx: LineContext, hit: MessageMatch): void {
  const lang = lineLanguage(ctx);
  const r = lineRange(ctx, hit.start, hit.end);
  const g = hit.groups;
  const data: Record<string, unknown> = { message: hit.m.id, ...(lang ? { tracer: lang } : {}) };
  switch (hit.m.finding) {
    case 'appsec-enabled': {
      const what = hit.m.id === 'ruby-waf-rules-loaded' ? `libddwaf loaded ${g.count} of ${g.detail} rules` : clip(ctx.text.slice(hit.start, hit.end), 160);
      emit(ctx, 'appsec-enabled', r, { detail: `${hit.m.meaning} (${what}): Application Security is running`, data });
      return;
    }
    case 'appsec-disabled':
      emit(ctx, 'appsec-disabled', r, {
        detail: `${hit.m.meaning}${g.state ? ` (enabled=${g.state}${g.detail ? `, remote: ${g.detail}` : ''})` : ''} Application Security is off`,
        fix: enableInstruction(lang),
        data,
      });
      return;
    case 'appsec-not-configured':
      emit(ctx, 'appsec-not-configured', r, { detail: hit.m.meaning, fix: enableInstruction(lang), data });
      return;
    case 'appsec-start-failed': {
      // A start error whose error is itself a known message (Go: "could not parse DD_APPSEC_ENABLED value `yes`…")
      // is reported as that message: it says what to fix.
      const inner = matchMessage(ctx, messagesFor(key, pred), hit.start + 1);
      if (inner && inner.m.finding !== 'appsec-start-failed') {
        onMessage(ctx, inner);
        return;
      }
      {
        // The quoted error may name a more specific cause (kb catalogue): its cause and fix then apply.
        const why = refineStartFailure(ctx.text, hit.m) ?? hit.m;
        if (why.cause) data.cause = why.cause;
        if (why !== hit.m) data.causeMessage = why.id;
        const fix = why.fix ?? hit.m.fix;
        emit(ctx, 'appsec-start-failed', r, { detail: `${hit.m.meaning}${g.detail ? ` Error: ${clip(g.detail, 240)}` : ''}`, data, ...(fix ? { fix } : {}) });
      }
      return;
    }
    case 'appsec-config-invalid': {
      // A general line ("could not determine the AppSec enablement mode from DD_APPSEC_ENABLED: …") that quotes a
      // more precise message naming the value: that one is reported.
      if (g.value === undefined) {
        const inner = matchMessage(ctx, messagesFor(key, pred), hit.start + 1);
        if (inner && inner.m.finding === 'appsec-config-invalid' && inner.groups.value !== undefined) {
          onMessage(ctx, inner);
          return;
        }
      }
      emit(ctx, 'appsec-config-invalid', r, {
        detail: `${hit.m.meaning}${g.value !== undefined ? ` (DD_APPSEC_ENABLED=${clip(g.value, 60)}${g.detail ? `, from ${g.detail.replace(/_/g, ' ')}` : ''})` : ''}`,
        data: { ...data, ...(g.value !== undefined ? { value: g.value } : {}) },
        ...(hit.m.fix ? { fix: hit.m.fix } : {}),
      });
      return;
    }
    default:
      emit(ctx, hit.m.finding, r, { detail: hit.m.meaning, data });
  }
}
