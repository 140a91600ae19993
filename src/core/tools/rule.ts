// The outputs of the diagnostic tools people already run, recognised by content (kb/messages.yaml, ids tool-*):
// `php --ri ddappsec` / `php --ri ddtrace` (phpinfo rows), `ddtrace-run --info` (with or without ANSI colours; before
// 1.13.0 it printed no ASM line), `dd-dotnet check process|iis|agent` ([SUCCESS]/[INFO]/[WARNING]/[FAILURE] lines),
// `php datadog-setup.php config list` (which ini file sets each value, per PHP binary). Lines that say what a log
// would say (ASM on/off, tracer off, Agent unreachable) are read by the usual rules from the same kb entries; this rule
// adds the tool's own summary (tool-output, one per tool, at the end), failed checks, Remote Configuration off, the
// helper connection and what each tool does not check.
import { range } from '../finding';
import { clip, emit, lineRange, matchMessage, messagesFor, stateOf } from '../log/rules/common';
import type { LogRule } from '../log/types';

const OWN = new Set(['tool-output', 'tool-check-failed', 'remote-config-disabled', 'php-helper-connection-failed']);
/** The tool- messages this rule raises (the catalogue rule leaves them to it). */
export const pred = (m: { id: string; finding: string }) => m.id.startsWith('tool-') && OWN.has(m.finding);
const key = 'tools';
/** The tool- messages other rules read (ASM state, tracer off, Agent): a [FAILURE] line they explain is not counted twice. */
const others = (m: { id: string; finding: string }) => m.id.startsWith('tool-') && !OWN.has(m.finding);

type Tool = 'php-ri-ddappsec' | 'php-ri-ddtrace' | 'ddtrace-info' | 'dd-dotnet' | 'datadog-setup';

interface ToolState {
  /** The first line of each tool's output seen, and what it said. */
  tools: Partial<Record<Tool, { line: number; facts: string[] }>>;
  sawAsmLine: boolean;
  setupRecords: number;
}

const TOOL_OF: Record<string, Tool> = {
  'tool-php-ri-ddappsec': 'php-ri-ddappsec',
  'tool-php-ri-ddtrace': 'php-ri-ddtrace',
  'tool-ddtrace-info': 'ddtrace-info',
  'tool-dd-dotnet-check': 'dd-dotnet',
  'tool-dd-dotnet-agent-checks': 'dd-dotnet',
  'tool-datadog-setup-config': 'datadog-setup',
};

const NAMES: Record<Tool, string> = {
  'php-ri-ddappsec': 'php --ri ddappsec',
  'php-ri-ddtrace': 'php --ri ddtrace',
  'ddtrace-info': 'ddtrace-run --info',
  'dd-dotnet': 'dd-dotnet check',
  'datadog-setup': 'datadog-setup.php config list',
};

const ANSI = /\u001b\[[0-9;]{0,12}m/g;
const MAX_FACTS = 40;
const init = (): ToolState => ({ tools: {}, sawAsmLine: false, setupRecords: 0 });

function note(st: ToolState, tool: Tool, line: number, fact?: string) {
  const t = (st.tools[tool] ??= { line, facts: [] });
  if (fact && t.facts.length < MAX_FACTS && !t.facts.includes(fact)) t.facts.push(fact);
}

export const toolsRule: LogRule = {
  id: 'tools',
  get literals() {
    return [...new Set([...messagesFor(key, pred).map((c) => c.m.literal), 'Application Security enabled: ', 'State managed by remote config => '])];
  },
  line(ctx) {
    const st = stateOf(ctx, key, init);
    if (ctx.text.includes('Application Security enabled: ')) st.sawAsmLine = true;
    const rc = /^State managed by remote config => (Yes|No)/.exec(ctx.text);
    if (rc) note(st, 'php-ri-ddappsec', ctx.lineNo, `state managed by Remote Configuration: ${rc[1]}`);
    const hit = matchMessage(ctx, messagesFor(key, pred));
    if (!hit) return;
    const r = lineRange(ctx, hit.start, hit.end);
    const g = hit.groups;
    const tool = TOOL_OF[hit.m.id];
    if (tool) {
      if (tool === 'php-ri-ddappsec' || tool === 'php-ri-ddtrace' || tool === 'datadog-setup') ctx.summary.tracer ??= 'php';
      if (tool === 'ddtrace-info') ctx.summary.tracer ??= 'python';
      if (tool === 'dd-dotnet') ctx.summary.tracer ??= 'dotnet';
      if (tool === 'datadog-setup') {
        st.setupRecords++;
        if (g.key?.startsWith('datadog.appsec.') || g.key === 'datadog.trace.enabled' || g.key === 'datadog.remote_config_enabled') {
          note(st, tool, ctx.lineNo, `${g.key} = ${g.state || '(empty)'} for ${g.path} in ${clip(g.detail ?? '', 200)}`);
        } else note(st, tool, ctx.lineNo);
      } else note(st, tool, ctx.lineNo);
      return;
    }
    switch (hit.m.finding) {
      case 'tool-check-failed': {
        // A [FAILURE] that another rule already reads (tracing off, Agent unreachable) is that finding, not a second one.
        if (messagesFor('tools-others', others).some((c) => c.m.id !== hit.m.id && ctx.text.includes(c.m.literal) && c.re.test(ctx.text))) return;
        const what = g.detail ? clip(g.detail.replace(ANSI, ''), 300) : '';
        emit(ctx, 'tool-check-failed', r, {
          detail: `${hit.m.meaning}${what ? ` "${what}"` : ''}`,
          data: { message: hit.m.id, ...(what ? { check: what } : {}) },
        });
        return;
      }
      case 'remote-config-disabled':
        emit(ctx, 'remote-config-disabled', r, { detail: hit.m.meaning, data: { message: hit.m.id, side: 'tracer', tracer: ctx.summary.tracer } });
        return;
      case 'php-helper-connection-failed':
        // In the CLI no request runs, so no helper connection is expected: a warning, not an error.
        emit(ctx, 'php-helper-connection-failed', r, { detail: hit.m.meaning, severity: 'warning', data: { message: hit.m.id, tool: 'php --ri ddappsec' } });
        return;
    }
  },
  finish(ctx) {
    const st = ctx.state.get(key) as ToolState | undefined;
    if (!st) return;
    for (const [tool, t] of Object.entries(st.tools) as [Tool, { line: number; facts: string[] }][]) {
      const facts = [...t.facts];
      if (tool === 'ddtrace-info' && !st.sawAsmLine)
        facts.push(
          'it prints no "Application Security enabled" line, so this ddtrace is older than 1.13.0 (which added the ASM lines): upgrade it, then check again',
        );
      if (tool === 'dd-dotnet')
        facts.push(
          "dd-dotnet checks no AppSec setting: check DD_APPSEC_ENABLED=true in the same process environment, and appsec_enabled in the tracer's startup log",
        );
      if (tool === 'php-ri-ddappsec')
        facts.push('run it with the PHP binary and ini files of the web server (php-fpm -i, or a phpinfo() page), since the CLI may load other ini files');
      if (tool === 'datadog-setup' && !facts.some((f) => f.startsWith('datadog.appsec.enabled')))
        facts.push('no ini file sets datadog.appsec.enabled: ASM follows DD_APPSEC_ENABLED and Remote Configuration');
      emit(ctx, 'tool-output', range(t.line, 0, 0), {
        detail: `${NAMES[tool]} output${facts.length ? `: ${facts.join('; ')}` : ''}`,
        data: { tool, facts },
      });
    }
  },
};
