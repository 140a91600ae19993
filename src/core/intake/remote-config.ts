// Remote Configuration, proven locally (issue 15 §2): the intake can answer the tracer's `POST /v0.7/config` poll
// with one ASM_FEATURES config `{"asm":{"enabled":true}}` — what Datadog's 1-click activation sends — so a service
// started without DD_APPSEC_ENABLED shows whether activation reaches it, with no account. The answer has the shape
// the Agent gives tracers (dd-trace npm 5.132.0 packages/dd-trace/src/remote_config/index.js parseConfig:
// client_configs, base64 `targets` {signed:{targets:{<path>:{custom:{v},hashes:{sha256},length}},version,custom}},
// target_files [{path, raw}]); the tracer reports in its next poll whether it applied it (config_states
// apply_state 2 acknowledged, 3 error) and whether it can be activated remotely at all (capability ASM_ACTIVATION,
// bit 1, set only when DD_APPSEC_ENABLED is unset). Nothing is signed: a real tracer that verified TUF signatures
// would refuse it (dd-trace-js does not verify: "TODO: verify signatures").
import { createHash } from 'node:crypto';

export const RC_PATH = 'datadog/2/ASM_FEATURES/asm-troubleshooter-local/config';
export const ASM_ACTIVATION_BIT = 1n << 1n;

export interface RcClient {
  id: string;
  service: string | null;
  language: string | null;
  tracerVersion: string | null;
  products: string[];
  /** The tracer announces ASM_ACTIVATION: it can be turned on remotely (DD_APPSEC_ENABLED is unset). */
  asmActivation: boolean;
  /** apply_state of the local ASM_FEATURES config in the tracer's last poll (2 applied, 3 error), or null. */
  applyState: number | null;
  applyError: string | null;
  polls: number;
}

const str = (v: unknown): string | null => (typeof v === 'string' && v ? v.slice(0, 200) : null);

function capabilityBits(b64: unknown): bigint {
  if (typeof b64 !== 'string' || b64.length > 100) return 0n;
  const hex = Buffer.from(b64, 'base64').toString('hex');
  return hex ? BigInt(`0x${hex}`) : 0n;
}

/** The Remote Configuration answer and what the poll said about its client. */
export class LocalRemoteConfig {
  private readonly clients = new Map<string, RcClient>();
  private readonly raw: Buffer;
  private readonly targets: string;

  constructor(readonly config: { asm: { enabled: boolean } } = { asm: { enabled: true } }) {
    this.raw = Buffer.from(JSON.stringify(config));
    const sha256 = createHash('sha256').update(this.raw).digest('hex');
    const signed = {
      _type: 'targets',
      custom: { opaque_backend_state: Buffer.from('asm-troubleshooter-local').toString('base64') },
      expires: '2100-01-01T00:00:00Z',
      spec_version: '1.0.0',
      targets: { [RC_PATH]: { custom: { v: 1 }, hashes: { sha256 }, length: this.raw.length } },
      version: 1,
    };
    this.targets = Buffer.from(JSON.stringify({ signed, signatures: [] })).toString('base64');
  }

  /** Answers one poll body (JSON, already bounded by the intake); '{}' to a client that does not ask for ASM_FEATURES. */
  answer(body: string): { status: number; body: string } {
    let req: Record<string, unknown>;
    try {
      req = JSON.parse(body) as Record<string, unknown>;
    } catch {
      return { status: 400, body: JSON.stringify({ error: 'not JSON' }) };
    }
    const c = (req?.client ?? {}) as Record<string, unknown>;
    const id = str(c.id) ?? 'unknown';
    const products = Array.isArray(c.products) ? c.products.filter((p): p is string => typeof p === 'string').slice(0, 50) : [];
    const tracer = (c.client_tracer ?? {}) as Record<string, unknown>;
    const states = Array.isArray((c.state as Record<string, unknown> | undefined)?.config_states)
      ? ((c.state as Record<string, unknown>).config_states as Array<Record<string, unknown>>)
      : [];
    const mine = states.find((s) => s?.product === 'ASM_FEATURES' && s?.id === 'asm-troubleshooter-local');
    const known = this.clients.get(id);
    if (!known && this.clients.size >= 100) return { status: 200, body: '{}' };
    this.clients.set(id, {
      id,
      service: str(tracer.service),
      language: str(tracer.language),
      tracerVersion: str(tracer.tracer_version),
      products,
      asmActivation: (capabilityBits(c.capabilities) & ASM_ACTIVATION_BIT) !== 0n,
      applyState: typeof mine?.apply_state === 'number' ? mine.apply_state : (known?.applyState ?? null),
      applyError: str(mine?.apply_error) ?? null,
      polls: (known?.polls ?? 0) + 1,
    });
    if (!products.includes('ASM_FEATURES')) return { status: 200, body: '{}' };
    return {
      status: 200,
      body: JSON.stringify({
        roots: [],
        targets: this.targets,
        target_files: [{ path: RC_PATH, raw: this.raw.toString('base64') }],
        client_configs: [RC_PATH],
      }),
    };
  }

  list(): RcClient[] {
    return [...this.clients.values()].map((c) => ({ ...c, products: [...c.products] }));
  }
}
