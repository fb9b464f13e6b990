/**
 * The online side of a direct migration (see ../modeStrategy.ts): the snapshot comes from the
 * replication slot instead of pg_export_snapshot, the stream starts once the copy and the
 * indexes are done, and a migration that fails or is canceled before the cutover loses its
 * replication objects on both servers.
 */
import type { DatabaseMigrationState } from '../../core/model';
import type { ConnInfo } from '../../pg/connection';
import type { ModeRun, ModeStrategy } from '../modeStrategy';
import type { Sessions } from '../sessions';
import { openInSnapshot, type ExportedSnapshot } from '../snapshot';
import { nameOf, prepareSource, removeReplication, sourceConn, startSubscription, type OnlineDb } from './replicationObjects';

export function onlineMode({ spec, sessions, source, target }: ModeRun): ModeStrategy {
  const dbOf = (db: string) => ({ ...onlineDb(spec.name, db, source, target, spec.allowWeakerReplicationTls), replicateDdl: spec.replicateDdl });
  return {
    endState: 'WaitingForUserAction',
    prepare: resetForOnline,
    snapshot: (db) => onlineSnapshot(sessions, dbOf(db)),
    async finishDatabase({ db, details, snapshot, sourceMajor }) {
      await snapshot.release();
      await startOnlineStream(dbOf(db), sourceMajor, details);
    },
    async stopped(error) {
      const left = await removeOnlineObjects(spec.databases.map(dbOf));
      return left.length ? `${error ?? 'Canceled.'} Some replication objects could not be removed (run "pgflex cancel" again once the servers are reachable): ${left.join(' ')}` : error;
    },
  };
}

function onlineDb(migration: string, database: string, source: ConnInfo, target: ConnInfo, allowWeakerTls?: boolean): OnlineDb {
  return { migration, database, source, target, ...(allowWeakerTls ? { allowWeakerTls } : {}) };
}

/**
 * Heartbeat, publication, then the slot; the snapshot it exported is what pg_dump and the COPY
 * workers read. `holder` is an ordinary session inside that snapshot (the replication
 * connection itself must stay idle, or the snapshot ends); release() ends both.
 */
async function onlineSnapshot(sessions: Sessions, db: OnlineDb): Promise<ExportedSnapshot & { sourceMajor: number }> {
  const prepared = await prepareSource(db);
  let holder;
  try {
    holder = await openInSnapshot(sessions, sourceConn(db), prepared.slot.snapshotName);
  } catch (e) {
    await prepared.slot.release();
    throw e;
  }
  let released = false;
  return {
    id: prepared.slot.snapshotName,
    holder,
    sourceMajor: prepared.sourceMajor,
    release: async () => {
      if (released) return;
      released = true;
      await holder.query('COMMIT').catch(() => undefined);
      await sessions.close(holder);
      await prepared.slot.release();
    },
  };
}

/** After the copy, the indexes and the verification: stream from the slot; wait for cutover. */
async function startOnlineStream(db: OnlineDb, sourceMajor: number, d: DatabaseMigrationState): Promise<void> {
  const { weaker } = await startSubscription(db, sourceMajor);
  if (weaker) d.warnings = [...(d.warnings ?? []), weaker];
  d.migrationState = 'WaitingForCutoverTrigger';
  d.migrationOperation = undefined;
  d.latency = undefined;
  d.cdcInsertCounter = 0;
  d.cdcUpdateCounter = 0;
  d.cdcDeleteCounter = 0;
  d.appliedChanges = 0;
  d.incomingChanges = 0;
  d.message = `Streaming changes from the source through replication slot ${nameOf(db)}; cut over when the source's writes have stopped.`;
}

/**
 * A migration that ends before its cutover (failed, canceled) removes its replication objects:
 * a slot left behind would keep WAL on the source forever. Returns what could not be removed.
 */
async function removeOnlineObjects(dbs: OnlineDb[]): Promise<string[]> {
  const reports = await Promise.all(dbs.map((db) => removeReplication(db)));
  return reports.flatMap((r) => r.problems);
}

/**
 * A re-run of an online migration starts over: tables copied from an older snapshot would miss
 * the changes between it and the new slot's snapshot (the target database is made again, so
 * the re-run needs overwrite when it exists).
 */
function resetForOnline(resume: { created?: boolean; preData?: boolean; postDataDone?: string[] }, d: DatabaseMigrationState): void {
  resume.created = false;
  resume.preData = false;
  resume.postDataDone = [];
  d.tables = [];
}
