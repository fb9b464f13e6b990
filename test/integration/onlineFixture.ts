/**
 * Shared by the online integration tests: a small schema with the key shapes that matter to
 * logical replication, a writer that keeps changing it, a snapshot copy, and a row-for-row
 * comparison. (Not a test file itself: no `.test.ts`.)
 */
import pg from 'pg';
import { pipeline } from 'node:stream/promises';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import type { TestServer } from '../harness/postgres';

export const SCHEMA = `
CREATE TABLE t_int (id serial PRIMARY KEY, v text, n int);
CREATE TABLE t_comp (a int, b text, v int, PRIMARY KEY (a, b));
CREATE TABLE "Mixed Keys" (k text PRIMARY KEY, v int);
CREATE TABLE t_full (x int, y text);
ALTER TABLE t_full REPLICA IDENTITY FULL;
CREATE TABLE t_part (id int, region int, v text, PRIMARY KEY (id, region)) PARTITION BY LIST (region);
CREATE TABLE t_part_1 PARTITION OF t_part FOR VALUES IN (1);
CREATE TABLE t_part_2 PARTITION OF t_part FOR VALUES IN (2);
CREATE SEQUENCE s_free START 100;
INSERT INTO t_int (v, n) SELECT 'row ' || g, g FROM generate_series(1, 500) g;
INSERT INTO t_comp SELECT g % 50, 'b' || (g / 50), g FROM generate_series(1, 500) g;
INSERT INTO "Mixed Keys" SELECT 'key é ' || g, g FROM generate_series(1, 300) g;
INSERT INTO t_full SELECT g, 'full ' || g FROM generate_series(1, 200) g;
INSERT INTO t_part SELECT g, 1 + g % 2, 'p' || g FROM generate_series(1, 300) g;
SELECT nextval('s_free');
`;

export const TABLES = ['t_int', 't_comp', '"Mixed Keys"', 't_full', 't_part_1', 't_part_2'];

export async function client(s: TestServer, db: string): Promise<pg.Client> {
  const c = new pg.Client({ host: s.host, port: s.port, user: s.user, password: s.password, database: db });
  c.on('error', () => undefined);
  await c.connect();
  return c;
}

/** Schema only, on the target: the shape the offline engine's pre-data + post-data leave. */
export async function createDbs(source: TestServer, target: TestServer, db: string): Promise<void> {
  await source.psql('postgres', `CREATE DATABASE ${db}`);
  await target.psql('postgres', `CREATE DATABASE ${db}`);
  await source.psql(db, SCHEMA);
  await target.psql(db, SCHEMA.split('\n').filter((l) => !/^(INSERT|SELECT)/.test(l)).join('\n'));
}

/** Copy every table as of `snapshot` (what the offline engine's workers do). */
export async function copySnapshot(source: TestServer, target: TestServer, db: string, snapshot: string): Promise<void> {
  const s = await client(source, db);
  const t = await client(target, db);
  try {
    await s.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
    await s.query(`SET TRANSACTION SNAPSHOT '${snapshot}'`);
    for (const table of TABLES) {
      await pipeline(s.query(copyTo(`COPY ${table} TO STDOUT`)), t.query(copyFrom(`COPY ${table} FROM STDIN`)));
    }
    await s.query('COMMIT');
  } finally {
    await s.end();
    await t.end();
  }
}

/** Inserts, updates and deletes on every table until stopped; counts what it did. */
export class Writer {
  private stopped = false;
  private done?: Promise<void>;
  ops = 0;
  errors: string[] = [];

  constructor(private readonly server: TestServer, private readonly db: string) {}

  start(): this {
    this.done = this.loop();
    return this;
  }

  private async loop(): Promise<void> {
    let c: pg.Client | undefined;
    let i = 0;
    while (!this.stopped) {
      try {
        c ??= await client(this.server, this.db);
        i++;
        await c.query('BEGIN');
        await c.query(`INSERT INTO t_int (v, n) VALUES ($1, $2)`, [`w${i}`, i]);
        await c.query(`UPDATE t_int SET v = v || '+' WHERE id = $1`, [1 + (i % 400)]);
        await c.query(`DELETE FROM t_int WHERE id = $1`, [2 + ((i * 7) % 400)]);
        await c.query(`INSERT INTO t_comp VALUES ($1, $2, $3) ON CONFLICT (a, b) DO UPDATE SET v = t_comp.v + 1`, [i % 60, `w${i % 13}`, i]);
        await c.query(`DELETE FROM t_comp WHERE a = $1 AND b = $2`, [(i * 3) % 50, `b${i % 10}`]);
        await c.query(`INSERT INTO "Mixed Keys" VALUES ($1, $2) ON CONFLICT (k) DO UPDATE SET v = excluded.v`, [`w ü ${i % 97}`, i]);
        await c.query(`UPDATE "Mixed Keys" SET v = v + 1 WHERE k = $1`, [`key é ${1 + (i % 300)}`]);
        await c.query(`INSERT INTO t_full VALUES ($1, $2)`, [1000 + i, `w${i}`]);
        await c.query(`UPDATE t_full SET y = y || '.' WHERE x = $1`, [1 + (i % 200)]);
        await c.query(`DELETE FROM t_full WHERE x = $1`, [1 + ((i * 11) % 200)]);
        await c.query(`INSERT INTO t_part VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`, [1000 + i, 1 + (i % 2), `w${i}`]);
        await c.query(`UPDATE t_part SET v = v || '!' WHERE id = $1`, [1 + (i % 300)]);
        await c.query(`SELECT nextval('s_free')`);
        await c.query('COMMIT');
        this.ops++;
      } catch (e) {
        // A restart of the source drops the connection; the writer reconnects and goes on.
        this.errors.push(e instanceof Error ? e.message : String(e));
        await c?.end().catch(() => undefined);
        c = undefined;
        await new Promise((r) => setTimeout(r, 100));
      }
      await new Promise((r) => setTimeout(r, 5));
    }
    await c?.end().catch(() => undefined);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.done;
  }

  /** Resolve once the writer has committed `n` more transactions. */
  async waitOps(n: number, timeoutMs = 60_000): Promise<void> {
    const goal = this.ops + n;
    const until = Date.now() + timeoutMs;
    while (this.ops < goal) {
      if (Date.now() > until) throw new Error(`writer did only ${this.ops} of ${goal} transactions; last errors: ${this.errors.slice(-3).join(' | ')}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}

/** Every table's rows, ordered, as text: equal only when the data is equal row for row. */
export async function dumpTables(server: TestServer, db: string): Promise<Record<string, string[]>> {
  const c = await client(server, db);
  try {
    const out: Record<string, string[]> = {};
    for (const t of TABLES) {
      const r = await c.query(`SELECT x::text AS r FROM ${t} x ORDER BY x::text`);
      out[t] = r.rows.map((row: { r: string }) => row.r);
    }
    return out;
  } finally {
    await c.end();
  }
}

export async function sequenceValue(server: TestServer, db: string): Promise<string> {
  return (await server.psql(db, `SELECT last_value || ':' || is_called FROM s_free`)).trim() + '/' + (await server.psql(db, `SELECT last_value FROM t_int_id_seq`)).trim();
}

/** Replication objects of ours anywhere on a server (slots, publications, subscriptions). */
export async function replicationObjects(server: TestServer, db: string, prefix: string): Promise<string[]> {
  const c = await client(server, db);
  try {
    const like = `${prefix.replace(/_/g, '\\_')}%`;
    const r = await c.query(`
      SELECT 'slot ' || slot_name AS o FROM pg_replication_slots WHERE slot_name LIKE $1
      UNION ALL SELECT 'publication ' || pubname FROM pg_publication WHERE pubname LIKE $1
      UNION ALL SELECT 'subscription ' || subname FROM pg_subscription WHERE subname LIKE $1
      UNION ALL SELECT 'heartbeat table' FROM pg_tables WHERE schemaname = 'pgflex'`, [like]);
    return r.rows.map((x: { o: string }) => x.o);
  } finally {
    await c.end();
  }
}
