export class UsageError extends Error {}

export interface CliIO {
  out(s: string): void;
  err(s: string): void;
  /** Asks on the terminal and resolves with the answer; absent when stdin is not a terminal (nothing can be asked). */
  ask?(question: string): Promise<string>;
}

/** What a command accepts. Every option is spelled `--name`; valued and list options take `--name value` or `--name=value`. */
export interface ArgSpec {
  /** Options without a value (`--json`). */
  flags?: readonly string[];
  /** Options with one value; the last one given wins. */
  valued?: readonly string[];
  /** Options followed by one or more values, up to the next `--option` (`--logs a.log b/*.log`); repeats add up. */
  lists?: readonly string[];
  /** Plain arguments (files) are allowed; after `--` every argument is one, even if it starts with `-`. */
  positionals?: boolean;
}

export interface ParsedArgs {
  /** Flags (as 'true') and valued options, by name. */
  options: Map<string, string>;
  lists: Map<string, string[]>;
  positionals: string[];
}

/**
 * The one argument parser of the CLI. A value may not start with `--` when given as the next argument (so
 * `--url --json` is a missing URL, not the URL "--json"); `--name=--x` says it explicitly.
 */
export function parseArgs(cmd: string, args: readonly string[], spec: ArgSpec): ParsedArgs {
  const out: ParsedArgs = { options: new Map(), lists: new Map(), positionals: [] };
  const flags = spec.flags ?? [];
  const valued = spec.valued ?? [];
  const lists = spec.lists ?? [];
  let rest = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (rest || (!a.startsWith('-') && spec.positionals)) {
      out.positionals.push(a);
      continue;
    }
    if (a === '--' && spec.positionals) {
      rest = true;
      continue;
    }
    const eq = a.startsWith('--') ? a.indexOf('=') : -1;
    const name = eq > 0 ? a.slice(0, eq) : a;
    const inline = eq > 0 ? a.slice(eq + 1) : undefined;
    if (flags.includes(name)) {
      if (inline !== undefined) throw new UsageError(`${cmd}: ${name} takes no value`);
      out.options.set(name, 'true');
    } else if (valued.includes(name)) {
      const v = inline ?? args[i + 1];
      if (v === undefined || (inline === undefined && v.startsWith('--'))) throw new UsageError(`${cmd}: ${name} needs a value`);
      if (inline === undefined) i++;
      out.options.set(name, v);
    } else if (lists.includes(name)) {
      const values = out.lists.get(name) ?? [];
      if (inline !== undefined) values.push(inline);
      while (inline === undefined && i + 1 < args.length && !args[i + 1]!.startsWith('--')) values.push(args[++i]!);
      if (!values.length || (inline !== undefined && !inline)) throw new UsageError(`${cmd}: ${name} needs at least one value`);
      out.lists.set(name, values);
    } else if (a.startsWith('-')) {
      throw new UsageError(`${cmd}: unknown option ${a}`);
    } else {
      throw new UsageError(`${cmd}: unexpected argument ${a}`);
    }
  }
  return out;
}

/** An integer option within [min, max], or undefined when absent. */
export function intOption(cmd: string, o: Map<string, string>, name: string, min: number, max: number): number | undefined {
  const v = o.get(name);
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v) || Number(v) < min || Number(v) > max) throw new UsageError(`${cmd}: ${name} must be an integer from ${min} to ${max}`);
  return Number(v);
}
