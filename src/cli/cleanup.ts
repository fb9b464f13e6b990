/**
 * `pgflex cleanup`: list pgflex's replication objects (slots with the WAL they hold,
 * publications, subscriptions, heartbeat rows) on a source and optionally a target, and remove
 * them once the user has confirmed each by name: a y/N prompt on a terminal, --yes without
 * one. A slot nobody consumes keeps WAL on the source until its disk fills.
 */
import { createInterface } from 'node:readline/promises';
import { DEFAULT_WARN_BYTES, describeLeftover, heavySlots } from '../core/leftovers';
import { formatBytes } from '../core/format';
import { ConnInfoError, parseConnUrl, type ConnInfo } from '../pg/connection';
import { findLeftovers, removeLeftovers } from '../direct/online/leftovers';
import { one, parseCommand, required, UsageError } from './args';
import { CLEANUP } from './commands';
import { EXIT } from './exitCodes';

function conn(url: string, role: 'source' | 'target'): ConnInfo {
  const env = role === 'source' ? process.env.PGFLEX_SOURCE_PASSWORD : process.env.PGFLEX_TARGET_PASSWORD;
  try {
    return parseConnUrl(url, env || undefined, role);
  } catch (e) {
    if (e instanceof ConnInfoError) throw new UsageError(`--${role}: ${e.message}`);
    throw e;
  }
}

async function confirm(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question(question)).trim());
  } finally {
    rl.close();
  }
}

export async function runCleanup(argv: string[]): Promise<number> {
  const a = parseCommand(argv, CLEANUP);
  if (a.positionals.length) throw new UsageError(`Unexpected argument "${a.positionals[0]}".`);
  const source = conn(required(a, 'source'), 'source');
  const targetUrl = one(a, 'target');
  const target = targetUrl ? conn(targetUrl, 'target') : undefined;
  const servers = { source, target };
  const where = `${source.host}:${source.port}${target ? ` and ${target.host}:${target.port}` : ''}`;
  const found = await findLeftovers(servers);
  const json = a.flags.has('json');
  if (found.length === 0) {
    process.stderr.write(`No pgflex replication objects on ${where}.\n`);
    if (json) process.stdout.write(`${JSON.stringify({ found: [], removed: [] })}\n`);
    return EXIT.succeeded;
  }
  process.stderr.write(`pgflex replication objects on ${where}:\n${found.map((l) => `  ${describeLeftover(l)}`).join('\n')}\n`);
  for (const l of heavySlots(found)) process.stderr.write(`Warning: ${l.name} holds ${formatBytes(l.retainedWalBytes)} of WAL on the source (more than ${formatBytes(DEFAULT_WARN_BYTES)}); the source keeps it until the slot goes.\n`);
  const inUse = found.filter((l) => l.active);
  if (inUse.length) process.stderr.write(`In use now (a migration streams through them; removing them ends it): ${inUse.map((l) => l.name).join(', ')}\n`);
  if (a.flags.has('dry-run')) {
    if (json) process.stdout.write(`${JSON.stringify({ found, removed: [] })}\n`);
    return EXIT.succeeded;
  }
  if (!a.flags.has('yes')) {
    if (!process.stdin.isTTY) {
      process.stderr.write('pgflex: nothing removed. Without a terminal to confirm on, pass --yes to remove the objects listed above (or --dry-run to only list them).\n');
      return EXIT.usage;
    }
    if (!(await confirm(`Remove these ${found.length} objects? [y/N] `))) {
      process.stderr.write('Nothing removed.\n');
      return EXIT.succeeded;
    }
  }
  const { removed, problems } = await removeLeftovers(servers, found);
  for (const l of removed) process.stderr.write(`Removed ${describeLeftover(l)}.\n`);
  for (const p of problems) process.stderr.write(`pgflex: ${p}\n`);
  if (json) process.stdout.write(`${JSON.stringify({ found, removed, problems })}\n`);
  return problems.length ? EXIT.failed : EXIT.succeeded;
}
