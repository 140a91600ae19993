export class UsageError extends Error {}

export interface CliIO {
  out(s: string): void;
  err(s: string): void;
}
