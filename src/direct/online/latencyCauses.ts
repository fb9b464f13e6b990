import type pg from 'pg';
import type { CutoverCopies, LatencyCause } from '../../core/model';
import { quoteIdent } from '../../core/format';

/**
 * Why one database's stream lags or stopped, read from what PostgreSQL exposes on both servers:
 * the apply worker and its blockers on the target (pg_stat_subscription, pg_locks,
 * pg_stat_activity), its error counter (pg_stat_subscription_stats, 15+) and last error (the
 * target's log, where the server lets us read it), tables whose REPLICA IDENTITY FULL makes
 * every UPDATE and DELETE a sequential scan on the target, and on the source the slot
 * (pg_replication_slots) and long transactions in the database (pg_stat_activity).
 * Users of every peer tool report "stuck" online migrations with nothing that says why: these
 * are the causes that can be known, each with what to do.
 */
export interface DiagnoseOptions {
  /** A transaction open longer than this on the source is reported (seconds). */
  longTransactionSeconds?: number;
  /** The apply error count at the previous diagnosis: errors since then are "current". */
  previousApplyErrors?: number;
}

export interface Diagnosis {
  causes: LatencyCause[];
  /** The target's cumulative apply error count (15+), to pass back as `previousApplyErrors`. */
  applyErrors?: number;
}

export async function diagnoseTarget(target: pg.Client, subscription: string, o: DiagnoseOptions = {}): Promise<Diagnosis> {
  const causes: LatencyCause[] = [];
  const sub = await target.query<{ oid: string; enabled: boolean; major: number }>(
    `SELECT s.oid::text AS oid, s.subenabled AS enabled, current_setting('server_version_num')::int / 10000 AS major
       FROM pg_catalog.pg_subscription s WHERE s.subname = $1`, [subscription]);
  if (!sub.rows[0]) return { causes };
  const { oid, enabled, major } = sub.rows[0];
  const worker = await target.query<{ pid: number | null }>(
    `SELECT pid FROM pg_catalog.pg_stat_subscription WHERE subid = $1::oid AND relid IS NULL LIMIT 1`, [oid]);
  const pid = worker.rows[0]?.pid ?? null;

  let applyErrors: number | undefined;
  if (major >= 15) {
    const st = await target.query<{ n: string }>(
      `SELECT apply_error_count::text AS n FROM pg_catalog.pg_stat_subscription_stats WHERE subid = $1::oid`, [oid]);
    applyErrors = st.rows[0] ? Number(st.rows[0].n) : undefined;
  }
  const newErrors = applyErrors !== undefined && o.previousApplyErrors !== undefined ? applyErrors - o.previousApplyErrors : 0;
  if (newErrors > 0 || (pid === null && enabled && (applyErrors ?? 0) > 0)) {
    const last = await lastApplyError(target);
    causes.push({
      kind: 'apply-errors',
      severity: 'error',
      side: 'target',
      summary: `The target fails to apply a change${last?.table ? ` to ${last.table}` : ''}${last?.message ? `: ${last.message}` : ''} (${applyErrors} apply error${applyErrors === 1 ? '' : 's'} so far); the stream stops and retries every few seconds.`,
      action: last?.table
        ? `Fix the row or constraint on the target that conflicts (e.g. delete the duplicate row in ${last.table}); the stream then resumes by itself.`
        : "Look for 'logical replication' errors in the target server's log: it names the table and the conflict. Fix it on the target; the stream then resumes by itself.",
      table: last?.table,
      count: applyErrors,
    });
  } else if (pid === null) {
    causes.push({
      kind: 'apply-worker-down',
      severity: 'error',
      side: 'target',
      summary: enabled
        ? "The subscription's apply worker is not running on the target."
        : 'The subscription is disabled on the target: nothing is applied.',
      action: enabled
        ? 'PostgreSQL starts it again within seconds; if it stays down, check max_logical_replication_workers and the target log.'
        : `Enable it: ALTER SUBSCRIPTION ${quoteIdent(subscription)} ENABLE;`,
      command: enabled ? undefined : `ALTER SUBSCRIPTION ${quoteIdent(subscription)} ENABLE`,
    });
  }

  if (pid !== null) {
    const blocked = await target.query<{ pid: number; rel: string | null; age: number | null; query: string | null; usename: string | null; state: string | null }>(
      `SELECT b.pid, (SELECT l.relation::regclass::text FROM pg_catalog.pg_locks l
                       WHERE l.pid = $1 AND NOT l.granted AND l.relation IS NOT NULL LIMIT 1) AS rel,
              extract(epoch FROM now() - coalesce(b.xact_start, b.query_start))::float8 AS age,
              left(b.query, 200) AS query, b.usename::text AS usename, b.state
         FROM unnest(pg_catalog.pg_blocking_pids($1)) AS bp(pid)
         JOIN pg_catalog.pg_stat_activity b ON b.pid = bp.pid`, [pid]);
    for (const b of blocked.rows) {
      causes.push({
        kind: 'target-lock',
        severity: 'error',
        side: 'target',
        summary: `A session on the target (pid ${b.pid}${b.usename ? `, ${b.usename}` : ''}, ${b.state ?? 'active'} for ${Math.round(b.age ?? 0)} s) holds a lock${b.rel ? ` on ${b.rel}` : ''} that the apply worker waits for.`,
        action: `End that session's transaction, or end the session: SELECT pg_terminate_backend(${b.pid}); on the target.`,
        command: `SELECT pg_terminate_backend(${b.pid})`,
        pid: b.pid,
        ageSeconds: Math.round(b.age ?? 0),
        query: b.query ?? undefined,
        table: b.rel ?? undefined,
      });
    }
  }

  // REPLICA IDENTITY FULL: PostgreSQL 16+ can find the old row through a btree or hash index
  // whose first column is a plain column; before 16, or without one, each change scans.
  const scans = await target.query<{ rel: string }>(
    `SELECT c.oid::regclass::text AS rel
       FROM pg_catalog.pg_subscription_rel sr
       JOIN pg_catalog.pg_class c ON c.oid = sr.srrelid
      WHERE sr.srsubid = $1::oid AND c.relreplident = 'f' AND c.relkind = 'r'
        AND ($2::int < 16 OR NOT EXISTS (
              SELECT 1 FROM pg_catalog.pg_index i
                JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid
                JOIN pg_catalog.pg_am am ON am.oid = ic.relam
               WHERE i.indrelid = c.oid AND i.indpred IS NULL AND i.indkey[0] <> 0
                 AND am.amname IN ('btree', 'hash') AND i.indisvalid))
      ORDER BY 1`, [oid, major]);
  for (const s of scans.rows) {
    causes.push({
      kind: 'full-identity-scan',
      severity: 'warning',
      side: 'target',
      summary: `${s.rel} has REPLICA IDENTITY FULL and no index the target can use for it: every UPDATE and DELETE of it scans the whole table on the target.`,
      action: major >= 16
        ? `Add a primary key to ${s.rel} on the source and the target, or an index on the target whose first column is a plain column (CREATE INDEX ON ${s.rel} (<column>)).`
        : `Add a primary key to ${s.rel} on the source and the target (a PostgreSQL ${major} target cannot use other indexes for it).`,
      table: s.rel,
    });
  }
  return { causes, applyErrors };
}

export async function diagnoseSource(source: pg.Client, slot: string, o: DiagnoseOptions = {}): Promise<LatencyCause[]> {
  const causes: LatencyCause[] = [];
  const major = Number((await source.query<{ v: string }>(`SELECT current_setting('server_version_num') AS v`)).rows[0].v) / 10000;
  const s = await source.query<{ active: boolean; wal_status: string | null }>(
    `SELECT active, ${major >= 13 ? 'wal_status' : 'NULL::text AS wal_status'} FROM pg_catalog.pg_replication_slots WHERE slot_name = $1`, [slot]);
  const row = s.rows[0];
  if (!row || row.wal_status === 'lost') {
    causes.push({
      kind: 'slot-lost',
      severity: 'error',
      side: 'source',
      summary: row
        ? `The replication slot ${slot} was invalidated on the source (its WAL was removed, max_slot_wal_keep_size): the stream cannot resume.`
        : `The replication slot ${slot} is gone from the source: the stream cannot resume.`,
      action: 'Cancel this database and migrate it again; raise max_slot_wal_keep_size on the source so a slow stream keeps its WAL.',
    });
  } else if (!row.active) {
    causes.push({
      kind: 'slot-inactive',
      severity: 'warning',
      side: 'source',
      summary: `No WAL sender streams from slot ${slot} on the source right now${row.wal_status === 'unreserved' ? ', and its WAL is about to be removed' : ''}.`,
      action: 'The target reconnects by itself within seconds; if it does not, check that the target can reach the source and the source allows the connection (pg_hba.conf, max_wal_senders).',
    });
  }
  const long = o.longTransactionSeconds ?? 60;
  const tx = await source.query<{ pid: number; usename: string | null; app: string | null; age: number; state: string | null; query: string | null }>(
    `SELECT pid, usename::text AS usename, application_name AS app, extract(epoch FROM now() - xact_start)::float8 AS age,
            state, left(query, 200) AS query
       FROM pg_catalog.pg_stat_activity
      WHERE datname = current_database() AND pid <> pg_backend_pid() AND xact_start IS NOT NULL
        AND xact_start < now() - make_interval(secs => $1)
        AND coalesce(application_name, '') NOT LIKE 'pgflex%' AND backend_type = 'client backend'
      ORDER BY xact_start LIMIT 3`, [long]);
  for (const t of tx.rows) {
    causes.push({
      kind: 'long-transaction',
      severity: 'warning',
      side: 'source',
      summary: `A transaction has been open on the source for ${Math.round(t.age)} s (pid ${t.pid}${t.usename ? `, ${t.usename}` : ''}${t.app ? `, ${t.app}` : ''}, ${t.state ?? 'active'}): its changes reach the target only when it commits, and the slot keeps WAL for it.`,
      action: `Let it finish before the cutover, or end it: SELECT pg_terminate_backend(${t.pid}); on the source.`,
      command: `SELECT pg_terminate_backend(${t.pid})`,
      pid: t.pid,
      ageSeconds: Math.round(t.age),
      query: t.query ?? undefined,
    });
  }
  return causes;
}

/**
 * The last logical-replication apply error in the target's log, where the log is a file the
 * server writes (logging_collector) and the user may read it (superuser or
 * pg_read_server_files). Undefined otherwise: the cause is then reported without the table.
 */
async function lastApplyError(target: pg.Client): Promise<{ table?: string; message?: string } | undefined> {
  try {
    const f = await target.query<{ f: string | null }>(`SELECT pg_catalog.pg_current_logfile() AS f`);
    const file = f.rows[0]?.f;
    if (!file) return undefined;
    const size = Number((await target.query<{ n: string }>(`SELECT (pg_catalog.pg_stat_file($1)).size::text AS n`, [file])).rows[0].n);
    const tail = Math.min(size, 256 * 1024);
    const text = (await target.query<{ t: string }>(`SELECT pg_catalog.pg_read_file($1, $2, $3) AS t`, [file, size - tail, tail])).rows[0].t;
    return parseApplyError(text);
  } catch {
    return undefined;
  }
}

/** The newest "processing remote data ... for replication target relation" error in log text. */
export function parseApplyError(log: string): { table?: string; message?: string } | undefined {
  const lines = log.split('\n');
  for (let i = lines.length - 1; i >= 0; i--) {
    const ctx = /for replication target relation "([^"]+)"/.exec(lines[i]);
    if (!ctx) continue;
    for (let j = i; j >= Math.max(0, i - 6); j--) {
      const err = /ERROR:\s+(.*)$/.exec(lines[j]);
      if (err) return { table: ctx[1], message: err[1].trim() };
    }
    return { table: ctx[1] };
  }
  return undefined;
}

/** What the cutover will copy again on `source` (open on the migrated database): unlogged tables and large objects. */
export async function cutoverCopies(source: pg.Client, heartbeatSchema: string): Promise<CutoverCopies> {
  const r = await source.query<{ t: string; tb: string; lo: string; lob: string }>(
    `SELECT (SELECT count(*) FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
              WHERE c.relkind = 'r' AND c.relpersistence = 'u' AND n.nspname <> $1)::text AS t,
            (SELECT coalesce(sum(pg_catalog.pg_total_relation_size(c.oid)), 0) FROM pg_catalog.pg_class c
               JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
              WHERE c.relkind = 'r' AND c.relpersistence = 'u' AND n.nspname <> $1)::text AS tb,
            (SELECT count(*) FROM pg_catalog.pg_largeobject_metadata)::text AS lo,
            pg_catalog.pg_total_relation_size('pg_catalog.pg_largeobject')::text AS lob`, [heartbeatSchema]);
  const row = r.rows[0];
  const lo = Number(row.lo);
  return { unloggedTables: Number(row.t), unloggedBytes: Number(row.tb), largeObjects: lo, largeObjectBytes: lo ? Number(row.lob) : 0 };
}
