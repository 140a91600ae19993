// Types of the part of codeServer.mjs that test/setup/prereqs.test.ts calls.
import type { System } from '../../../scripts/lib/prereqs.mjs';
export function ensureCodeServer(opts?: { log?: (m: string) => void; sys?: System }): { dir: string; bin: string };
