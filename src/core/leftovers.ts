/**
 * How replication objects left on a server are told to the user: one sentence each, the WAL
 * they hold, and the command that removes them. Shared by the CLI, the extension and the
 * details page, so all three say the same.
 */
import { formatBytes } from './format';
import type { ReplicationLeftover } from './model';

/** `pgflex.leftovers.warnBytes`' default: a slot holding more than 1 GB of WAL is worth a warning. */
export const DEFAULT_WARN_BYTES = 1024 ** 3;

const WHAT: Record<ReplicationLeftover['kind'], string> = {
  slot: 'replication slot',
  publication: 'publication',
  subscription: 'subscription',
  heartbeat: 'heartbeat row',
  ddl: 'schema-change event triggers and queue of',
};

/** A sentence per leftover, for the CLI, the tree and the cleanup confirmations. */
export function describeLeftover(l: ReplicationLeftover): string {
  const wal = l.retainedWalBytes !== undefined ? `, holding ${formatBytes(l.retainedWalBytes)} of WAL on the source` : '';
  const status = l.walStatus ? `, wal_status ${l.walStatus}` : '';
  return `${WHAT[l.kind]} ${l.name} in database "${l.database}" on the ${l.server}${wal}${status}${l.active ? ' (in use)' : ''}`;
}

/** Slots holding more WAL than `warnBytes`. */
export function heavySlots(list: readonly ReplicationLeftover[], warnBytes = DEFAULT_WARN_BYTES): ReplicationLeftover[] {
  return list.filter((l) => l.kind === 'slot' && (l.retainedWalBytes ?? 0) > warnBytes);
}

/** The CLI command that lists and removes them (URLs without passwords). */
export function cleanupCommand(sourceUrl: string, targetUrl?: string): string {
  return `pgflex cleanup --source '${sourceUrl}'${targetUrl ? ` --target '${targetUrl}'` : ''}`;
}
