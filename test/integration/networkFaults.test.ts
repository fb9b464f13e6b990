import assert from 'node:assert/strict';
import type { Migration } from '../../src/core/model';
import { ClientPool } from '../../src/direct/clientPool';
import { DirectMigrationRun } from '../../src/direct/engine';
import { dbContext, runPostDataEntries } from '../../src/direct/phases';
import { defaultTools } from '../../src/direct/pgTools';
import { WorkerBudget } from '../../src/direct/pool';
import { Sessions } from '../../src/direct/sessions';
import type { TestServer } from '../harness/postgres';
import { dataOf, pgflexSessions } from '../harness/compare';
import { loadSlowFixture, specFor, tempStore, until } from '../harness/migrationSpec';
import { sharedServer, uniqueDb } from '../harness/servers';
import { TcpProxy } from '../harness/tcpProxy';

const secretsOf = (s: TestServer, t: TestServer) => ({ sourcePassword: s.password, targetPassword: t.password });
const tableState = (m: Migration, db: string, table: string) => m.currentStatus?.currentSubStateDetails?.dbDetails?.[db]?.tables?.find((t) => t.name === table)?.state;
const MB = 1024 * 1024;

/** The spec of a migration whose source is reached through the proxy. */
function throughProxy(source: TestServer, target: TestServer, db: string, name: string, proxy: TcpProxy) {
  const spec = specFor(source, target, [db], name);
  return { ...spec, source: { ...spec.source, port: proxy.port } };
}

/** Fails the test instead of waiting forever: the point of these cases is that nothing hangs. */
async function within<T>(ms: number, what: string, p: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([p, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} did not end within ${ms / 1000} s`)), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

describe('direct migration through a faulty network (TCP proxy, real servers)', function () {
  this.timeout(120_000);
  const saved = { net: process.env.PGFLEX_NET_TIMEOUTS, retry: process.env.PGFLEX_RETRY };
  let proxy: TcpProxy | undefined;

  afterEach(async () => {
    process.env.PGFLEX_NET_TIMEOUTS = saved.net;
    process.env.PGFLEX_RETRY = saved.retry;
    if (saved.net === undefined) delete process.env.PGFLEX_NET_TIMEOUTS;
    if (saved.retry === undefined) delete process.env.PGFLEX_RETRY;
    await proxy?.close();
    proxy = undefined;
  });

  it('retries a COPY whose source connection is reset mid-copy: Succeeded, rows equal, the retry counted and named', async () => {
    process.env.PGFLEX_RETRY = 'attempts=3,baseDelayMs=200';
    const source = await sharedServer('15', 'source');
    const target = await sharedServer('16', 'target');
    const db = uniqueDb('netreset');
    await loadSlowFixture(source, db, 100_000);
    proxy = await TcpProxy.start(source.port);
    const p = proxy;
    const name = `net-reset-${process.pid}`;
    const run = new DirectMigrationRun(throughProxy(source, target, db, name, p), secretsOf(source, target), { store: tempStore(), copyRateLimit: 3 * MB, throttleMs: 20 });
    // The big table's COPY is the one connection carrying megabytes; the snapshot's holder is not touched.
    await until('the source sending the big table', () => p.connections.some((c) => c.down > MB));
    assert.equal(tableState(run.migration, db, 'public.big'), 'Loading');
    assert.equal(p.reset((c) => c.down > MB), 1);
    const m = await within(90_000, 'the migration', run.done);
    assert.equal(m.currentStatus?.state, 'Succeeded', m.currentStatus?.error);
    const d = m.currentStatus!.currentSubStateDetails!.dbDetails![db];
    assert.ok((d.retries ?? 0) >= 1, `retries: ${d.retries}`);
    assert.match(d.retryMessages?.[0] ?? '', new RegExp(`Copying table public\\.big was retried \\(attempt 2, .*source server 127\\.0\\.0\\.1:${p.port}`));
    assert.equal(d.verification?.state, 'Succeeded');
    // Every row once, no more: the retried COPY started from an empty table.
    assert.deepEqual(await dataOf(target.conn(db)), await dataOf(source.conn(db)));
    assert.equal((await target.psql(db, 'SELECT count(*) FROM big')).trim(), '100000');
    assert.deepEqual(await pgflexSessions(target.conn()), []);
    await until('no pgflex session left on the source', async () => (await pgflexSessions(source.conn())).length === 0, 10_000);
  });

  it('retries one range of a split table whose target connection is reset mid-copy, without losing or doubling a row', async () => {
    process.env.PGFLEX_RETRY = 'attempts=3,baseDelayMs=200';
    const source = await sharedServer('15', 'source');
    const target = await sharedServer('16', 'target');
    const db = uniqueDb('netrange');
    await loadSlowFixture(source, db, 100_000);
    proxy = await TcpProxy.start(target.port);
    const p = proxy;
    const spec = { ...specFor(source, target, [db], `net-range-${process.pid}`, { jobs: 4 }) };
    spec.target = { ...spec.target, port: p.port };
    // Split from 1 byte up: the big table goes in 2 ranges (ctid ranges on PostgreSQL 15), each in its own transaction.
    const run = new DirectMigrationRun(spec, secretsOf(source, target), { store: tempStore(), copyRateLimit: 2 * MB, throttleMs: 20, minSplitBytes: 1, maxParts: 2 });
    await until('the small tables copied', () => ['small_a', 'small_b', 'small_c'].every((t) => tableState(run.migration, db, `public.${t}`) === 'Completed'));
    await until('both ranges of the big table loading', () => p.connections.filter((c) => c.up > MB).length === 2);
    const first = p.connections.find((c) => c.up > MB)!;
    assert.equal(p.reset((c) => c === first), 1);
    const m = await within(90_000, 'the migration', run.done);
    assert.equal(m.currentStatus?.state, 'Succeeded', m.currentStatus?.error);
    const d = m.currentStatus!.currentSubStateDetails!.dbDetails![db];
    assert.equal(d.tables?.find((t) => t.name === 'public.big')?.parts, 2);
    assert.ok((d.retries ?? 0) >= 1, `retries: ${d.retries}`);
    assert.match(d.retryMessages?.[0] ?? '', new RegExp(`Copying table public\\.big part [12]/2 was retried \\(attempt 2, .*target server 127\\.0\\.0\\.1:${p.port}`));
    assert.deepEqual(await dataOf(target.conn(db)), await dataOf(source.conn(db)));
    assert.equal((await target.psql(db, 'SELECT count(*), count(DISTINCT id) FROM big')).trim(), '100000|100000');
    await until('no pgflex session left on the target', async () => (await pgflexSessions(target.conn())).length === 0, 10_000);
  });

  it('retries an index build whose target connection is reset while it builds: the index exists once, the retry is heard', async () => {
    process.env.PGFLEX_RETRY = 'attempts=3,baseDelayMs=200';
    const target = await sharedServer('16', 'target');
    const db = uniqueDb('netindex');
    await target.psql('postgres', `CREATE DATABASE ${db}`);
    // An index whose build takes seconds: its expression sleeps a little per row.
    await target.psql(db, `CREATE FUNCTION slow(x int) RETURNS int IMMUTABLE LANGUAGE plpgsql AS $$BEGIN PERFORM pg_sleep(0.001); RETURN x; END$$;
      CREATE TABLE t (id int); INSERT INTO t SELECT generate_series(1, 3000);`);
    proxy = await TcpProxy.start(target.port);
    const p = proxy;
    const sessions = new Sessions(`pgflex:net-index-${process.pid}`);
    const conn = { ...target.conn(db, 'target'), port: p.port };
    const ctx = dbContext({ database: db, sourceMajor: 16, sessions, tools: defaultTools(), budget: new WorkerBudget(1), signal: new AbortController().signal }, conn, conn);
    const heard: string[] = [];
    ctx.onRetry = (m) => heard.push(m);
    const pool = new ClientPool(sessions, ctx.target);
    const entry = { type: 'INDEX', name: 't_slow', schema: 'public', sql: 'CREATE INDEX t_slow ON public.t (slow(id));', group: 1 as const, table: '"public"."t"' };
    const done: string[] = [];
    const building = runPostDataEntries(ctx, pool, [entry], false, (e) => done.push(e.name));
    try {
      await until('the index building on the target', async () => (await target.psql(db, "SELECT count(*) FROM pg_stat_activity WHERE state = 'active' AND query LIKE 'CREATE INDEX t_slow%'")).trim() === '1');
      assert.ok(p.reset() >= 1);
      await within(60_000, 'the index build', building);
    } finally {
      await pool.closeAll();
      sessions.destroyAll();
    }
    assert.deepEqual(done, ['t_slow']);
    assert.equal(heard.length, 1);
    assert.match(heard[0], new RegExp(`^Building index t_slow was retried \\(attempt 2, after 0\\.2 s\\) because the connection broke: The target server 127\\.0\\.0\\.1:${p.port} closed the connection`));
    assert.equal((await target.psql(db, "SELECT count(*) FROM pg_indexes WHERE indexname = 't_slow'")).trim(), '1');
    assert.equal((await target.psql(db, "SELECT indisvalid FROM pg_index WHERE indexrelid = 'public.t_slow'::regclass")).trim(), 't');
  });

  for (const side of ['source', 'target'] as const) {
    it(`fails within the stall and connect timeouts, naming the ${side}, when its connection becomes a black hole mid-copy`, async () => {
      process.env.PGFLEX_NET_TIMEOUTS = 'copyStallMs=2000,connectTimeoutMs=2000';
      process.env.PGFLEX_RETRY = 'attempts=2,baseDelayMs=200';
      const source = await sharedServer('15', 'source');
      const target = await sharedServer('16', 'target');
      const db = uniqueDb(`nethole${side}`);
      await loadSlowFixture(source, db, 100_000);
      const behind = side === 'source' ? source : target;
      const other = side === 'source' ? target : source;
      proxy = await TcpProxy.start(behind.port);
      const p = proxy;
      const spec = specFor(source, target, [db], `net-hole-${side}-${process.pid}`);
      spec[side] = { ...spec[side], port: p.port };
      // Slow enough that the big table is still copying once the small tables' post-data is done.
      const run = new DirectMigrationRun(spec, secretsOf(source, target), { store: tempStore(), copyRateLimit: MB, throttleMs: 20 });
      await until('the small tables copied', () => ['small_a', 'small_b', 'small_c'].every((t) => tableState(run.migration, db, `public.${t}`) === 'Completed'));
      // And their post-data done (keys, foreign key, ANALYZE): then only the big table's COPY uses the proxy.
      const smallDone = `SELECT (SELECT count(*) FROM pg_stat_user_tables WHERE relname LIKE 'small_%' AND last_analyze IS NOT NULL)
        + (SELECT count(*) FROM pg_constraint WHERE conrelid::regclass::text LIKE 'small_%')`;
      await until('the small tables analyzed and keyed', async () => (await target.psql(db, smallDone)).trim() === '7');
      await until('the big table going through the proxy', () => p.connections.some((c) => (side === 'source' ? c.down : c.up) > MB));
      p.blackhole();
      const t0 = Date.now();
      // Stall (2 s) + pause + a connect that times out (2 s) + the cleanup's own connect timeout (3 s), with room.
      const m = await within(30_000, 'the migration after the black hole', run.done);
      const took = Date.now() - t0;
      assert.equal(m.currentStatus?.state, 'Failed');
      const error = m.currentStatus?.error ?? '';
      assert.match(error, /Copying table public\.big of database "[a-z0-9_]+" failed \(tried 2 times\)/);
      assert.match(error, new RegExp(`${side} server 127\\.0\\.0\\.1:${p.port}`));
      assert.match(error, /did not answer within 2 s|went dead/);
      assert.ok(took < 20_000, `failed after ${took} ms`);
      const d = m.currentStatus!.currentSubStateDetails!.dbDetails![db];
      assert.equal(d.retries, 1);
      assert.match(d.retryMessages?.[0] ?? '', new RegExp(`no data moved for 2 s: the ${side} server stopped ${side === 'source' ? 'sending' : 'taking'} rows`));
      assert.equal(tableState(m, db, 'public.big'), 'Errored');
      assert.deepEqual(await pgflexSessions(other.conn()), []);
      // Once the proxy is gone its sockets close and the server ends the sessions behind it.
      await p.close();
      proxy = undefined;
      await until(`no pgflex session left on the ${side}`, async () => (await pgflexSessions(behind.conn())).length === 0, 15_000);
    });
  }
});
