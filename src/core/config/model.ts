// The shared shape of what a configuration file sets: one variable per entry, with the file and 0-based line.
export interface AgentVar {
  name: string;
  value: string;
  file?: string;
  /** 0-based. */
  line?: number;
}

/** Variables grouped by where they apply (a compose service, a Kubernetes container, a launch configuration). */
export interface ContextVars {
  context: string;
  vars: AgentVar[];
}

/** The variables that set the address a tracer sends its traces to. */
export const AGENT_VARS = ['DD_TRACE_AGENT_URL', 'DD_AGENT_HOST', 'DD_TRACE_AGENT_PORT', 'DD_AGENT_PORT', 'DD_TRACE_AGENT_HOSTNAME'] as const;
export const AGENT_VAR_SET: ReadonlySet<string> = new Set<string>(AGENT_VARS);
