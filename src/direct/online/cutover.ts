import type pg from 'pg';
import { qualified } from '../../core/format';
import type { Verification } from '../../core/model';
import { connect } from '../../pg/connection';
import { applyDatabaseSettings, readDatabaseSettings } from '../dbSettings';
import { syncCreatedTables } from './ddlFollower';
import { beat, readHeartbeat } from './heartbeat';
import { resyncUnreplicated } from './resync';
import { monitorApp, nameOf, removeReplication, sourceConn, targetConn, type OnlineDb } from './replicationObjects';

export interface CutoverResult {
  database: string;
  cutoverSeconds: number;
  sequencesSet: number;
  verification: Verification;
  /** Seconds spent draining, setting sequences, copying unlogged tables and large objects again, counting rows and removing objects. */
  steps: { drain: number; sequences: number; resync: number; verify: number; cleanup: number };
  /** Unlogged tables and large objects copied again (replication does not carry them). */
  resynced: { tables: number; largeObjects: number };
  /** What could not be removed (named, with the reason); empty when everything went. */
  problems: string[];
  /** Database settings the target refused (see dbSettings.ts); the cutover still succeeded. */
  warnings: string[];
}

export class CutoverError extends Error {}

/**
 * Cut one database over, once the user has stopped writing to the source: a marker beat is
 * committed on the source after everything the user wrote, and the target has applied all of
 * it once that beat arrives (changes apply in commit order). Then sequences take the source's
 * values, row counts are compared, and the subscription, slot, publication and heartbeat go.
 * A count mismatch stops before anything is removed, so the user can look, retry or cancel.
 */
export async function cutoverDatabase(db: OnlineDb, opts: { timeoutMs?: number; verify?: boolean; onWaiting?: (pendingSeconds: number) => void } = {}): Promise<CutoverResult> {
  const started = Date.now();
  const name = nameOf(db);
  const source = await connect(sourceConn(db, monitorApp(db)));
  let target: pg.Client | undefined;
  try {
    target = await connect(targetConn(db, monitorApp(db)));
    const marker = await beat(source, name);
    const until = Date.now() + (opts.timeoutMs ?? 10 * 60_000);
    for (;;) {
      const applied = await readHeartbeat(target, name, 'target');
      if (applied && applied.seq >= marker.seq) break;
      if (Date.now() > until) {
        const w = await target.query('SELECT pid FROM pg_stat_subscription WHERE subname = $1 AND relid IS NULL', [name]);
        const why = w.rows[0]?.pid ? 'it is still applying the backlog' : "its subscription's apply worker is not running (see the target server's log)";
        throw new CutoverError(`Cutover of "${db.database}" timed out: the target has not applied every change yet, ${why}. Nothing was removed; retry the cutover or cancel the migration.`);
      }
      opts.onWaiting?.((Date.now() - marker.at) / 1000);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    if (db.replicateDdl) {
      // Tables created on the source since the watcher's last refresh join the subscription now.
      const src = source;
      await syncCreatedTables(target, name, async () => void (await beat(src, name)), Math.max(1000, until - Date.now())).catch((e) => {
        throw new CutoverError(`Cutover of "${db.database}" stopped: ${e instanceof Error ? e.message : String(e)}. Nothing was removed; retry the cutover or cancel the migration.`);
      });
    }
    const drained = Date.now();
    const sequencesSet = await syncSequences(source, target);
    const seqDone = Date.now();
    const resync = await resyncUnreplicated(db, source, target);
    const resynced = Date.now();
    // Exact counts read every row on both sides (seconds per million rows); verify 'none' skips them.
    const verification: Verification = opts.verify === false
      ? { mode: 'counts', state: 'Succeeded', tablesChecked: 0, mismatches: [] }
      : await compareRowCounts(source, target, new Set(resync.failed));
    const verified = Date.now();
    if (verification.state === 'Failed') {
      const list = verification.mismatches.map((m) => `${m.table} (source ${m.source}, target ${m.target})`).join(', ');
      throw new CutoverError(`Cutover of "${db.database}" stopped: row counts differ for ${list}. Replication is still running; check for writes to the source, then retry the cutover or cancel.`);
    }
    // The database's settings, now that the migration's own sessions are done writing.
    const settings = await readDatabaseSettings(source);
    const warnings = [...resync.warnings, ...(settings.length ? await applyDatabaseSettings(target, db.database, settings) : [])];
    await source.end().catch(() => undefined);
    await target.end().catch(() => undefined);
    const removal = await removeReplication(db);
    const s = (a: number, b: number) => Math.round(b - a) / 1000;
    const steps = { drain: s(started, drained), sequences: s(drained, seqDone), resync: s(seqDone, resynced), verify: s(resynced, verified), cleanup: s(verified, Date.now()) };
    return { database: db.database, cutoverSeconds: (Date.now() - started) / 1000, sequencesSet, verification, steps, problems: removal.problems, warnings, resynced: { tables: resync.tables, largeObjects: resync.largeObjects } };
  } finally {
    await source.end().catch(() => undefined);
    await target?.end().catch(() => undefined);
  }
}

/** Every sequence on the target takes the source's value (logical replication does not carry them). */
export async function syncSequences(source: pg.Client, target: pg.Client): Promise<number> {
  const r = await source.query(
    `SELECT schemaname, sequencename, last_value, start_value FROM pg_sequences WHERE schemaname <> 'pgflex'`);
  let n = 0;
  for (const row of r.rows as { schemaname: string; sequencename: string; last_value: string | null; start_value: string }[]) {
    const seq = qualified(row.schemaname, row.sequencename);
    const called = row.last_value !== null;
    try {
      await target.query('SELECT setval($1::regclass, $2, $3)', [seq, called ? row.last_value : row.start_value, called]);
      n++;
    } catch (e) {
      throw new CutoverError(`Setting the sequence ${seq} on the target failed: ${e instanceof Error ? e.message : String(e)}.`);
    }
  }
  return n;
}

/**
 * Row counts of every table with data (leaf tables), source against target; unlogged tables
 * too (copied again at cutover), but those in `skip` (not copied again).
 */
export async function compareRowCounts(source: pg.Client, target: pg.Client, skip: Set<string> = new Set()): Promise<Verification> {
  const list = await source.query(
    `SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE c.relkind = 'r' AND c.relpersistence IN ('p', 'u') AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'pgflex') AND n.nspname NOT LIKE 'pg\\_%'
       AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
     ORDER BY 1, 2`);
  const mismatches: Verification['mismatches'] = [];
  const rows = (list.rows as { nspname: string; relname: string }[]).filter((r) => !skip.has(qualified(r.nspname, r.relname)));
  for (const row of rows) {
    const t = qualified(row.nspname, row.relname);
    const sql = `SELECT count(*)::bigint AS n FROM ONLY ${t}`;
    const [s, d] = await Promise.all([source.query(sql), target.query(sql).catch(() => ({ rows: [{ n: 'missing' }] }))]);
    if (String(s.rows[0].n) !== String(d.rows[0].n)) mismatches.push({ table: t, source: String(s.rows[0].n), target: String(d.rows[0].n) });
  }
  return { mode: 'counts', state: mismatches.length ? 'Failed' : 'Succeeded', tablesChecked: rows.length, mismatches };
}
