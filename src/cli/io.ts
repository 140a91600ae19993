export class UsageError extends Error {}

export interface CliIO {
  out(s: string): void;
  err(s: string): void;
  /** Asks on the terminal and resolves with the answer; absent when stdin is not a terminal (nothing can be asked). */
  ask?(question: string): Promise<string>;
}
