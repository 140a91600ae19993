// Types of prereqs.mjs, for test/setup/prereqs.test.ts.
export interface RunResult { status: number; stdout: string }
export interface System {
  env: Record<string, string | undefined>;
  exists(p: string): boolean;
  readFile(p: string): string | undefined;
  run(cmd: string, args: string[], opts?: { inherit?: boolean; env?: Record<string, string>; timeoutMs?: number }): RunResult;
  log(m: string): void;
}
export const PACKAGES: Record<string, { bins?: string[]; files?: string[]; env?: string; why: string }>;
export const PURPOSES: Record<string, string[]>;
export function realSystem(env?: Record<string, string | undefined>): System;
export function provided(sys: System, pkg: string): boolean;
export function isDebian(sys: System): boolean;
export function dpkgInstalled(sys: System, pkg: string): boolean;
export function installer(sys: System): 'root' | 'sudo' | null;
export interface EnsureResult {
  missing: string[]; notOnPath: string[]; installer: 'root' | 'sudo' | null; installed: string[]; instruction: string | null; ok: boolean;
}
export function ensurePackages(purposes: string[], sys?: System): EnsureResult;
export function requirePackages(purposes: string[], sys?: System): EnsureResult;
export function requireForHostStage(codeServerInstalled: boolean, sys?: System): EnsureResult;
