import assert from 'node:assert/strict';
import type { Migration } from '../../src/core/model';
import { connect } from '../../src/pg/connection';
import { DirectMigrationRun } from '../../src/direct/engine';
import { DirectProvider } from '../../src/direct/provider';
import { freePort, startServer, type TestServer } from '../harness/postgres';
import { pgflexSessions } from '../harness/compare';
import { loadSlowFixture, specFor, tempStore, until } from '../harness/migrationSpec';
import { sharedServer, uniqueDb } from '../harness/servers';

const secretsOf = (s: TestServer, t: TestServer) => ({ sourcePassword: s.password, targetPassword: t.password });
const tableState = (m: Migration, db: string, table: string) => m.currentStatus?.currentSubStateDetails?.dbDetails?.[db]?.tables?.find((t) => t.name === table)?.state;
const RATE = 1_000_000; // 1 MB/s per pipe: the 4 MB table takes a few seconds.

async function assertNothingOpen(...servers: TestServer[]): Promise<void> {
  for (const s of servers) {
    if (s.running) assert.deepEqual(await pgflexSessions(s.conn()), [], `pgflex sessions left on ${s.label}`);
  }
}

async function dbExists(s: TestServer, db: string): Promise<boolean> {
  return (await s.psql('postgres', `SELECT count(*) FROM pg_database WHERE datname = '${db}'`)).trim() === '1';
}

describe('direct offline migration faults, cancel and resume (real servers)', function () {
  this.timeout(120_000);

  it('fails naming the table when the source backend is killed mid-copy, leaves nothing open, and a re-run resumes without copying completed tables again', async () => {
    const source = await sharedServer('15', 'source');
    const target = await sharedServer('16', 'target');
    const db = uniqueDb('killsrc');
    // 20 MB: more than the sockets between the servers buffer, so the source is still sending when killed.
    await loadSlowFixture(source, db, 200_000);
    const store = tempStore();
    const name = `kill-src-${process.pid}`;
    const spec = specFor(source, target, [db], name);
    // A terminated COPY is retried (networkFaults.test.ts); here the failure and the resume are the point.
    const retry = process.env.PGFLEX_RETRY;
    process.env.PGFLEX_RETRY = 'attempts=1';
    const run = new DirectMigrationRun(spec, secretsOf(source, target), { store, copyRateLimit: 2 * RATE, throttleMs: 20 });
    void run.done.finally(() => {
      if (retry === undefined) delete process.env.PGFLEX_RETRY;
      else process.env.PGFLEX_RETRY = retry;
    });
    await until('the small tables done', () => tableState(run.migration, db, 'public.small_a') === 'Completed');
    const copying = `SELECT pid FROM pg_stat_activity WHERE application_name = 'pgflex:${name}' AND state = 'active' AND query LIKE 'COPY%big%TO STDOUT%'`;
    await until('the source sending the big table', async () => (await source.psql('postgres', copying)).trim() !== '');
    await source.psql('postgres', `SELECT pg_terminate_backend(pid) FROM (${copying}) x`);
    const m = await run.done;
    assert.equal(m.currentStatus?.state, 'Failed');
    assert.match(m.currentStatus?.error ?? '', /table public\.big/);
    assert.match(m.currentStatus?.error ?? '', /source server 127\.0\.0\.1/);
    const d = m.currentStatus!.currentSubStateDetails!.dbDetails![db];
    assert.equal(d.migrationState, 'Failed');
    assert.equal(tableState(m, db, 'public.big'), 'Errored');
    await assertNothingOpen(source, target);

    // Which transaction wrote each completed table, to prove the re-run leaves them alone.
    const xmins = async () => Object.fromEntries(await Promise.all(['small_a', 'small_b', 'small_c'].map(async (t) => [t, (await target.psql(db, `SELECT min(xmin::text::bigint) FROM ${t}`)).trim()])));
    const before = await xmins();
    const rec = store.load(run.migration.id!.split('/')[0].replace('direct:', ''), name);
    assert.ok(rec, 'the record is stored');
    const again = new DirectMigrationRun(spec, secretsOf(source, target), { store }, rec);
    const m2 = await again.done;
    assert.equal(m2.currentStatus?.state, 'Succeeded', m2.currentStatus?.error);
    assert.deepEqual(await xmins(), before);
    assert.equal((await target.psql(db, 'SELECT count(*) FROM big')).trim(), '200000');
    assert.equal((await target.psql(db, "SELECT count(*) FROM pg_indexes WHERE tablename = 'big'")).trim(), '1');
    assert.equal(m2.currentStatus!.currentSubStateDetails!.dbDetails![db].verification?.state, 'Succeeded');
    await assertNothingOpen(source, target);
  });

  it('fails naming the table (or index) and the target when the target stops mid-copy', async () => {
    const source = await sharedServer('15', 'source');
    const target = await startServer({ version: '16', logical: false });
    try {
      const db = uniqueDb('stoptgt');
      await loadSlowFixture(source, db);
      const run = new DirectMigrationRun(specFor(source, target, [db], `stop-tgt-${process.pid}`), secretsOf(source, target), { store: tempStore(), copyRateLimit: RATE, throttleMs: 20 });
      await until('the big table loading', () => tableState(run.migration, db, 'public.big') === 'Loading');
      await target.stop('immediate');
      const m = await run.done;
      assert.equal(m.currentStatus?.state, 'Failed');
      // What failed first depends on timing: a table's COPY, or the post-data of a table already in.
      const server = `127\\.0\\.0\\.1:${target.port}`;
      assert.match(m.currentStatus?.error ?? '', new RegExp(`(Copying table public\\.\\w+|Analyzing table public\\.\\w+|Building (index|constraint|fk constraint) [\\w." ]+) of database "${db}"( on the target)? failed( \\(tried \\d+ times\\))?: (The target server ${server} closed the connection|Nothing is listening on the target server ${server}|The target server ${server} is shutting down)`));
      assert.notEqual(m.currentStatus!.currentSubStateDetails!.dbDetails![db].migrationState, 'Succeeded');
      await assertNothingOpen(source);
    } finally {
      await target.destroy();
    }
  });

  it('cancels within 5 seconds in-process: Canceled, no session left, target database left in place', async () => {
    const source = await sharedServer('11', 'source');
    const target = await sharedServer('16', 'target');
    const db = uniqueDb('cancelin');
    await loadSlowFixture(source, db);
    const run = new DirectMigrationRun(specFor(source, target, [db], `cancel-in-${process.pid}`), secretsOf(source, target), { store: tempStore(), copyRateLimit: RATE / 4, throttleMs: 20 });
    await until('the big table loading, some of it counted', () => tableState(run.migration, db, 'public.big') === 'Loading' && (run.migration.currentStatus?.currentSubStateDetails?.dbDetails?.[db]?.progress?.bytesCopied ?? 0) > 0);
    const t0 = Date.now();
    run.cancel();
    const m = await run.done;
    assert.ok(Date.now() - t0 < 5000, `canceled in ${Date.now() - t0} ms`);
    assert.equal(m.currentStatus?.state, 'Canceled');
    assert.match(m.currentStatus?.error ?? '', /left in place/);
    assert.equal(m.currentStatus!.currentSubStateDetails!.dbDetails![db].migrationState, 'Canceled');
    // The table cut off mid-copy was rolled back: only completed tables count as copied.
    const d = m.currentStatus!.currentSubStateDetails!.dbDetails![db];
    assert.equal(d.progress?.bytesCopied, (d.tables ?? []).filter((x) => x.state === 'Completed').reduce((n, x) => n + (x.bytes ?? 0), 0));
    assert.ok(d.progress!.bytesCopied < d.progress!.bytesTotal);
    assert.equal(d.progress?.bytesPerSecond, undefined, 'no rate once ended');
    await assertNothingOpen(source, target);
    assert.ok(await dbExists(target, db), 'the target database stays');
  });

  it('refuses an existing target database unless overwrite is chosen, and overwrite replaces it', async () => {
    const source = await sharedServer('15', 'source');
    const target = await sharedServer('15', 'target');
    const db = uniqueDb('exists');
    await loadSlowFixture(source, db);
    await target.psql('postgres', `CREATE DATABASE ${db}`);
    await target.psql(db, 'CREATE TABLE leftover (x int)');
    const m = await new DirectMigrationRun(specFor(source, target, [db], `exists-${process.pid}`), secretsOf(source, target), { store: tempStore() }).done;
    assert.equal(m.currentStatus?.state, 'Failed');
    assert.match(m.currentStatus?.error ?? '', new RegExp(`"${db}" already exists on the target server.*overwrite`));
    assert.equal((await target.psql(db, "SELECT count(*) FROM pg_tables WHERE tablename = 'leftover'")).trim(), '1');
    const holder = await connect(target.conn(db)); // a session on it: overwrite must end it
    holder.on('error', () => undefined);
    const m2 = await new DirectMigrationRun(specFor(source, target, [db], `exists2-${process.pid}`, { overwrite: true }), secretsOf(source, target), { store: tempStore() }).done;
    await holder.end().catch(() => undefined);
    assert.equal(m2.currentStatus?.state, 'Succeeded', m2.currentStatus?.error);
    assert.equal((await target.psql(db, "SELECT count(*) FROM pg_tables WHERE tablename = 'leftover'")).trim(), '0');
    assert.equal((await target.psql(db, 'SELECT count(*) FROM big')).trim(), '40000');
  });

  it('reports a wrong password and an unreachable host as clear errors, with nothing left open', async () => {
    const source = await sharedServer('15', 'source');
    const target = await sharedServer('16', 'target');
    const db = uniqueDb('badpw');
    await source.psql('postgres', `CREATE DATABASE ${db}`);
    const m = await new DirectMigrationRun(specFor(source, target, [db], `badpw-${process.pid}`), { sourcePassword: 'not-the-password-42', targetPassword: target.password }, { store: tempStore() }).done;
    assert.equal(m.currentStatus?.state, 'Failed');
    assert.match(m.currentStatus?.error ?? '', /source server 127\.0\.0\.1:\d+ rejected the password for user "postgres"/);
    assert.doesNotMatch(JSON.stringify(m), /not-the-password-42/);
    assert.equal(await dbExists(target, db), false, 'nothing created on the target');
    const port = await freePort();
    const spec = specFor(source, target, [db], `unreach-${process.pid}`);
    spec.target = { ...spec.target, port };
    const m2 = await new DirectMigrationRun(spec, secretsOf(source, target), { store: tempStore() }).done;
    assert.equal(m2.currentStatus?.state, 'Failed');
    assert.match(m2.currentStatus?.error ?? '', new RegExp(`Nothing is listening on the target server 127\\.0\\.0\\.1:${port}`));
    await assertNothingOpen(source, target);
  });

  it('refuses a pg_dump older than the source, saying which version to install', async () => {
    const source = await sharedServer('16', 'source');
    const target = await sharedServer('16', 'target');
    const db = uniqueDb('newsrc');
    await source.psql('postgres', `CREATE DATABASE ${db}`);
    const m = await new DirectMigrationRun(specFor(source, target, [db], `newsrc-${process.pid}`), secretsOf(source, target), { store: tempStore() }).done;
    assert.equal(m.currentStatus?.state, 'Failed');
    assert.match(m.currentStatus?.error ?? '', /pg_dump 15 cannot dump the source server 127\.0\.0\.1:\d+, which runs PostgreSQL 16\. Install the PostgreSQL 16 client tools/);
    assert.equal(await dbExists(target, db), false);
    await assertNothingOpen(source, target);
  });

  it('refuses a 9th database, template1 and a name starting with a hyphen before touching any server', async () => {
    const source = await sharedServer('15', 'source');
    const target = await sharedServer('16', 'target');
    const p = new DirectProvider({ store: tempStore() });
    const nine = Array.from({ length: 9 }, (_, i) => `db${i}`);
    await assert.rejects(p.create(specFor(source, target, nine, 'nine'), secretsOf(source, target)), /9 databases were chosen; a migration moves at most 8/);
    await assert.rejects(p.create(specFor(source, target, ['template1'], 'tpl'), secretsOf(source, target)), /"template1" is a system or template database/);
    await assert.rejects(p.create(specFor(source, target, ['x'], '-bad'), secretsOf(source, target)), /starts with a hyphen/);
    assert.deepEqual(await p.list(specFor(source, target, ['x'], 'x').target), []);
  });
});
