/**
 * An exported snapshot: the one view of the source that pg_dump and every COPY worker read,
 * so the copy is consistent while the source takes writes. It lives as long as the
 * exporting transaction stays open on `holder`.
 */
import type pg from 'pg';
import type { ConnInfo } from '../pg/connection';
import type { Sessions } from './sessions';

export interface ExportedSnapshot {
  id: string;
  holder: pg.Client;
  release(): Promise<void>;
}

export async function exportSnapshot(sessions: Sessions, source: ConnInfo): Promise<ExportedSnapshot> {
  const holder = await sessions.open(source);
  await holder.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  const r = await holder.query('SELECT pg_export_snapshot() AS id');
  const id = r.rows[0].id as string;
  return {
    id,
    holder,
    release: async () => {
      await holder.query('COMMIT').catch(() => undefined);
      await sessions.close(holder);
    },
  };
}

/** Open a source session that reads the given snapshot (for workers, sequences, verification). */
export async function openInSnapshot(sessions: Sessions, source: ConnInfo, snapshotId: string | undefined): Promise<pg.Client> {
  const c = await sessions.open(source);
  await c.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  if (snapshotId) await c.query(`SET TRANSACTION SNAPSHOT '${snapshotId.replace(/'/g, "''")}'`);
  return c;
}
