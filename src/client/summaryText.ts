// The status bar's per-file summary text. No vscode import: unit-tested in node.
import type { SummaryNotification } from '../server/diagnostics';

const DIALECT_LABEL: Record<string, string> = {
  java: 'Java',
  dotnet: '.NET',
  go: 'Go',
  ruby: 'Ruby',
  php: 'PHP',
  'php-helper': 'PHP AppSec helper',
  nodejs: 'Node.js',
  agent: 'Datadog Agent',
};

/** What the status bar says about a log: what it knows, never "?" for what the log does not say. */
export function summaryText(a: SummaryNotification): { text: string; tooltip: string } | null {
  const s = a.summary;
  // Nothing recognised (a Ruby initializer, an unrelated log): no summary to show.
  if (!s || (!s.tracer && !s.dialects.length && s.appsec === 'unknown')) return null;
  const problems = `Problems: ${
    Object.entries(a.counts)
      .map(([k, v]) => `${v} ${k}`)
      .join(', ') || 'none'
  }`;
  // An Agent log says nothing about a tracer or ASM: what it says is the traces the Agent received.
  if (!s.tracer && s.dialects.length && s.dialects.every((d) => d === 'agent')) {
    const got = s.tracesReceived === null ? '' : ` · ${s.tracesReceived} trace${s.tracesReceived === 1 ? '' : 's'} received`;
    return {
      text: `$(server) Datadog Agent log${got}`,
      tooltip: [`Datadog Agent log`, `Traces received: ${s.tracesReceived ?? 'not counted in this log'}`, problems].join('\n'),
    };
  }
  const asm = { enabled: 'on', disabled: 'off', inactive: 'inactive', 'not-configured': 'not configured', unknown: null }[s.appsec] ?? s.appsec;
  const icon = s.appsec === 'enabled' ? '$(shield)' : s.appsec === 'unknown' ? '$(info)' : '$(warning)';
  const tracer = s.tracer
    ? [DIALECT_LABEL[s.tracer] ?? s.tracer, s.version].filter(Boolean).join(' ')
    : `${s.dialects.map((d) => DIALECT_LABEL[d] ?? d).join(', ')} log`;
  const text = `${icon} ${tracer}${asm ? ` · ASM ${asm}` : ''}${s.attacks ? ` · ${s.attacks} attack${s.attacks > 1 ? 's' : ''}` : ''}`;
  const tooltip = [
    `Tracer: ${tracer}`,
    `Application Security: ${asm ?? 'not stated in this log'}`,
    `Integrations: ${s.integrations ? s.integrations.join(', ') : 'not listed'}${s.disabledIntegrations.length ? ` (disabled: ${s.disabledIntegrations.join(', ')})` : ''}`,
    `Agent: ${s.agentReachable === null ? 'nothing in this log' : s.agentReachable ? 'reachable' : 'unreachable'}`,
    `Attacks seen: ${s.attacks}${s.blocked ? ` (${s.blocked} blocked)` : ''}${s.rules.length ? ` — rules ${s.rules.join(', ')}` : ''}`,
    problems,
  ].join('\n');
  return { text, tooltip };
}
