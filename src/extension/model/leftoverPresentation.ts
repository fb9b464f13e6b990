/** How a replication slot pgflex left looks in the tree. Pure, so it is tested in plain Node. */
import { formatBytes } from '../../core/format';
import { describeLeftover } from '../../core/leftovers';
import type { ReplicationLeftover } from '../../core/model';

/** `1.2 GB of WAL held · inactive · wal_status extended`. */
export function leftoverDescription(l: ReplicationLeftover, heavy: boolean): string {
  return [
    `${formatBytes(l.retainedWalBytes ?? 0)} of WAL held${heavy ? ' (over pgflex.leftovers.warnBytes)' : ''}`,
    l.active ? 'in use' : 'inactive',
    l.walStatus ? `wal_status ${l.walStatus}` : '',
  ].filter(Boolean).join(' · ');
}

export function leftoverTooltip(l: ReplicationLeftover, heavy: boolean): string {
  const lines = [
    `**${md(l.name)}**: ${md(describeLeftover(l))}.`,
    `Retained WAL: ${(l.retainedWalBytes ?? 0).toLocaleString('en-US')} bytes`,
    `Active: ${l.active ? 'yes (a walsender streams from it)' : 'no (nothing consumes it)'}`,
    `wal_status: ${l.walStatus ?? 'not reported (PostgreSQL 12 or older)'}`,
  ];
  const advice = l.active
    ? 'A migration streams through it; it goes when that migration is cut over or canceled.'
    : 'Nothing consumes it, so the source keeps WAL for it until it is removed. Remove it with Clean Up Replication Leftovers… on this connection (or pgflex cleanup).';
  return [lines.join('  \n'), heavy ? `Warning: it holds more WAL than pgflex.leftovers.warnBytes. ${advice}` : advice].join('\n\n');
}

function md(s: string): string {
  return s.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, (c) => `\\${c}`);
}

/** The modal confirmation: a question, and one line per object it removes. */
export function cleanupConfirmation(list: readonly ReplicationLeftover[], where: string): { message: string; detail: string } {
  const inUse = list.filter((l) => l.active);
  return {
    message: `Remove ${list.length === 1 ? 'this pgflex replication object' : `these ${list.length} pgflex replication objects`} from ${where}?`,
    detail: [
      ...list.map((l) => `• ${describeLeftover(l)}`),
      inUse.length ? `\n${inUse.map((l) => l.name).join(', ')} ${inUse.length === 1 ? 'is' : 'are'} in use: a migration streams through ${inUse.length === 1 ? 'it' : 'them'}, and removing ${inUse.length === 1 ? 'it' : 'them'} ends that migration's replication.` : '',
    ].filter(Boolean).join('\n'),
  };
}
