/**
 * The CLI's part of an online migration once its copy is done: keep watching (latency on
 * stderr) and cut over by itself (`--cutover auto`) or when asked from elsewhere
 * (`--cutover wait`, the default). Ctrl-C while waiting leaves the migration streaming on
 * the servers and says how to pick it up again.
 */
import type { Migration } from '../core/model';
import type { Secrets } from '../core/provider';
import { formatLatency } from '../core/format';
import { watchOnline, type CutoverMode } from '../direct/online/control';
import type { RecordStore } from '../direct/store';

export interface FollowOptions {
  store: RecordStore;
  targetKey: string;
  name: string;
  secrets: Secrets;
  cutover: CutoverMode;
  /** The target URL without its password, for the resume hint. */
  targetUrl: string;
  onChange(m: Migration): void;
  note(text: string): void;
}

export async function followOnline(o: FollowOptions): Promise<Migration> {
  const stop = new AbortController();
  const onSigint = () => stop.abort();
  process.once('SIGINT', onSigint);
  process.once('SIGTERM', onSigint);
  o.note(o.cutover === 'auto'
    ? 'Waiting for cutover: it starts by itself once every database has stayed caught up (latency 0) for 3 s. Stop writing to the source first.'
    : `Waiting for cutover. Stop writing to the source, then run: pgflex cutover --target '${o.targetUrl}' --name ${o.name}  (Ctrl-C leaves it streaming)`);
  try {
    const end = await watchOnline(
      { store: o.store, targetKey: o.targetKey, name: o.name, secrets: o.secrets },
      { cutover: o.cutover, signal: stop.signal, onChange: o.onChange },
    );
    if (end === 'Detached') {
      o.note(`Left running: the target keeps applying the source's changes through logical replication. Later: pgflex status|cutover|cancel --target '${o.targetUrl}' --name ${o.name} (with PGFLEX_SOURCE_PASSWORD and PGFLEX_TARGET_PASSWORD set).`);
    }
  } finally {
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigint);
  }
  return o.store.load(o.targetKey, o.name)!.migration;
}

export function latencyLine(m: Migration): string {
  return Object.values(m.currentStatus?.currentSubStateDetails?.dbDetails ?? {})
    .map((d) => `${d.databaseName}: ${d.migrationState}${d.latency !== undefined ? `, latency ${formatLatency(d.latency)}` : ''}${d.cutoverSeconds !== undefined ? `, cut over in ${d.cutoverSeconds} s` : ''}`)
    .join('\n');
}
