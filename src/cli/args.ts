/** A small argv parser: `--flag`, `--key value`, `--key=value`, repeated keys collect into arrays. */

export class UsageError extends Error {}

export interface ParsedArgs {
  positionals: string[];
  options: Map<string, string[]>;
  flags: Set<string>;
}

export function parseArgs(argv: string[], spec: { flags: string[]; options: string[] }): ParsedArgs {
  const out: ParsedArgs = { positionals: [], options: new Map(), flags: new Set() };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) {
      out.positionals.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    const key = eq >= 0 ? a.slice(2, eq) : a.slice(2);
    if (spec.flags.includes(key)) {
      if (eq >= 0) throw new UsageError(`--${key} takes no value.`);
      out.flags.add(key);
      continue;
    }
    if (!spec.options.includes(key)) throw new UsageError(`Unknown option --${key}.`);
    const value = eq >= 0 ? a.slice(eq + 1) : argv[++i];
    if (value === undefined) throw new UsageError(`--${key} needs a value.`);
    out.options.set(key, [...(out.options.get(key) ?? []), value]);
  }
  return out;
}

export function one(args: ParsedArgs, key: string): string | undefined {
  const v = args.options.get(key);
  if (v && v.length > 1) throw new UsageError(`--${key} is given ${v.length} times; give it once.`);
  return v?.[0];
}

export function required(args: ParsedArgs, key: string): string {
  const v = one(args, key);
  if (v === undefined) throw new UsageError(`--${key} is required.`);
  return v;
}

export function oneOf<T extends string>(args: ParsedArgs, key: string, allowed: readonly T[], dflt: T): T {
  const v = one(args, key) ?? dflt;
  if (!allowed.includes(v as T)) throw new UsageError(`--${key} must be one of ${allowed.join(', ')} (got "${v}").`);
  return v as T;
}

export function int(args: ParsedArgs, key: string, dflt: number, min = 1, max = 1024): number {
  const v = one(args, key);
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`--${key} must be a whole number from ${min} to ${max} (got "${v}").`);
  return n;
}
