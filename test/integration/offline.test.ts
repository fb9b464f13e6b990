import type { DatabaseMigrationState, MigrationProgress } from '../../src/core/model';
import { targetKeyOf } from '../../src/direct/store';
import assert from 'node:assert/strict';
import { DirectMigrationRun } from '../../src/direct/engine';
import { dataOf, normalisedDump, pgflexSessions, schemaOf } from '../harness/compare';
import { loadFixture, loadSlowFixture, richFixtures, specFor, tempStore } from '../harness/migrationSpec';
import { connect } from '../../src/pg/connection';
import { verifyTables } from '../../src/direct/verify';
import { startServer } from '../harness/postgres';
import { sharedServer, uniqueDb } from '../harness/servers';

describe('direct offline migration of the feature-rich database (real servers)', function () {
  this.timeout(180_000);

  for (const [from, to] of [['11', '16'], ['15', '15']] as const) {
    it(`migrates PostgreSQL ${from} → ${to}: target schema and every table's data equal the source's`, async () => {
      const source = await sharedServer(from, 'source');
      const target = await sharedServer(to, 'target');
      const db = uniqueDb(`rich${from}to${to}`);
      await loadFixture(source, db, richFixtures(source));
      const seen: string[] = [];
      const run = new DirectMigrationRun(specFor(source, target, [db], `rich-${from}-${to}-${process.pid}`, { verify: 'checksums' }), { sourcePassword: source.password, targetPassword: target.password }, { store: tempStore(), throttleMs: 10 });
      seen.push(run.tracker.snapshot().currentStatus?.currentSubStateDetails?.currentSubState ?? '');
      run.tracker.onChange((m) => seen.push(m.currentStatus?.currentSubStateDetails?.currentSubState ?? ''));
      const m = await run.done;
      assert.equal(m.currentStatus?.state, 'Succeeded', m.currentStatus?.error);
      assert.equal(m.currentStatus?.currentSubStateDetails?.currentSubState, 'Completed');
      for (const s of ['PerformingPreRequisiteSteps', 'MigratingData', 'CompletingMigration', 'Completed']) assert.ok(seen.includes(s), `substate ${s} reported`);
      console.log(`      (${from} → ${to} phases: ${JSON.stringify(m.currentStatus!.currentSubStateDetails!.dbDetails![db].phaseSeconds)})`);
      const d = m.currentStatus!.currentSubStateDetails!.dbDetails![db];
      assert.equal(d.migrationState, 'Succeeded');
      assert.equal(d.fullLoadErroredTables, 0);
      assert.equal(d.fullLoadCompletedTables, d.tables!.length);
      assert.ok(d.tables!.length >= 15, `tables copied: ${d.tables!.length}`);
      assert.equal(d.verification?.state, 'Succeeded');
      assert.equal(d.verification?.mode, 'checksums');
      const fmt = (n: string) => d.tables!.find((x) => x.name === n)?.format;
      assert.equal(fmt('public.customers'), 'text', 'arrays of an enum, a composite and extension types go as text');
      assert.equal(fmt('public.odd_types'), 'binary');
      assert.equal(fmt('public.nan_numbers'), 'binary');
      assert.ok(!d.tables!.some((x) => x.name === 'sales.orders' || x.name === 'sales.orders_2024'), 'partitioned parents are not copied');

      const [ss, ts] = await Promise.all([schemaOf(source.conn(db)), schemaOf(target.conn(db))]);
      for (const k of Object.keys(ss)) assert.deepEqual(ts[k], ss[k], `schema part "${k}" differs`);
      const [sd, td] = await Promise.all([dataOf(source.conn(db)), dataOf(target.conn(db))]);
      assert.deepEqual(td, sd);
      assert.ok(Object.keys(sd).length >= 15);
      if (to === '15') assert.equal(await normalisedDump(target.conn(db)), await normalisedDump(source.conn(db)));
      // Statistics: every copied table analyzed, and the expression index's own (ANALYZE ran after it).
      const unanalyzed = await target.psql(db, "SELECT string_agg(relname, ',') FROM pg_stat_user_tables WHERE last_analyze IS NULL AND relname NOT IN ('orders', 'orders_2024')");
      assert.equal(unanalyzed.trim(), '', 'tables never analyzed');
      assert.ok(Number(await target.psql(db, "SELECT count(*) FROM pg_stats WHERE tablename = 'customers_lower_name'")) > 0, 'statistics of the expression index');
      assert.deepEqual(await pgflexSessions(source.conn()), []);
      assert.deepEqual(await pgflexSessions(target.conn()), []);
    });
  }

  for (const from of ['15', '11'] as const) {
    it(`splits big tables into ${from === '15' ? 'ctid' : 'integer key'} ranges on a PostgreSQL ${from} source when workers are spare, copying every row once`, async () => {
      const source = await sharedServer(from, 'source');
      const target = await sharedServer('16', 'target');
      const db = uniqueDb(`split${from}`);
      await loadSlowFixture(source, db);
      await source.psql(db, 'CREATE TABLE nokey AS SELECT g AS n, md5(g::text) AS t FROM generate_series(1, 20000) g');
      const run = new DirectMigrationRun(specFor(source, target, [db], `split-${from}-${process.pid}`, { jobs: 4 }), { sourcePassword: source.password, targetPassword: target.password }, { store: tempStore(), minSplitBytes: 64 * 1024 });
      const m = await run.done;
      assert.equal(m.currentStatus?.state, 'Succeeded', m.currentStatus?.error);
      const tables = m.currentStatus!.currentSubStateDetails!.dbDetails![db].tables!;
      const parts = (n: string) => tables.find((x) => x.name === n)?.parts;
      assert.ok(parts('public.big')! > 1, `big copied in ${parts('public.big')} parts`);
      // Without a TID range scan (before 14), a table without an integer key is copied whole.
      if (from === '11') assert.equal(parts('public.nokey'), 1);
      else assert.ok(parts('public.nokey')! >= 1);
      assert.deepEqual(await dataOf(target.conn(db)), await dataOf(source.conn(db)));
    });
  }

  it('migrates over TLS on both sides (sslmode=require): the COPY relay carries binary and text tables whole', async () => {
    const source = await startServer({ version: '15', ssl: true });
    const target = await startServer({ version: '16', ssl: true, logical: false });
    try {
      const db = uniqueDb('tls');
      await loadFixture(source, db, richFixtures(source));
      await source.psql(db, "CREATE TABLE wide AS SELECT g AS id, repeat(md5(g::text), 8) AS payload FROM generate_series(1, 60000) g");
      const spec = specFor(source, target, [db], `tls-${process.pid}`);
      assert.equal(spec.source.sslMode, 'require');
      assert.equal(spec.target.sslMode, 'require');
      const m = await new DirectMigrationRun(spec, { sourcePassword: source.password, targetPassword: target.password }, { store: tempStore(), throttleMs: 10 }).done;
      assert.equal(m.currentStatus?.state, 'Succeeded', m.currentStatus?.error);
      const d = m.currentStatus!.currentSubStateDetails!.dbDetails![db];
      assert.ok(d.tables!.some((x) => x.format === 'text') && d.tables!.some((x) => x.format === 'binary'), 'both formats crossed');
      assert.deepEqual(await dataOf(target.conn(db)), await dataOf(source.conn(db)));
    } finally {
      await source.destroy();
      await target.destroy();
    }
  });

  it('migrates several databases concurrently within one worker budget', async () => {
    const source = await sharedServer('15', 'source');
    const target = await sharedServer('16', 'target');
    const dbs = [uniqueDb('multi_a'), uniqueDb('multi_b'), uniqueDb('multi_c')];
    for (const db of dbs) await loadSlowFixture(source, db);
    const run = new DirectMigrationRun(specFor(source, target, dbs, `multi-${process.pid}`, { jobs: 2 }), { sourcePassword: source.password, targetPassword: target.password }, { store: tempStore(), throttleMs: 10 });
    let concurrent = 0;
    run.tracker.onChange((mm) => {
      const loading = dbs.filter((db) => (mm.currentStatus?.currentSubStateDetails?.dbDetails?.[db]?.fullLoadLoadingTables ?? 0) > 0).length;
      const total = dbs.reduce((n, db) => n + (mm.currentStatus?.currentSubStateDetails?.dbDetails?.[db]?.fullLoadLoadingTables ?? 0), 0);
      assert.ok(total <= 2, `at most 2 tables load at once (saw ${total})`);
      concurrent = Math.max(concurrent, loading);
    });
    const m = await run.done;
    assert.equal(m.currentStatus?.state, 'Succeeded', m.currentStatus?.error);
    for (const db of dbs) {
      const d: DatabaseMigrationState = m.currentStatus!.currentSubStateDetails!.dbDetails![db];
      assert.equal(d.migrationState, 'Succeeded');
      assert.equal(d.verification?.state, 'Succeeded');
      assert.equal((await target.psql(db, 'SELECT count(*) FROM big')).trim(), '40000');
    }
    assert.ok(concurrent >= 1);
  });

  it('reports bytes copied of the source tables\' sizes, the rate and time left while copying, and post-data built, in the saved model', async () => {
    const source = await sharedServer('15', 'source');
    const target = await sharedServer('16', 'target');
    const db = uniqueDb('progress');
    await loadSlowFixture(source, db);
    const store = tempStore();
    const spec = specFor(source, target, [db], `progress-${process.pid}`, { jobs: 1 });
    // About 4 MB through one pipe at 1 MB/s: seconds of copy, long enough for a rate.
    const run = new DirectMigrationRun(spec, { sourcePassword: source.password, targetPassword: target.password }, { store, copyRateLimit: 1_000_000, throttleMs: 50 });
    let last = 0;
    let midway: MigrationProgress | undefined;
    run.tracker.onChange((mm) => {
      const p = mm.currentStatus?.currentSubStateDetails?.dbDetails?.[db]?.progress;
      if (!p) return;
      assert.ok(p.bytesCopied >= last, `bytes copied never go back (${p.bytesCopied} after ${last})`);
      assert.ok(p.bytesCopied <= p.bytesTotal, `bytes copied within the total (${p.bytesCopied} of ${p.bytesTotal})`);
      last = p.bytesCopied;
      if (p.bytesPerSecond !== undefined && p.bytesCopied < p.bytesTotal) midway ??= structuredClone(p);
    });
    const m = await run.done;
    assert.equal(m.currentStatus?.state, 'Succeeded', m.currentStatus?.error);
    const sizes = Number(await source.psql(db, "SELECT sum(pg_relation_size(c.oid)) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'r' AND n.nspname = 'public'"));
    const p = m.currentStatus!.currentSubStateDetails!.dbDetails![db].progress!;
    assert.equal(p.bytesTotal, sizes, 'the total is the source tables\' sizes');
    assert.equal(p.bytesCopied, sizes, 'all of it copied at the end');
    assert.equal(p.bytesPerSecond, undefined, 'no rate once copied');
    assert.equal(p.etaSeconds, undefined);
    assert.ok(p.postDataTotal! >= 4, `post-data entries: ${p.postDataTotal}`);
    assert.equal(p.postDataBuilt, p.postDataTotal);
    assert.deepEqual(m.progress, { bytesTotal: sizes, bytesCopied: sizes, postDataTotal: p.postDataTotal, postDataBuilt: p.postDataTotal });
    assert.ok(midway, 'a rate was reported while copying');
    assert.ok(midway.bytesPerSecond! > 100_000 && midway.bytesPerSecond! < 3_000_000, `rate near the 1 MB/s limit: ${midway.bytesPerSecond}`);
    assert.ok(midway.etaSeconds !== undefined && midway.etaSeconds > 0, `time left while copying: ${midway.etaSeconds}`);
    // `status` and `--json` read the saved record: it carries the same progress.
    assert.deepEqual(store.load(targetKeyOf(spec.target), spec.name)?.migration.progress, m.progress);
  });

  it('Validate only runs the rules and creates nothing on the target', async () => {
    const source = await sharedServer('15', 'source');
    const target = await sharedServer('16', 'target');
    const db = uniqueDb('validate');
    await source.psql('postgres', `CREATE DATABASE ${db}`);
    const seen: string[] = [];
    const run = new DirectMigrationRun(specFor(source, target, [db], `validate-${process.pid}`, { option: 'Validate' }), { sourcePassword: source.password, targetPassword: target.password }, { store: tempStore(), throttleMs: 1 });
    run.tracker.onChange((mm) => seen.push(mm.currentStatus?.currentSubStateDetails?.currentSubState ?? ''));
    const m = await run.done;
    assert.ok(['Succeeded', 'ValidationFailed'].includes(m.currentStatus!.state!), m.currentStatus?.error);
    assert.ok(seen.includes('ValidationInProgress'));
    assert.ok(m.currentStatus?.currentSubStateDetails?.validationDetails?.dbLevelValidationDetails?.some((v) => v.databaseName === db));
    assert.equal((await target.psql('postgres', `SELECT count(*) FROM pg_database WHERE datname = '${db}'`)).trim(), '0');
  });

  it('verification names a table whose row counts or contents differ', async () => {
    const server = await sharedServer('15', 'source');
    const a = uniqueDb('verify_a');
    const b = uniqueDb('verify_b');
    await server.psql('postgres', `CREATE DATABASE ${a}; `);
    await server.psql('postgres', `CREATE DATABASE ${b}; `);
    await server.psql(a, 'CREATE TABLE t (x int); INSERT INTO t VALUES (1), (2), (3); CREATE TABLE same (x int); INSERT INTO same VALUES (1)');
    await server.psql(b, 'CREATE TABLE t (x int); INSERT INTO t VALUES (1), (2), (4); CREATE TABLE same (x int); INSERT INTO same VALUES (1)');
    const [ca, cb] = await Promise.all([connect(server.conn(a)), connect(server.conn(b))]);
    try {
      const plans = ['t', 'same'].map((t) => ({ oid: 0, schema: 'public', table: t, name: `public.${t}`, bytes: 0, columns: ['x'], format: 'binary' as const }));
      const counts = await verifyTables(ca, cb, plans, 'counts');
      assert.equal(counts.state, 'Succeeded', 'same counts');
      const sums = await verifyTables(ca, cb, plans, 'checksums');
      assert.equal(sums.state, 'Failed');
      assert.deepEqual(sums.mismatches.map((x) => x.table), ['public.t']);
    } finally {
      await Promise.all([ca.end(), cb.end()]);
    }
  });
});
