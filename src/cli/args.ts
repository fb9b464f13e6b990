/**
 * Argument parsing on node:util's parseArgs, driven by each command's table of options
 * (commands.ts), which also writes the command's --help. Repeated options collect into arrays;
 * an option meant once is refused when given twice rather than silently keeping the last.
 */
import { parseArgs as nodeParseArgs } from 'node:util';

export class UsageError extends Error {
  /** The command whose --help to point at, e.g. "migrate" or "azure migrate". */
  constructor(message: string, readonly command?: string) {
    super(message);
  }
}

export interface OptionDef {
  name: string;
  /** A flag takes no value. */
  flag?: boolean;
  /** What the value looks like in the help, e.g. "<url>". */
  value?: string;
  /** May be given more than once (values collect in order). */
  multiple?: boolean;
  required?: boolean;
  /** Allowed values, shown in the help. */
  choices?: readonly string[];
  /** The default, as the help shows it. */
  default?: string;
  help: string;
}

export interface CommandDef {
  /** As typed after `pgflex`, e.g. "migrate" or "azure migrate". */
  name: string;
  summary: string;
  options: readonly OptionDef[];
  /** Lines after the options: environment, exit codes, examples. */
  notes?: readonly string[];
}

export interface ParsedArgs {
  positionals: string[];
  options: Map<string, string[]>;
  flags: Set<string>;
}

export const isHelp = (argv: readonly string[]): boolean => argv.includes('--help') || argv.includes('-h');

/** Parse `argv` against a command's table; anything not in it is a usage error naming --help. */
export function parseCommand(argv: readonly string[], def: CommandDef): ParsedArgs {
  const byName = new Map(def.options.map((o) => [o.name, o]));
  const options: Record<string, { type: 'string' | 'boolean'; multiple?: boolean }> = {};
  // Every value option collects: node's parser would otherwise keep only the last of a repeat.
  for (const o of def.options) options[o.name] = o.flag ? { type: 'boolean' } : { type: 'string', multiple: true };
  let parsed;
  try {
    parsed = nodeParseArgs({ args: joinDashValues(argv, byName), options, strict: true, allowPositionals: false });
  } catch (e) {
    throw new UsageError(explainParseError(e, byName), def.name);
  }
  const out: ParsedArgs = { positionals: parsed.positionals, options: new Map(), flags: new Set() };
  for (const [k, v] of Object.entries(parsed.values)) {
    if (v === true) out.flags.add(k);
    else if (Array.isArray(v)) out.options.set(k, v as string[]);
  }
  for (const o of def.options) {
    const v = out.options.get(o.name);
    if (!o.flag && !o.multiple && v && v.length > 1) throw new UsageError(`--${o.name} is given ${v.length} times; give it once.`, def.name);
    if (o.required && !v) throw new UsageError(`--${o.name} is required.`, def.name);
    if (o.choices && v) for (const x of v) if (!o.choices.includes(x)) throw new UsageError(`--${o.name} must be one of ${o.choices.join(', ')} (got "${x}").`, def.name);
  }
  return out;
}

/**
 * `--name -x1`: node's parser refuses a value that starts with a dash as ambiguous; the old
 * parser took it, and the checks after parsing say what is wrong with it (a name starting with
 * a hyphen) better. A following token that is itself one of the command's options stays one.
 */
function joinDashValues(argv: readonly string[], byName: Map<string, OptionDef>): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const o = a.startsWith('--') && !a.includes('=') ? byName.get(a.slice(2)) : undefined;
    const next = argv[i + 1];
    if (o && !o.flag && next !== undefined && next.startsWith('-') && next !== '-' && !isOption(next, byName)) {
      out.push(`${a}=${next}`);
      i++;
    } else {
      out.push(a);
    }
  }
  return out;
}

function isOption(token: string, byName: Map<string, OptionDef>): boolean {
  if (token === '-h' || token === '--help' || token === '--') return true;
  return token.startsWith('--') && byName.has(token.slice(2).split('=')[0]);
}

function explainParseError(e: unknown, byName: Map<string, OptionDef>): string {
  const err = e as { code?: string; message?: string };
  const quoted = /'(-[^' ]*)/.exec(err.message ?? '')?.[1] ?? '';
  switch (err.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `Unknown option ${quoted}.`;
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return `Unexpected argument "${/'([^']*)'/.exec(err.message ?? '')?.[1] ?? ''}".`;
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE': {
      const name = quoted.replace(/^--/, '');
      return byName.get(name)?.flag ? `--${name} takes no value.` : `--${name} needs a value.`;
    }
    default:
      return err.message ?? String(e);
  }
}

export function one(args: ParsedArgs, key: string): string | undefined {
  return args.options.get(key)?.[0];
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

export function seconds(args: ParsedArgs, key: string, dflt: number): number {
  const v = one(args, key);
  const n = Number(v ?? dflt);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`--${key} must be a positive number of seconds (got "${v}").`);
  return n;
}

/** A command's --help: its usage line, then each option with its values, default and meaning. */
export function commandHelp(def: CommandDef): string {
  const req = def.options.filter((o) => o.required).map((o) => `--${o.name} ${o.value ?? '<value>'}${o.multiple ? '...' : ''}`);
  const out = [`Usage: pgflex ${def.name}${req.length ? ` ${req.join(' ')}` : ''} [options]`, '', def.summary, '', 'Options:'];
  const left = (o: OptionDef) => `--${o.name}${o.flag ? '' : ` ${o.value ?? o.choices?.join('|') ?? '<value>'}`}`;
  const width = Math.min(30, Math.max(...def.options.map((o) => left(o).length), 10));
  for (const o of def.options) {
    const tags = [o.required ? 'required' : '', o.multiple ? 'repeatable' : '', o.default !== undefined ? `default ${o.default}` : ''].filter(Boolean);
    // Choices too many for the left column (a value placeholder was given) are listed in the text.
    const oneOf = o.value && o.choices ? ` One of: ${o.choices.join(', ')}.` : '';
    const text = wrap(`${o.help}${tags.length ? ` (${tags.join('; ')})` : ''}${oneOf}`, 100 - width - 4);
    const l = left(o);
    const pad = `\n  ${' '.repeat(width)}  `;
    out.push(l.length > width ? `  ${l}${pad}${text.join(pad)}` : `  ${l.padEnd(width)}  ${text.join(pad)}`);
  }
  out.push(`  ${'--help'.padEnd(width)}  This help.`);
  if (def.notes?.length) out.push('', ...def.notes);
  return out.join('\n');
}

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let cur = '';
  for (const w of text.split(' ')) {
    if (cur && cur.length + 1 + w.length > width) {
      lines.push(cur);
      cur = w;
    } else {
      cur = cur ? `${cur} ${w}` : w;
    }
  }
  if (cur) lines.push(cur);
  return lines;
}
