/**
 * Where the CLI gets passwords besides a URL: PGFLEX_SOURCE_PASSWORD / PGFLEX_TARGET_PASSWORD,
 * one line each on stdin (--source-password-stdin, --target-password-stdin; the source's first
 * when both), or a prompt without echo when a terminal is attached. Never argv, never printed.
 */
import { createInterface } from 'node:readline';
import type { ParsedArgs } from './args';
import { UsageError } from './args';

export type Role = 'source' | 'target';

export interface StdinPasswords {
  source?: string;
  target?: string;
}

/** Read the lines the flags ask for, source first; a missing or empty line is a usage error. */
export async function readStdinPasswords(a: ParsedArgs, input: NodeJS.ReadableStream = process.stdin): Promise<StdinPasswords> {
  const roles: Role[] = (['source', 'target'] as const).filter((r) => a.flags.has(`${r}-password-stdin`));
  if (!roles.length) return {};
  const lines = await readLines(input, roles.length);
  const out: StdinPasswords = {};
  roles.forEach((r, i) => {
    const line = lines[i];
    if (!line) throw new UsageError(`--${r}-password-stdin: ${line === undefined ? 'stdin ended before' : 'an empty line instead of'} the ${r} password${roles.length > 1 ? ` (line ${i + 1} of stdin; the source's comes first)` : ''}.`);
    out[r] = line;
  });
  return out;
}

function readLines(input: NodeJS.ReadableStream, n: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const lines: string[] = [];
    const rl = createInterface({ input, terminal: false, crlfDelay: Infinity });
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      rl.close();
      // Nothing else reads stdin: let the process end without waiting for its EOF.
      (input as { unref?: () => void }).unref?.();
      resolve(lines);
    };
    rl.on('line', (l) => {
      lines.push(l);
      if (lines.length >= n) finish();
    });
    rl.on('close', finish);
    rl.on('error', reject);
  });
}

/** From the environment, as before: an empty variable counts as unset. */
export function envPassword(role: Role): string | undefined {
  return (role === 'source' ? process.env.PGFLEX_SOURCE_PASSWORD : process.env.PGFLEX_TARGET_PASSWORD) || undefined;
}

export function canPrompt(): boolean {
  return !!process.stdin.isTTY && !!process.stderr.isTTY;
}

/** Ask on the terminal without echo. Ctrl-C ends the process as a usage interruption would. */
export function promptHidden(question: string): Promise<string> {
  const stdin = process.stdin;
  return new Promise((resolve, reject) => {
    let typed = '';
    process.stderr.write(question);
    stdin.setRawMode(true);
    stdin.resume();
    stdin.setEncoding('utf8');
    const end = (err?: Error) => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write('\n');
      if (err) reject(err);
      else resolve(typed);
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') return end();
        if (ch === '\u0003') return end(new UsageError('Interrupted at the password prompt.'));
        if (ch === '\u007f' || ch === '\b') typed = typed.slice(0, -1);
        else if (ch >= ' ') typed += ch;
      }
    };
    stdin.on('data', onData);
  });
}
