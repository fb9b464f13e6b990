/**
 * Which process runs a migration, and whether it still does. A record names its runner by
 * host, pid and a start token (on Linux: the boot id and the process's start time from
 * /proc/<pid>/stat), so a pid the system has since given to another process is not taken for
 * the runner. A runner on another host cannot be judged from here: it is reported as such.
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';

export interface RunnerStamp {
  pid?: number;
  hostname?: string;
  /** Identifies the process beyond its pid; absent where the system does not tell (not Linux). */
  startToken?: string;
}

/** `alive` and `dead` are judged here; `elsewhere`: another host runs it; `none`: no process does. */
export type RunnerVerdict = 'alive' | 'dead' | 'elsewhere' | 'none';

/** What the judgement needs to know about this machine (injectable for tests). */
export interface Here {
  hostname: string;
  /** The start token of a pid, undefined when the process does not exist or it cannot be read. */
  startToken(pid: number): string | undefined;
  /** Whether a process with that pid exists (for records without a start token). */
  exists(pid: number): boolean;
  /** Whether this machine gives start tokens at all. */
  tokens: boolean;
}

let bootId: string | undefined;

/** Linux: `<boot id>:<start time in clock ticks>`; undefined elsewhere or when the pid is gone. */
export function processStartToken(pid: number): string | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name (field 2) may hold spaces and parentheses: count fields after its last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const start = fields[19];
  if (!start) return undefined;
  try {
    bootId ??= readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  } catch {
    bootId = '';
  }
  return `${bootId}:${start}`;
}

function pidExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export const thisMachine: Here = {
  hostname: os.hostname(),
  startToken: processStartToken,
  exists: pidExists,
  tokens: processStartToken(process.pid) !== undefined,
};

/** The stamp of the current process, written into a record it runs. */
export function currentRunner(): Required<Pick<RunnerStamp, 'pid' | 'hostname'>> & RunnerStamp {
  return { pid: process.pid, hostname: os.hostname(), startToken: processStartToken(process.pid) };
}

export function judgeRunner(stamp: RunnerStamp, here: Here = thisMachine): RunnerVerdict {
  if (!stamp.pid) return 'none';
  if (stamp.hostname && stamp.hostname !== here.hostname) return 'elsewhere';
  // A reused pid has another start token; without tokens the pid is all there is to go by.
  if (stamp.startToken !== undefined && here.tokens) return here.startToken(stamp.pid) === stamp.startToken ? 'alive' : 'dead';
  return here.exists(stamp.pid) ? 'alive' : 'dead';
}
