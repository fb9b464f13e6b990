import assert from 'node:assert/strict';
import { DirectMigrationRun } from '../../src/direct/engine';
import { DirectProvider } from '../../src/direct/provider';
import { watchOnline } from '../../src/direct/online/control';
import { migrationPrefix, replicationName } from '../../src/direct/online/names';
import { targetKeyOf } from '../../src/direct/store';
import { specFor, tempStore } from '../harness/migrationSpec';
import { available, type PgVersion, type TestServer } from '../harness/postgres';
import { sharedServer, uniqueDb } from '../harness/servers';
import { dumpTables, replicationObjects, SCHEMA, sequenceValue, Writer } from './onlineFixture';

/** Two databases with the online fixture's schema and rows. */
async function twoDatabases(source: TestServer, prefix: string): Promise<[string, string]> {
  const dbs: [string, string] = [uniqueDb(`${prefix}a`), uniqueDb(`${prefix}b`)];
  for (const db of dbs) {
    await source.psql('postgres', `CREATE DATABASE ${db}`);
    await source.psql(db, SCHEMA);
  }
  return dbs;
}

describe('direct online migration through the engine (real servers)', function () {
  this.timeout(240_000);

  for (const [sv, tv] of [['11', '16']] as [PgVersion, PgVersion][]) {
    if (!available(sv)) continue;
    it(`PG${sv} → PG${tv}: copy from the slot's snapshot while a writer runs, wait for cutover with live latency, cut over automatically: equal row for row, nothing left`, async () => {
      const source = await sharedServer(sv, 'source');
      const target = await sharedServer(tv, 'target');
      const db = uniqueDb(`onleng${sv}`);
      await source.psql('postgres', `CREATE DATABASE ${db}`);
      await source.psql(db, SCHEMA);
      const writer = new Writer(source, db).start();
      await writer.waitOps(5);
      const store = tempStore();
      const name = `onl-eng-${sv}-${process.pid}`;
      const spec = specFor(source, target, [db], name, { mode: 'Online' });
      const secrets = { sourcePassword: source.password, targetPassword: target.password };
      const run = new DirectMigrationRun(spec, secrets, { store, throttleMs: 10 });
      const m = await run.done;
      assert.equal(m.currentStatus?.state, 'WaitingForUserAction', m.currentStatus?.error);
      assert.equal(m.currentStatus?.currentSubStateDetails?.currentSubState, 'WaitingForCutoverTrigger');
      assert.equal(m.currentStatus?.currentSubStateDetails?.dbDetails?.[db].migrationState, 'WaitingForCutoverTrigger');
      await writer.waitOps(20);
      const ref = { store, targetKey: targetKeyOf(spec.target), name, secrets };
      // Watch while the writer still runs: latency and CDC counters appear in the record.
      const stop = new AbortController();
      const seen: number[] = [];
      const watching = watchOnline(ref, { cutover: 'wait', everyMs: 200, signal: stop.signal, onChange: (x) => {
        const d = x.currentStatus?.currentSubStateDetails?.dbDetails?.[db];
        if (d?.latency !== undefined && (d.appliedChanges ?? 0) > 0) seen.push(d.latency);
        // Statistics reach the counters up to a second late: watch until every kind has shown.
        if (seen.length >= 5 && (d?.cdcInsertCounter ?? 0) > 0 && (d?.cdcUpdateCounter ?? 0) > 0 && (d?.cdcDeleteCounter ?? 0) > 0) stop.abort();
      } });
      assert.equal(await watching, 'Detached');
      assert.ok(seen.every((l) => l < 5), `latencies ${seen.join(', ')}`);
      const rec = store.load(ref.targetKey, name)!;
      const d = rec.migration.currentStatus!.currentSubStateDetails!.dbDetails![db];
      assert.ok((d.cdcInsertCounter ?? 0) > 0 && (d.cdcUpdateCounter ?? 0) > 0 && (d.cdcDeleteCounter ?? 0) > 0, JSON.stringify(d));
      await writer.stop();
      assert.equal(await watchOnline(ref, { cutover: 'auto', quietSeconds: 1, everyMs: 200 }), 'Succeeded');
      const done = store.load(ref.targetKey, name)!.migration;
      assert.equal(done.currentStatus?.state, 'Succeeded');
      const dd = done.currentStatus!.currentSubStateDetails!.dbDetails![db];
      assert.equal(dd.migrationState, 'Succeeded');
      assert.ok((dd.cutoverSeconds ?? 99) < 5, `cutover ${dd.cutoverSeconds} s`);
      assert.deepEqual(await dumpTables(target, db), await dumpTables(source, db));
      assert.equal(await sequenceValue(target, db), await sequenceValue(source, db));
      assert.deepEqual(await replicationObjects(source, db, migrationPrefix(name)), []);
      assert.deepEqual(await replicationObjects(target, db, migrationPrefix(name)), []);
    });
  }

  it('DirectProvider with watchOnline shows live latency in get() and cuts over in the same process (the extension path)', async () => {
    const source = await sharedServer('15', 'source');
    const target = await sharedServer('16', 'target');
    const db = uniqueDb('onlprov');
    await source.psql('postgres', `CREATE DATABASE ${db}`);
    await source.psql('postgres', `ALTER DATABASE ${db} SET work_mem = '7MB'; ALTER DATABASE ${db} SET myapp.mode = 'live'`);
    await source.psql(db, SCHEMA);
    const p = new DirectProvider({ store: tempStore(), watchOnline: true, sourcePassword: () => source.password, targetPassword: () => target.password });
    const spec = specFor(source, target, [db], `onl-prov-${process.pid}`, { mode: 'Online' });
    const run = await p.start(spec, { sourcePassword: source.password, targetPassword: target.password });
    assert.equal((await run.done).currentStatus?.state, 'WaitingForUserAction');
    const until = Date.now() + 60_000;
    while ((await p.get(spec.target, spec.name)).currentStatus?.currentSubStateDetails?.dbDetails?.[db]?.latency === undefined) {
      assert.ok(Date.now() < until, 'latency never appeared in the live model');
      await new Promise((r) => setTimeout(r, 200));
    }
    await source.psql(db, `INSERT INTO t_int (v, n) VALUES ('late', 1)`);
    // The database's settings reach the target at cutover, not before (they would reach the
    // migration's own sessions too).
    const settingsOf = (s: TestServer) => s.psql('postgres', `SELECT coalesce(array_to_string(setconfig, ','), '') FROM pg_db_role_setting s JOIN pg_database d ON d.oid = s.setdatabase WHERE d.datname = '${db}' AND s.setrole = 0`);
    assert.equal((await settingsOf(target)).trim(), '');
    await p.cutover(spec.target, spec.name);
    const m = await p.get(spec.target, spec.name);
    assert.equal(m.currentStatus?.state, 'Succeeded', JSON.stringify(m.currentStatus));
    assert.equal((await settingsOf(target)).trim(), (await settingsOf(source)).trim());
    assert.equal((await settingsOf(target)).trim(), 'work_mem=7MB,myapp.mode=live');
    assert.deepEqual(await dumpTables(target, db), await dumpTables(source, db));
    assert.deepEqual(await replicationObjects(source, db, migrationPrefix(spec.name)), []);
  });

  it('cutover copies again what replication cannot carry: unlogged tables and large objects', async () => {
    const source = await sharedServer('15', 'source');
    const target = await sharedServer('16', 'target');
    const db = uniqueDb('onlresync');
    await source.psql('postgres', `CREATE DATABASE ${db}`);
    await source.psql(db, `CREATE TABLE t (id int PRIMARY KEY, v text); INSERT INTO t SELECT g, 'v' || g FROM generate_series(1, 100) g;
      CREATE UNLOGGED TABLE cache (k text PRIMARY KEY, v int); INSERT INTO cache SELECT 'k' || g, g FROM generate_series(1, 50) g;
      CREATE UNLOGGED TABLE kinds (id int PRIMARY KEY); INSERT INTO kinds VALUES (1), (2);
      CREATE UNLOGGED TABLE items (id int PRIMARY KEY, kind int REFERENCES kinds); INSERT INTO items VALUES (1, 1);
      SELECT lo_from_bytea(424242, 'first'); SELECT lo_from_bytea(424243, 'to be removed'); SELECT lo_from_bytea(424245, 'unchanged');
      SELECT lo_from_bytea(424246, convert_to(repeat('ab', 1300000), 'UTF8'));`);
    const p = new DirectProvider({ store: tempStore(), watchOnline: true, sourcePassword: () => source.password, targetPassword: () => target.password });
    const spec = specFor(source, target, [db], `onl-resync-${process.pid}`, { mode: 'Online' });
    const run = await p.start(spec, { sourcePassword: source.password, targetPassword: target.password });
    assert.equal((await run.done).currentStatus?.state, 'WaitingForUserAction');
    // While streaming, changes replication does not carry, and one it does (so the drain has work).
    await source.psql(db, `INSERT INTO t VALUES (101, 'late'); UPDATE cache SET v = v * 10; DELETE FROM cache WHERE v > 400; INSERT INTO cache VALUES ('new', 1);
      SELECT lo_put(424242, 0, 'FIRST'); SELECT lo_unlink(424243); SELECT lo_from_bytea(424244, 'created while streaming');
      SELECT lo_put(424246, 2500000, 'ZZ');`);
    const cache = `SELECT string_agg(k || '=' || v, ',' ORDER BY k) FROM cache`;
    const los = `SELECT string_agg(oid || ':' || CASE WHEN oid = 424246 THEN md5(lo_get(oid)) ELSE encode(lo_get(oid), 'escape') END, ',' ORDER BY oid) FROM pg_largeobject_metadata`;
    assert.notEqual(await target.psql(db, cache), await source.psql(db, cache), 'the unlogged table is not replicated');
    assert.notEqual(await target.psql(db, los), await source.psql(db, los), 'large objects are not replicated');
    await p.cutover(spec.target, spec.name);
    const m = await p.get(spec.target, spec.name);
    assert.equal(m.currentStatus?.state, 'Succeeded', JSON.stringify(m.currentStatus));
    assert.equal(await target.psql(db, cache), await source.psql(db, cache));
    assert.equal(await target.psql(db, los), await source.psql(db, los));
    assert.match((await target.psql(db, los)).trim(), /^424242:FIRST,424244:created while streaming,424245:unchanged,424246:[0-9a-f]{32}$/);
    const d = m.currentStatus!.currentSubStateDetails!.dbDetails![db];
    // Only the changed and the new large object were copied (the unchanged one compared equal on the servers).
    // A table that another references cannot be truncated alone: it keeps the initial copy, is
    // not counted, and the cutover says so.
    assert.match(d.message ?? '', /2 unlogged tables and 3 large objects copied again/, 'the changed, the new and the one changed in its third megabyte');
    assert.equal(d.warnings?.length, 1, JSON.stringify(d.warnings));
    assert.match(d.warnings![0], /^The unlogged table public\.kinds could not be copied again at cutover \(.*foreign key.*\); it holds the rows of the initial copy: copy it yourself after the cutover if its rows matter\.$/);
    assert.equal(d.verification?.tablesChecked, 3, 'row counts compared for t, cache and items');
    assert.deepEqual(await replicationObjects(source, db, migrationPrefix(spec.name)), []);
  });

  it('cancels one database of a streaming migration (dbsToCancelMigrationOn): its replication objects go, the other streams on and cuts over', async () => {
    const source = await sharedServer('15', 'source');
    const target = await sharedServer('16', 'target');
    const [a, b] = await twoDatabases(source, 'onlcancel');
    const p = new DirectProvider({ store: tempStore(), watchOnline: true, sourcePassword: () => source.password, targetPassword: () => target.password });
    const spec = specFor(source, target, [a, b], `onl-cancel1-${process.pid}`, { mode: 'Online' });
    const run = await p.start(spec, { sourcePassword: source.password, targetPassword: target.password });
    assert.equal((await run.done).currentStatus?.state, 'WaitingForUserAction');
    await p.cancel(spec.target, spec.name, [a]);
    let m = await p.get(spec.target, spec.name);
    const dbs = m.currentStatus!.currentSubStateDetails!.dbDetails!;
    assert.equal(m.currentStatus?.state, 'WaitingForUserAction');
    assert.equal(dbs[a].migrationState, 'Canceled');
    assert.equal(dbs[b].migrationState, 'WaitingForCutoverTrigger');
    assert.deepEqual(m.dbsToCancelMigrationOn, [a]);
    assert.match(m.currentStatus?.error ?? '', new RegExp(`Canceled ${a}; ${b} still streams`));
    assert.deepEqual(await replicationObjects(source, a, replicationName(spec.name, a)), []);
    assert.deepEqual(await replicationObjects(target, a, replicationName(spec.name, a)), []);
    assert.ok((await replicationObjects(source, b, replicationName(spec.name, b))).length >= 2, 'the other database still replicates');
    // Changes to the canceled database no longer reach the target; the other's still do.
    await source.psql(a, `INSERT INTO t_int (v, n) VALUES ('after cancel', 1)`);
    await source.psql(b, `INSERT INTO t_int (v, n) VALUES ('after cancel', 1)`);
    await p.cutover(spec.target, spec.name);
    m = await p.get(spec.target, spec.name);
    assert.equal(m.currentStatus?.state, 'Succeeded', JSON.stringify(m.currentStatus));
    assert.equal(m.currentStatus!.currentSubStateDetails!.dbDetails![a].migrationState, 'Canceled');
    assert.equal(m.currentStatus!.currentSubStateDetails!.dbDetails![b].migrationState, 'Succeeded');
    assert.deepEqual(await dumpTables(target, b), await dumpTables(source, b));
    assert.equal((await target.psql(a, "SELECT count(*) FROM t_int WHERE v = 'after cancel'")).trim(), '0');
    assert.deepEqual(await replicationObjects(source, b, migrationPrefix(spec.name)), []);
  });

  it('refuses to cancel only some databases while they copy, and says what to do', async () => {
    const source = await sharedServer('15', 'source');
    const target = await sharedServer('16', 'target');
    const [a, b] = await twoDatabases(source, 'offcancel');
    const p = new DirectProvider({ store: tempStore(), engine: { copyRateLimit: 20_000 } });
    const spec = specFor(source, target, [a, b], `off-cancel1-${process.pid}`);
    const run = await p.start(spec, { sourcePassword: source.password, targetPassword: target.password });
    await assert.rejects(p.cancel(spec.target, spec.name, [a]), /is copying, and its databases stop together: .* can be canceled alone only once an online migration streams\. Cancel the whole migration/);
    assert.equal(run.migration.currentStatus?.state, 'InProgress', 'nothing was canceled');
    await p.cancel(spec.target, spec.name);
    assert.equal((await run.done).currentStatus?.state, 'Canceled');
  });

  it('cancel mid-copy stops the run and leaves no slot, publication or subscription', async () => {
    const source = await sharedServer('15', 'source');
    const target = await sharedServer('16', 'target');
    const db = uniqueDb('onlcancel');
    await source.psql('postgres', `CREATE DATABASE ${db}`);
    await source.psql(db, `${SCHEMA} INSERT INTO t_int (v, n) SELECT repeat('x', 200), g FROM generate_series(1, 20000) g;`);
    const name = `onl-cancel-${process.pid}`;
    const run = new DirectMigrationRun(specFor(source, target, [db], name, { mode: 'Online' }), { sourcePassword: source.password, targetPassword: target.password }, { store: tempStore(), throttleMs: 10, copyRateLimit: 200_000 });
    await new Promise<void>((resolve) => {
      const off = run.tracker.onChange((m) => {
        if ((m.currentStatus?.currentSubStateDetails?.dbDetails?.[db]?.fullLoadLoadingTables ?? 0) > 0) {
          off();
          resolve();
        }
      });
    });
    const objects = await replicationObjects(source, db, migrationPrefix(name));
    assert.ok(objects.some((o) => o.startsWith('slot')), `a slot exists during the copy: ${objects.join(', ')}`);
    run.cancel();
    const m = await run.done;
    assert.equal(m.currentStatus?.state, 'Canceled', m.currentStatus?.error);
    assert.deepEqual(await replicationObjects(source, db, migrationPrefix(name)), []);
    assert.deepEqual(await replicationObjects(target, 'postgres', migrationPrefix(name)), []);
  });
});
