import type pg from 'pg';
import { HEARTBEAT_SCHEMA } from './names';

/**
 * The heartbeat: one table per source database, `pgflex.heartbeat`, one row per replication
 * name, published with the migrated tables. Its row is updated with the source's clock every
 * few hundred milliseconds while a pgflex process watches the migration; the subscription
 * applies it like any change, in commit order, so the newest beat seen on the target tells how
 * far the target has applied. That is the latency in seconds, not a byte count: a slot can
 * trail by megabytes and be milliseconds behind, or trail by a few bytes and be minutes late.
 *
 * Several migrations from one source database share the table; a target only ever receives
 * the other migrations' rows as harmless extra rows (an UPDATE of a row it lacks is skipped).
 */
export const HEARTBEAT_TABLE = `${HEARTBEAT_SCHEMA}.heartbeat`;

const COLUMNS = `name text PRIMARY KEY, migration text NOT NULL, database text NOT NULL,
  seq bigint NOT NULL, beat_at timestamptz NOT NULL, started_at timestamptz NOT NULL DEFAULT now(),
  base_changes bigint NOT NULL DEFAULT 0`;

async function ensureTable(client: pg.Client): Promise<void> {
  try {
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${HEARTBEAT_SCHEMA}`);
    await client.query(`CREATE TABLE IF NOT EXISTS ${HEARTBEAT_TABLE} (${COLUMNS})`);
  } catch (e) {
    // Two migrations starting at once race on IF NOT EXISTS; the loser finds the table there.
    if ((e as { code?: string }).code !== '23505' && (e as { code?: string }).code !== '42P07' && (e as { code?: string }).code !== '42P06') throw e;
  }
}

/** Source side: the table and this migration's row, with the change counter at the start. */
export async function createSourceHeartbeat(client: pg.Client, name: string, migration: string, database: string, baseChanges: number): Promise<void> {
  await ensureTable(client);
  await client.query(
    `INSERT INTO ${HEARTBEAT_TABLE} (name, migration, database, seq, beat_at, base_changes)
     VALUES ($1, $2, $3, 0, clock_timestamp(), $4)
     ON CONFLICT (name) DO UPDATE SET migration = excluded.migration, database = excluded.database`,
    [name, migration, database, baseChanges],
  );
}

/**
 * Target side: the same table (the schema copy may already have made it), plus the target's
 * own counter baseline, and this migration's row as the snapshot saw it.
 */
export async function createTargetHeartbeat(client: pg.Client, name: string, migration: string, database: string, base: CdcTotals): Promise<void> {
  await ensureTable(client);
  for (const col of ['t_base_ins', 't_base_upd', 't_base_del']) {
    await client.query(`ALTER TABLE ${HEARTBEAT_TABLE} ADD COLUMN IF NOT EXISTS ${col} bigint NOT NULL DEFAULT 0`);
  }
  await client.query(
    `INSERT INTO ${HEARTBEAT_TABLE} (name, migration, database, seq, beat_at, t_base_ins, t_base_upd, t_base_del)
     VALUES ($1, $2, $3, 0, clock_timestamp(), $4, $5, $6)
     ON CONFLICT (name) DO UPDATE SET t_base_ins = excluded.t_base_ins, t_base_upd = excluded.t_base_upd, t_base_del = excluded.t_base_del`,
    [name, migration, database, base.inserts, base.updates, base.deletes],
  );
}

export interface Beat {
  seq: number;
  /** Milliseconds since the epoch, source clock. */
  at: number;
}

/** Write one beat on the source; returns it with the source's clock. */
export async function beat(client: pg.Client, name: string): Promise<Beat> {
  const r = await client.query(
    `UPDATE ${HEARTBEAT_TABLE} SET seq = seq + 1, beat_at = clock_timestamp() WHERE name = $1 RETURNING seq, extract(epoch from beat_at) * 1000 AS at`,
    [name],
  );
  if (r.rowCount === 0) throw new Error(`The heartbeat row "${name}" is missing on the source; the migration's replication objects were removed.`);
  return { seq: Number(r.rows[0].seq), at: Number(r.rows[0].at) };
}

export interface HeartbeatRow extends Beat {
  migration: string;
  database: string;
  baseChanges: number;
  target?: CdcTotals;
}

export async function readHeartbeat(client: pg.Client, name: string, side: 'source' | 'target'): Promise<HeartbeatRow | undefined> {
  const extra = side === 'target' ? ', t_base_ins, t_base_upd, t_base_del' : '';
  try {
    const r = await client.query(
      `SELECT seq, extract(epoch from beat_at) * 1000 AS at, migration, database, base_changes${extra}
       FROM ${HEARTBEAT_TABLE} WHERE name = $1`,
      [name],
    );
    const row = r.rows[0];
    if (!row) return undefined;
    return {
      seq: Number(row.seq),
      at: Number(row.at),
      migration: row.migration,
      database: row.database,
      baseChanges: Number(row.base_changes),
      target: side === 'target' ? { inserts: Number(row.t_base_ins), updates: Number(row.t_base_upd), deletes: Number(row.t_base_del) } : undefined,
    };
  } catch (e) {
    if ((e as { code?: string }).code === '42P01' || (e as { code?: string }).code === '3F000') return undefined;
    throw e;
  }
}

/** Remove this migration's row; the table and schema go when no other migration uses them. */
export async function dropHeartbeat(client: pg.Client, name: string, side: 'source' | 'target'): Promise<void> {
  try {
    await client.query(`DELETE FROM ${HEARTBEAT_TABLE} WHERE name = $1`, [name]);
    if (side === 'target') {
      // Rows of other migrations from the same source arrive here as extra rows; only a live
      // subscription in this database still needs its row.
      await client.query(`DELETE FROM ${HEARTBEAT_TABLE} WHERE name NOT IN (SELECT subname FROM pg_subscription s JOIN pg_database d ON d.oid = s.subdbid WHERE d.datname = current_database())`);
    }
    const left = await client.query(`SELECT count(*)::int AS n FROM ${HEARTBEAT_TABLE} WHERE name LIKE 'pgflex\\_%'`);
    if (left.rows[0].n === 0) {
      await client.query(`DROP TABLE IF EXISTS ${HEARTBEAT_TABLE}`);
      await client.query(`DROP SCHEMA IF EXISTS ${HEARTBEAT_SCHEMA}`).catch(() => undefined);
    }
  } catch (e) {
    if ((e as { code?: string }).code === '42P01' || (e as { code?: string }).code === '3F000') return;
    throw e;
  }
}

export interface CdcTotals {
  inserts: number;
  updates: number;
  deletes: number;
}

/** Row changes counted by the statistics collector in user tables, the heartbeat excluded. */
export async function tupleTotals(client: pg.Client): Promise<CdcTotals> {
  const r = await client.query(
    `SELECT coalesce(sum(n_tup_ins), 0)::bigint AS i, coalesce(sum(n_tup_upd), 0)::bigint AS u, coalesce(sum(n_tup_del), 0)::bigint AS d
     FROM pg_stat_user_tables WHERE schemaname <> '${HEARTBEAT_SCHEMA}'`,
  );
  return { inserts: Number(r.rows[0].i), updates: Number(r.rows[0].u), deletes: Number(r.rows[0].d) };
}
