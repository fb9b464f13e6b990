/**
 * What logical replication cannot carry, copied again at cutover, once the source's writes
 * have stopped: unlogged tables (PostgreSQL writes no WAL for them, so they are never
 * published) and large objects (pg_largeobject is a catalog, never published either). Their
 * size adds to the cutover time; the cutover reports it as a step of its own.
 */
import type pg from 'pg';
import { copyChunk, PipePool } from '../copyTable';
import { changedLargeObjects, copyLargeObjects } from '../largeObjects';
import { Sessions } from '../sessions';
import { listTables } from '../tables';
import { HEARTBEAT_SCHEMA } from './names';
import { monitorApp, sourceConn, targetConn, type OnlineDb } from './replicationObjects';

export interface ResyncResult {
  tables: number;
  largeObjects: number;
  /** What could not be copied again (named, with the reason); the cutover still goes on. */
  warnings: string[];
  /** Unlogged tables not copied again (their row counts are not compared). */
  failed: string[];
}

/** Copy the unlogged tables and large objects again; `source` and `target` are open on `db`. */
export async function resyncUnreplicated(db: OnlineDb, source: pg.Client, target: pg.Client): Promise<ResyncResult> {
  const out: ResyncResult = { tables: 0, largeObjects: 0, warnings: [], failed: [] };
  const unlogged = await source.query(
    `SELECT c.oid::int AS oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind = 'r' AND c.relpersistence = 'u' AND n.nspname <> $1`,
    [HEARTBEAT_SCHEMA],
  );
  if (unlogged.rowCount) {
    const oids = new Set(unlogged.rows.map((r) => r.oid as number));
    const major = Math.floor(Number((await source.query('SHOW server_version_num')).rows[0].server_version_num) / 10000);
    // The initial copy's pipes (a pair that fails midway is dropped, never reused); no snapshot: the writes have stopped.
    const sessions = new Sessions(monitorApp(db));
    const pipes = new PipePool(sessions, sourceConn(db), targetConn(db), undefined);
    try {
      for (const t of (await listTables(source, major, [HEARTBEAT_SCHEMA])).filter((x) => oids.has(x.oid))) {
        try {
          await pipes.use((p) => copyChunk(p, t, { index: 0, of: 1 }, { truncateAndFreeze: true }));
          out.tables += 1;
        } catch (e) {
          out.failed.push(t.name);
          out.warnings.push(`The unlogged table ${t.name} could not be copied again at cutover (${e instanceof Error ? e.message : String(e)}); it holds the rows of the initial copy: copy it yourself after the cutover if its rows matter.`);
        }
      }
    } finally {
      await pipes.closeAll();
    }
  }
  // Large objects: the target's set becomes the source's (removed ones unlinked, new or changed ones copied).
  const kept = (await source.query("SELECT coalesce(array_agg(oid), '{}') AS oids FROM pg_largeobject_metadata")).rows[0].oids as number[];
  await target.query('SELECT count(lo_unlink(oid)) FROM pg_largeobject_metadata WHERE oid <> ALL($1::oid[])', [kept]);
  const changed = await changedLargeObjects(source, target);
  if (changed.size) out.largeObjects = await copyLargeObjects(source, target, { only: changed });
  return out;
}
