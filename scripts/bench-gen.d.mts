// Types of bench-gen.mjs, for the tests that reuse its generator.
export function prng(seed: number): () => number;
export function generateLog(file: string, bytes: number, opts?: { seed?: number; signalRate?: number; eol?: string }): Promise<{ lines: number; bytes: number }>;
export function sampleLines(seed: number, count: number): string[];
