// Per-file summary of the active log in the status bar: tracer, version, ASM on/off, agent, attacks.
import * as vscode from 'vscode';
import type { AnalysisStore, DocAnalysisLite } from './analysisStore';

export function summaryText(a: DocAnalysisLite): { text: string; tooltip: string } | null {
  const s = a.summary;
  // Nothing recognised (a Ruby initializer, an unrelated log): no summary to show.
  if (!s || (!s.tracer && !s.dialects.length && s.appsec === 'unknown')) return null;
  const asm = { enabled: 'on', disabled: 'off', inactive: 'inactive', 'not-configured': 'not configured', unknown: '?' }[s.appsec] ?? s.appsec;
  const icon = s.appsec === 'enabled' ? '$(shield)' : s.appsec === 'unknown' ? '$(question)' : '$(warning)';
  const tracer = [s.tracer ?? 'tracer ?', s.version].filter(Boolean).join(' ');
  const text = `${icon} ${tracer} · ASM ${asm}${s.attacks ? ` · ${s.attacks} attack${s.attacks > 1 ? 's' : ''}` : ''}`;
  const tooltip = [
    `Tracer: ${tracer}`,
    `Application Security: ${asm}`,
    `Integrations: ${s.integrations ? s.integrations.join(', ') : 'not listed'}${s.disabledIntegrations.length ? ` (disabled: ${s.disabledIntegrations.join(', ')})` : ''}`,
    `Agent: ${s.agentReachable === null ? 'nothing in this log' : s.agentReachable ? 'reachable' : 'unreachable'}`,
    `Attacks seen: ${s.attacks}${s.blocked ? ` (${s.blocked} blocked)` : ''}${s.rules.length ? ` — rules ${s.rules.join(', ')}` : ''}`,
    `Problems: ${Object.entries(a.counts).map(([k, v]) => `${v} ${k}`).join(', ') || 'none'}`,
  ].join('\n');
  return { text, tooltip };
}

export function registerStatusBar(store: AnalysisStore): vscode.Disposable {
  const item = vscode.window.createStatusBarItem('asmTroubleshooter.summary', vscode.StatusBarAlignment.Left, 50);
  item.name = 'ASM Troubleshooter: log summary';
  item.command = 'asmTroubleshooter.steps.focus';
  const update = () => {
    const uri = vscode.window.activeTextEditor?.document.uri.toString();
    const a = uri ? store.get(uri) : undefined;
    const t = a ? summaryText(a) : null;
    if (!t) {
      item.hide();
      return;
    }
    item.text = t.text;
    item.tooltip = t.tooltip;
    item.show();
  };
  const subs = [store.onDidChange(update), vscode.window.onDidChangeActiveTextEditor(update)];
  update();
  return vscode.Disposable.from(item, ...subs);
}
