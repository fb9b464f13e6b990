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

/** The comment pgflex gives its schema: what marks it as pgflex's own. */
export const HEARTBEAT_MARK = 'pgflex heartbeat schema';

/**
 * The heartbeat schema and table as pgflex left them, or a refusal. The migration's user (often
 * a superuser) updates the table every few hundred milliseconds: a trigger or rule on it, or an
 * owner who could add one later, would run their code with that user's rights. So an existing
 * schema must carry pgflex's mark, both must be owned by the migration's user or a superuser,
 * and the table may have no trigger and no rule.
 */
async function checkExisting(client: pg.Client, side: 'source' | 'target'): Promise<boolean> {
  const r = await client.query(
    `SELECT current_database() AS db, obj_description(n.oid, 'pg_namespace') AS note,
            (n.nspowner = (SELECT oid FROM pg_catalog.pg_roles WHERE rolname = current_user) OR (SELECT rolsuper FROM pg_catalog.pg_roles WHERE oid = n.nspowner)) AS schema_trusted,
            c.oid IS NOT NULL AS has_table, c.relkind::text AS kind,
            (c.relowner = (SELECT oid FROM pg_catalog.pg_roles WHERE rolname = current_user) OR (SELECT rolsuper FROM pg_catalog.pg_roles WHERE oid = c.relowner)) AS table_trusted,
            (SELECT count(*)::int FROM pg_catalog.pg_trigger t WHERE t.tgrelid = c.oid AND NOT t.tgisinternal) AS triggers,
            (SELECT count(*)::int FROM pg_catalog.pg_rewrite w WHERE w.ev_class = c.oid) AS rules
       FROM pg_catalog.pg_namespace n LEFT JOIN pg_catalog.pg_class c ON c.relnamespace = n.oid AND c.relname = 'heartbeat'
      WHERE n.nspname = $1`,
    [HEARTBEAT_SCHEMA],
  );
  const row = r.rows[0] as { db: string; note: string | null; schema_trusted: boolean; has_table: boolean; kind: string | null; table_trusted: boolean; triggers: number; rules: number } | undefined;
  if (!row) return false;
  const why = !row.note?.startsWith(HEARTBEAT_MARK)
    ? 'pgflex did not make it'
    : !row.schema_trusted
      ? 'it belongs to another user than the migration\'s'
      : row.has_table && row.kind !== 'r'
        ? `${HEARTBEAT_TABLE} is not a plain table`
        : row.has_table && !row.table_trusted
          ? `${HEARTBEAT_TABLE} belongs to another user than the migration's`
          : row.triggers > 0 || row.rules > 0
            ? `${HEARTBEAT_TABLE} has ${row.triggers} trigger(s) and ${row.rules} rule(s)`
            : undefined;
  if (why) {
    throw Object.assign(
      new Error(
        `The ${side} database "${row.db}" already has a schema "${HEARTBEAT_SCHEMA}" and ${why}: pgflex writes its heartbeat there every few hundred milliseconds as the migration's user, so code placed there would run with that user's rights. ` +
          `Check what it holds, drop or rename it on the ${side} (DROP SCHEMA ${HEARTBEAT_SCHEMA} CASCADE), then start again. No replication object was created.`,
      ),
      { kind: 'heartbeat-refused' },
    );
  }
  return row.has_table;
}

async function ensureTable(client: pg.Client, side: 'source' | 'target'): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    if (await checkExisting(client, side)) return;
    try {
      const schema = await client.query(`SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = $1`, [HEARTBEAT_SCHEMA]);
      if (schema.rowCount === 0) {
        await client.query(`CREATE SCHEMA ${HEARTBEAT_SCHEMA}`);
        await client.query(`COMMENT ON SCHEMA ${HEARTBEAT_SCHEMA} IS '${HEARTBEAT_MARK}'`);
      }
      await client.query(`CREATE TABLE ${HEARTBEAT_TABLE} (${COLUMNS})`);
      return;
    } catch (e) {
      // Two migrations starting at once race on the creation; the loser checks what the winner made.
      const code = (e as { code?: string }).code;
      if (attempt > 2 || (code !== '23505' && code !== '42P07' && code !== '42P06')) throw e;
    }
  }
}

/** Source side: the table and this migration's row, with the change counter at the start. */
export async function createSourceHeartbeat(client: pg.Client, name: string, migration: string, database: string, baseChanges: number): Promise<void> {
  await ensureTable(client, 'source');
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
  await ensureTable(client, 'target');
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
