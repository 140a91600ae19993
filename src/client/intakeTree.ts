// The "Local Intake Traces" view: traces received by the local intake (in the language server), grouped by service
// and rule with counts (a simulation sends hundreds of identical requests), newest first; spans with appsec.event
// show the rule (id and name), matched value, address, client IP and whether the request was blocked. What was
// received stays after Stop, until Clear.
import * as vscode from 'vscode';
import type { AsmEvent, ReceivedTrace, Span } from '../core/intake';
import type { IntakeController } from './commands/intake';
import { groupTraces, ReceivedTraces, type TraceGroup } from './intakeGroups';

type Node =
  | { type: 'group'; group: TraceGroup }
  | { type: 'more'; group: TraceGroup; hidden: number }
  | { type: 'trace'; trace: ReceivedTrace }
  | { type: 'span'; trace: ReceivedTrace; span: Span; event: AsmEvent | undefined }
  | { type: 'detail'; label: string; value: string; key: string };

/** Traces fetched at most (the intake keeps its own bounded ring). */
const SHOWN = 200;
/** Traces listed under one group (the count says how many there are). */
const PER_GROUP = 50;

function ms(ns: number): string {
  return `${(ns / 1e6).toFixed(ns < 1e7 ? 2 : 0)} ms`;
}

export class IntakeTreeProvider implements vscode.TreeDataProvider<Node>, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;
  private readonly subs: vscode.Disposable[];
  private pending: NodeJS.Timeout | undefined;
  /** What was received: by earlier runs (kept after Stop) and the running one, past the last Clear. */
  private readonly received = new ReceivedTraces();

  constructor(
    private readonly controller: IntakeController,
    private readonly warn: (m: string) => void = () => undefined,
  ) {
    this.subs = [
      controller.onDidChange((intake) => {
        if (!intake) this.received.endRun();
        this.emitter.fire(undefined);
      }),
      controller.onTrace(() => this.refreshSoon()),
    ];
  }

  /** A chatty tracer sends every few hundred ms: coalesce refreshes (one fetch of the traces per refresh). */
  private refreshSoon(): void {
    if (this.pending) return;
    this.pending = setTimeout(() => {
      this.pending = undefined;
      void this.controller.traces(SHOWN).then(
        (t) => {
          if (this.controller.current) this.received.setCurrent(t);
          this.emitter.fire(undefined);
        },
        (e) => this.warn(`could not list the traces: ${(e as Error).message}`),
      );
    }, 250);
  }

  /** Clear: the view forgets what was received (the running intake goes on receiving). */
  clear(): void {
    this.received.clear();
    this.emitter.fire(undefined);
  }

  /** Traces the view holds (for the status bar and tests). */
  count(): number {
    return this.received.all().length;
  }

  getTreeItem(n: Node): vscode.TreeItem {
    if (n.type === 'group') {
      const g = n.group;
      const label = g.ruleId ? `${g.ruleId}${g.ruleName ? ` "${g.ruleName}"` : ''}` : 'Traces without an ASM event';
      const item = new vscode.TreeItem(label, g.ruleId ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed);
      item.id = `group:${g.key}`;
      item.description = `${g.service} · ${g.traces.length} trace${g.traces.length > 1 ? 's' : ''}${g.blocked ? ` · ${g.blocked} blocked` : ''} · last ${new Date(g.lastAt).toLocaleTimeString()}`;
      item.iconPath = g.ruleId ? new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground')) : new vscode.ThemeIcon('pulse');
      item.contextValue = g.ruleId ? 'group.asm' : 'group';
      return item;
    }
    if (n.type === 'more') return new vscode.TreeItem(`… and ${n.hidden} more`, vscode.TreeItemCollapsibleState.None);
    if (n.type === 'trace') {
      const t = n.trace;
      const root = t.spans.find((s) => s.parentId === '0') ?? t.spans[0]!;
      const ev = t.events[0];
      // "GET /hello" from the request tags reads better than the resource (Express names it "GET" before routing).
      let path = '';
      try {
        path = root.meta['http.url'] ? new URL(root.meta['http.url']).pathname : '';
      } catch {
        path = '';
      }
      const label = root.meta['http.method'] && path ? `${root.meta['http.method']} ${path}` : root.resource || root.name;
      const item = new vscode.TreeItem(label, ev ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed);
      item.id = `trace:${this.received.keyOf(t)}`;
      item.description = `${root.service} · ${t.spans.length} span${t.spans.length > 1 ? 's' : ''}${ev ? ` · ${ev.blocked ? 'BLOCKED ' : ''}${ev.ruleId}` : ''} · ${new Date(t.receivedAt).toLocaleTimeString()}`;
      item.iconPath = ev
        ? new vscode.ThemeIcon(ev.blocked ? 'shield' : 'warning', new vscode.ThemeColor(ev.blocked ? 'testing.iconPassed' : 'list.warningForeground'))
        : new vscode.ThemeIcon('pulse');
      item.tooltip = `trace ${root.traceId} (${t.version}), received ${new Date(t.receivedAt).toISOString()}`;
      item.contextValue = ev ? 'trace.asm' : 'trace';
      return item;
    }
    if (n.type === 'span') {
      const s = n.span;
      const e = n.event;
      const item = new vscode.TreeItem(
        e ? `${e.ruleId ?? 'ASM event'} ${e.ruleName ? `"${e.ruleName}"` : ''}`.trim() : `${s.name}`,
        e ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed,
      );
      item.id = `span:${this.received.keyOf(n.trace)}:${s.spanId}`;
      item.description = e
        ? `${s.name} · ${s.resource} · ${e.status ?? ''}${e.blocked ? ' blocked' : ''}`
        : `${s.resource} · ${ms(s.durationNs)}${s.error ? ' · error' : ''}`;
      item.iconPath = new vscode.ThemeIcon(e ? 'bug' : 'symbol-event');
      item.tooltip = `span ${s.spanId} of trace ${s.traceId}; service ${s.service}; type ${s.type || '-'}`;
      item.contextValue = e ? 'span.asm' : 'span';
      return item;
    }
    const item = new vscode.TreeItem(n.label, vscode.TreeItemCollapsibleState.None);
    item.description = n.value;
    item.tooltip = `${n.key}: ${n.value}`;
    return item;
  }

  getChildren(n?: Node): Node[] {
    if (!n) return groupTraces(this.received.all()).map((group) => ({ type: 'group', group }));
    if (n.type === 'group') {
      const shown: Node[] = n.group.traces.slice(0, PER_GROUP).map((trace) => ({ type: 'trace', trace }));
      if (n.group.traces.length > PER_GROUP) shown.push({ type: 'more', group: n.group, hidden: n.group.traces.length - PER_GROUP });
      return shown;
    }
    if (n.type === 'trace') {
      // ASM spans first: they are what the user is looking for.
      const spans = n.trace.spans.map((span) => ({ type: 'span' as const, trace: n.trace, span, event: n.trace.events.find((e) => e.spanId === span.spanId) }));
      return spans.sort((a, b) => Number(!!b.event) - Number(!!a.event));
    }
    if (n.type === 'span') {
      const e = n.event;
      const s = n.span;
      const d = (label: string, value: string | number | null | undefined, key = label): Node[] =>
        value === null || value === undefined || value === '' ? [] : [{ type: 'detail', label, value: String(value), key }];
      if (e) {
        return [
          ...d('rule', `${e.ruleId ?? '?'} ${e.ruleName ? `"${e.ruleName}"` : ''}`, '_dd.appsec.json triggers[0].rule'),
          ...d('matched value', e.value === null ? null : JSON.stringify(e.value), 'rule_matches[0].parameters[0].value'),
          ...d('address', e.address, 'rule_matches[0].parameters[0].address'),
          ...d('client IP', e.clientIp, 'http.client_ip'),
          ...d('blocked', e.blocked ? 'yes (appsec.blocked=true)' : 'no', 'appsec.blocked'),
          ...d('request', `${e.method ?? ''} ${e.url ?? ''} → ${e.status ?? '?'}`, 'http.method http.url http.status_code'),
          ...d('user agent', e.userAgent, 'http.useragent'),
          ...e.triggers
            .slice(1)
            .map((t, i): Node => ({ type: 'detail', label: `rule ${i + 2}`, value: `${t.ruleId} "${t.ruleName}"`, key: '_dd.appsec.json' })),
          ...d('trace / span', `${e.traceId} / ${e.spanId}`, 'trace_id / span_id'),
          ...d('service', e.service, 'service'),
          ...(e.parseError ? d('warning', e.parseError) : []),
        ];
      }
      return [
        ...d('service', s.service),
        ...d('duration', ms(s.durationNs)),
        ...Object.entries(s.meta)
          .filter(([k]) => k.startsWith('http.') || k.startsWith('appsec') || k === '_dd.appsec.enabled')
          .slice(0, 30)
          .map(([k, v]): Node => ({ type: 'detail', label: k, value: v, key: k })),
        ...d('_dd.appsec.enabled', s.metrics['_dd.appsec.enabled'], '_dd.appsec.enabled (metric)'),
      ];
    }
    return [];
  }

  dispose(): void {
    for (const d of this.subs) d.dispose();
    if (this.pending) clearTimeout(this.pending);
    this.emitter.dispose();
  }
}
