// One entry point for an open document's text, by its kind: what the server and tests call.
import type { Finding, Fix } from './finding';
import { agentArtifactFindings, mayBeAgentArtifact, MAX_ARTIFACT_BYTES, recognizeAgentArtifact, type AgentStatus } from './agent/status';
import { analyzeIni } from './ini/analyze';
import { analyzeLogText, type LogAnalyzerOptions } from './log/analyzer';
import type { LogSummary, Timeline } from './log/types';

export type DocKind = 'log' | 'ini' | 'php-ini';

export interface DocAnalysis {
  kind: DocKind;
  findings: Finding[];
  summary?: LogSummary;
  dropped?: Record<string, number>;
  /** Logs: tracer starts and the findings' times (the evidence model's input). */
  timeline?: Timeline;
  /** Whole-file source actions offered whatever the findings (ini: "Enable AppSec debug logging"). */
  sourceFixes?: Fix[];
  /** `datadog-agent status` output: what it says, for the steps (core/agent/status agentStatusCheckEvidence). */
  agentStatus?: AgentStatus;
}

/**
 * `ini`: a dedicated AppSec ini file (every entry checked); `php-ini`: any other ini file, where only the
 * ddappsec.* / datadog.appsec.* lines are checked.
 */
/**
 * An opened or pasted Agent /info answer or `datadog-agent status` output: the Agent's findings (core/agent/status),
 * or null when the text is not one. The editor and `check` both ask this first, so they read such a file alike.
 */
export function agentArtifactAnalysis(text: string): DocAnalysis | null {
  if (text.length > MAX_ARTIFACT_BYTES || !mayBeAgentArtifact(text.slice(0, 8192))) return null;
  const artifact = recognizeAgentArtifact(text);
  return artifact
    ? { kind: 'log', findings: agentArtifactFindings(artifact, text), ...(artifact.kind === 'status' ? { agentStatus: artifact.status } : {}) }
    : null;
}

export function analyzeText(kind: DocKind, text: string, opts: { path?: string; log?: LogAnalyzerOptions } = {}): DocAnalysis {
  if (kind === 'log') {
    const agent = agentArtifactAnalysis(text);
    if (agent) return agent;
    const r = analyzeLogText(text, opts.log);
    return { kind, findings: r.findings, summary: r.summary, dropped: r.dropped, timeline: r.timeline };
  }
  const r = analyzeIni(text, { dedicated: kind === 'ini', ...(opts.path ? { path: opts.path } : {}) });
  return {
    kind,
    findings: r.findings,
    ...(r.sourceFixes.length ? { sourceFixes: r.sourceFixes } : {}),
    ...(Object.keys(r.dropped).length ? { dropped: r.dropped } : {}),
  };
}
