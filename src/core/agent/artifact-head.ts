// Whether a file's head may be a saved Agent /info answer or `datadog-agent status` output: apart from status.ts so
// that `check` of a log decides without loading the Agent client (HTTP, the local intake) that status.ts needs.

/** Largest artifact read whole (a full `datadog-agent status` is some 100 KB). */
export const MAX_ARTIFACT_BYTES = 4 * 1024 * 1024;

/**
 * From the first KB of a file: could it be an /info answer or `datadog-agent status` output? (JSON object, or a
 * status header: "Agent (vX)", "APM Agent" or "Remote Configuration" between rules of '='.) Cheap; linear.
 */
export function mayBeAgentArtifact(head: string): boolean {
  const h = head.trimStart();
  // JSON, but not JSON lines (a tracer's JSON log: one object per line).
  if (h.startsWith('{')) return !/^\{[^\n]*\}[ \t\r]*\n[ \t]*\{/.test(h);
  return /(^|\n)=+\r?\n(Agent \(v[^)\n]{1,40}\)|APM Agent|Remote Configuration)\r?\n=+/.test(head);
}
