import type { DatabaseMigrationState, LatencyCause } from './model';

/** The causes worth a user's attention first: what stops the stream before what slows it. */
export function rankedCauses(d: Pick<DatabaseMigrationState, 'latencyCauses'> | undefined): LatencyCause[] {
  return [...(d?.latencyCauses ?? [])].sort((a, b) => (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1));
}

/** One cause as one line of plain text: what is wrong, then what to do. */
export function causeLine(c: LatencyCause): string {
  return `${c.severity === 'error' ? 'Stopped' : 'Slowed'} (${c.side}): ${c.summary} ${c.action}`;
}
