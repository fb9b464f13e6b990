import assert from 'node:assert/strict';
import type pg from 'pg';
import type { LatencyCause } from '../../src/core/model';
import { cutoverDatabase } from '../../src/direct/online/cutover';
import { LatencyMonitor, measureOnce } from '../../src/direct/online/latency';
import { prepareSource, startSubscription, type OnlineDb } from '../../src/direct/online/replicationObjects';
import { available, startServer, type TestServer } from '../harness/postgres';
import { sharedServer, uniqueDb } from '../harness/servers';
import { client, copySnapshot, createDbs } from './onlineFixture';

async function until<T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs = 30_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Each cause of a lagging stream is made for real on the servers, seen named by the monitor
 * with what to do, and seen gone once the cause is removed.
 */
describe('latency causes, made for real and named (source 16 → target 16)', function () {
  this.timeout(180_000);
  if (!available('16')) return;
  let source: TestServer;
  let target: TestServer;
  let db: OnlineDb;
  let monitor: LatencyMonitor;
  let src: pg.Client;
  let tgt: pg.Client;

  const causes = async (kind: LatencyCause['kind']) => (await monitor.sample()).causes?.filter((c) => c.kind === kind) ?? [];

  before(async () => {
    source = await sharedServer('16', 'source');
    // The target writes its log to a file the migration's superuser may read (the apply error's
    // table comes from it), and retries a failed apply worker quickly.
    target = await startServer({ version: '16', logical: false, settings: {
      logging_collector: 'on', log_directory: "'log'", wal_retrieve_retry_interval: "'300ms'", log_min_messages: 'error',
    } });
    const dbName = uniqueDb('lcause');
    await createDbs(source, target, dbName);
    db = { migration: `lcause-${process.pid}`, database: dbName, source: source.conn('postgres', 'source'), target: target.conn('postgres', 'target') };
    const prepared = await prepareSource(db);
    await copySnapshot(source, target, dbName, prepared.slot.snapshotName);
    await prepared.slot.release();
    await startSubscription(db, prepared.sourceMajor);
    monitor = new LatencyMonitor(db, 100, { diagnoseEveryMs: 0, longTransactionSeconds: 1 });
    monitor.start();
    src = await client(source, dbName);
    tgt = await client(target, dbName);
    await until('the stream to run', async () => (await monitor.sample()).workerRunning);
  });

  after(async () => {
    await monitor?.stop();
    await src?.end();
    await tgt?.end();
    if (db) await cutoverDatabase(db).catch(() => undefined);
    await target?.destroy();
  });

  it('a long transaction on the source: its pid, age and query, and the command that ends it; gone once it commits', async () => {
    const tx = await client(source, db.database);
    try {
      await tx.query('BEGIN');
      await tx.query(`UPDATE t_int SET n = n + 1 WHERE id = 1`);
      const pid = (await tx.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0].pid;
      const c = await until('the long transaction to be named', async () => (await causes('long-transaction')).find((x) => x.pid === pid));
      assert.equal(c.side, 'source');
      assert.ok((c.ageSeconds ?? 0) >= 1, JSON.stringify(c));
      assert.match(c.query ?? '', /pg_backend_pid|UPDATE t_int/);
      assert.equal(c.command, `SELECT pg_terminate_backend(${pid})`);
      await tx.query('COMMIT');
      await until('the long transaction to be gone', async () => (await causes('long-transaction')).every((x) => x.pid !== pid));
    } finally {
      await tx.end();
    }
  });

  it('a unique-key conflict on the target: apply errors named with the table, cleared once the row is removed', async () => {
    await tgt.query(`INSERT INTO t_int (id, v, n) VALUES (900001, 'target only', 0)`);
    await src.query(`INSERT INTO t_int (id, v, n) VALUES (900001, 'from source', 1)`);
    const c = await until('the apply error to be named', async () => (await causes('apply-errors'))[0]);
    assert.equal(c.side, 'target');
    assert.equal(c.severity, 'error');
    assert.equal(c.table, 'public.t_int');
    assert.match(c.summary, /duplicate key/);
    assert.ok((c.count ?? 0) >= 1);
    // The whole diagnosis from a fresh process (the CLI's status) names it too.
    const once = await measureOnce(db, 1500);
    assert.ok(once.causes?.some((x) => x.kind === 'apply-errors' || x.kind === 'apply-worker-down'), JSON.stringify(once.causes));
    await tgt.query(`DELETE FROM t_int WHERE id = 900001`);
    await until('the row to arrive', async () => (await tgt.query(`SELECT v FROM t_int WHERE id = 900001`)).rows[0]?.v === 'from source');
    await until('the apply errors to stop being reported', async () => (await causes('apply-errors')).length === 0);
  });

  it('a lock on a target table: the blocking session, its table and the command; gone once it is released', async () => {
    const locker = await client(target, db.database);
    try {
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE t_comp IN ACCESS EXCLUSIVE MODE');
      const pid = (await locker.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0].pid;
      await src.query(`UPDATE t_comp SET v = v + 1 WHERE a = 1`);
      const c = await until('the lock to be named', async () => (await causes('target-lock')).find((x) => x.pid === pid));
      assert.equal(c.side, 'target');
      assert.equal(c.table, 't_comp');
      assert.equal(c.command, `SELECT pg_terminate_backend(${pid})`);
      const lagging = await monitor.sample();
      assert.ok(lagging.causes?.some((x) => x.kind === 'target-lock'));
      await locker.query('ROLLBACK');
      await until('the lock to be gone', async () => (await causes('target-lock')).length === 0);
    } finally {
      await locker.end();
    }
  });

  it('REPLICA IDENTITY FULL without a usable index on the target is named; an index on the target clears it', async () => {
    const c = await until('the FULL identity table to be named', async () => (await causes('full-identity-scan')).find((x) => x.table === 't_full'));
    assert.equal(c.severity, 'warning');
    assert.match(c.action, /index/);
    await tgt.query('CREATE INDEX t_full_x ON t_full (x)');
    await until('the FULL identity cause to be gone', async () => (await causes('full-identity-scan')).every((x) => x.table !== 't_full'));
  });
  it('what the cutover will copy again is measured on the source: unlogged tables and large objects, with sizes', async () => {
    const before = await until('a first measure', async () => (await monitor.sample()).cutoverCopies);
    assert.deepEqual({ t: before.unloggedTables, lo: before.largeObjects }, { t: 0, lo: 0 });
    await src.query(`CREATE UNLOGGED TABLE scratch AS SELECT g AS id, repeat('x', 200) AS pad FROM generate_series(1, 2000) g`);
    // Random bytes: pg_largeobject compresses its pages, so repetitive data would measure small.
    await src.query(`SELECT lo_from_bytea(0, (SELECT decode(string_agg(lpad(to_hex((random() * 255)::int), 2, '0'), ''), 'hex') FROM generate_series(1, 50000)))`);
    const after = await until('the unlogged table and the large object to be counted', async () => {
      const c = (await monitor.sample()).cutoverCopies;
      return c && c.unloggedTables === 1 && c.largeObjects === 1 ? c : undefined;
    });
    assert.ok(after.unloggedBytes > 400_000, JSON.stringify(after));
    assert.ok(after.largeObjectBytes >= 50_000, JSON.stringify(after));
  });
});
