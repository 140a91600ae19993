// What the agent check may use and send, by Workspace Trust. The check sends a GET to the agent address; in an
// untrusted workspace that address must not come from the repository's files (.env, launch.json, compose,
// Kubernetes, Dockerfile, datadog.yaml): a cloned repo could otherwise make VS Code request any host. Only the
// process environment, the user's setting (restricted in package.json) and the default count then.
// Credentials (`user:pass@`) are sent only when the user's own setting or environment gives them (the tracers send
// them too); from a workspace file they are stripped, so the repository's URL never carries a login over the wire.
import type { AddressSourceKind, ResolveOptions } from './address';

export interface AgentCheckScopeInput {
  trusted: boolean;
  workspaceFolder: string | null;
  /** The asmTroubleshooter.agent.url value the client read (already filtered by trust). */
  agentUrl?: string;
}

export interface AgentCheckScope {
  options: Pick<ResolveOptions, 'workspaceDir' | 'explicitUrl'>;
  /** Said in the output when workspace files were left out. */
  note?: string;
}

export function agentCheckScope(p: AgentCheckScopeInput): AgentCheckScope {
  const explicitUrl = p.agentUrl?.trim() || undefined;
  if (!p.trusted) {
    return {
      options: explicitUrl ? { explicitUrl } : {},
      ...(p.workspaceFolder
        ? {
            note: 'this workspace is not trusted: the agent address comes only from the environment, your user setting or the default (the workspace files are not used for a request)',
          }
        : {}),
    };
  }
  return { options: { ...(p.workspaceFolder ? { workspaceDir: p.workspaceFolder } : {}), ...(explicitUrl ? { explicitUrl } : {}) } };
}

/** Sources the user controls: their credentials may be sent. */
const USER_SOURCES: readonly AddressSourceKind[] = ['setting', 'environment', 'default'];

/** The URL to request: without `user:pass@` unless the address comes from the user's setting or environment. */
export function urlToCheck(url: string, kind: AddressSourceKind): { url: string; strippedCredentials: boolean } {
  if (USER_SOURCES.includes(kind)) return { url, strippedCredentials: false };
  let u: URL;
  try {
    // As agentTarget reads it: without a scheme it is http (`user:pass@host:8126` too).
    const s = url.trim();
    u = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(s) ? s : `http://${s}`);
  } catch {
    return { url, strippedCredentials: false }; // not a URL: the check explains it (bad-url), nothing is sent
  }
  if (!u.username && !u.password) return { url, strippedCredentials: false };
  u.username = '';
  u.password = '';
  return { url: u.href, strippedCredentials: true };
}
