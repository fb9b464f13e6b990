import assert from 'node:assert/strict';
import type { Migration } from '../../src/core/model';
import { DirectMigrationRun } from '../../src/direct/engine';
import { performCancel, watchOnline } from '../../src/direct/online/control';
import { findLeftovers } from '../../src/direct/online/leftovers';
import { targetKeyOf } from '../../src/direct/store';
import { dataOf, schemaOf } from '../harness/compare';
import { specFor, tempStore } from '../harness/migrationSpec';
import type { TestServer } from '../harness/postgres';
import { sharedServer, uniqueDb } from '../harness/servers';
import { client, SCHEMA, Writer } from './onlineFixture';

const EXTRA = `
CREATE TABLE t_extra (id int PRIMARY KEY, a text, b int, c text);
INSERT INTO t_extra SELECT g, 'a' || g, g, 'c' || g FROM generate_series(1, 200) g;
CREATE TABLE t_drop (id int PRIMARY KEY);
INSERT INTO t_drop SELECT generate_series(1, 50);
CREATE FUNCTION f_label(i int) RETURNS text LANGUAGE sql AS $$ SELECT 'old ' || i $$;
`;

/** Event triggers, functions and tables of pgflex in a database (none once a migration ended). */
async function ddlObjects(s: TestServer, db: string): Promise<string[]> {
  const c = await client(s, db);
  try {
    const r = await c.query(`SELECT 'event trigger ' || evtname AS o FROM pg_event_trigger
      UNION ALL SELECT 'function ' || p.proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'pgflex'
      UNION ALL SELECT 'relation ' || c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'pgflex'
      UNION ALL SELECT 'schema pgflex' FROM pg_namespace WHERE nspname = 'pgflex'`);
    return r.rows.map((x: { o: string }) => x.o);
  } finally {
    await c.end();
  }
}

async function until<T>(what: string | (() => string), fn: () => Promise<T | undefined>, timeoutMs = 90_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${typeof what === 'string' ? what : what()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const one = async (s: TestServer, db: string, sql: string) => (await s.psql(db, sql)).trim();

describe('direct online migration replicating schema changes (real servers)', function () {
  this.timeout(300_000);

  it('PG15 → PG16, writer running throughout: columns added, filled, dropped, retyped, a table created and written, indexes created, a table dropped, a function replaced; after cutover schema and rows equal, nothing of pgflex left', async () => {
    const source = await sharedServer('15', 'source');
    const target = await sharedServer('16', 'target');
    const db = uniqueDb('onlddl');
    await source.psql('postgres', `CREATE DATABASE ${db}`);
    await source.psql(db, SCHEMA + EXTRA);
    // A role that issues DDL on the source, and exists on the target without its privileges.
    const role = `ddl_app_${process.pid}`;
    for (const s of [source, target]) await s.psql('postgres', `DROP ROLE IF EXISTS ${role}; CREATE ROLE ${role}`);
    await source.psql(db, `GRANT CREATE ON SCHEMA public TO ${role}; GRANT ALL ON t_extra TO ${role}`);
    const writer = new Writer(source, db).start();
    await writer.waitOps(5);
    const store = tempStore();
    const name = `onl-ddl-${process.pid}`;
    const spec = specFor(source, target, [db], name, { mode: 'Online', replicateDdl: true });
    const secrets = { sourcePassword: source.password, targetPassword: target.password };
    const m = await new DirectMigrationRun(spec, secrets, { store, throttleMs: 10 }).done;
    assert.equal(m.currentStatus?.state, 'WaitingForUserAction', m.currentStatus?.error);
    // The schema copy leaves pgflex's event triggers on the source (pg_dump copies event triggers whatever the schema).
    assert.equal(await one(target, db, `SELECT count(*) FROM pg_event_trigger`), '0');
    assert.equal(await one(source, db, `SELECT count(*) FROM pg_event_trigger`), '2');
    const ref = { store, targetKey: targetKeyOf(spec.target), name, secrets };
    const stop = new AbortController();
    let last: Migration | undefined;
    const watching = watchOnline(ref, { cutover: 'wait', everyMs: 200, signal: stop.signal, onChange: (x) => (last = x) });

    const c = await client(source, db);
    try {
      // Each statement on its own, as psql -f and migration tools send them.
      await c.query(`ALTER TABLE t_int ADD COLUMN extra text`);
      await writer.waitOps(3);
      await c.query(`UPDATE t_int SET extra = 'x' || id WHERE id % 3 = 0`);
      await c.query(`ALTER TABLE t_extra DROP COLUMN c`);
      await c.query(`ALTER TABLE t_extra ALTER COLUMN b TYPE bigint USING b * 1000`);
      await c.query(`UPDATE t_extra SET b = b + 5000000000 WHERE id <= 10`);
      await c.query(`CREATE TABLE t_new (id serial PRIMARY KEY, v text, at timestamptz DEFAULT now())`);
      await c.query(`INSERT INTO t_new (v) SELECT 'first ' || g FROM generate_series(1, 20) g`);
      await c.query(`CREATE INDEX t_extra_a ON t_extra (a)`);
      await c.query(`CREATE INDEX CONCURRENTLY t_new_v ON t_new (v)`);
      await c.query(`DROP TABLE t_drop`);
      await c.query(`CREATE OR REPLACE FUNCTION f_label(i int) RETURNS text LANGUAGE sql AS $$ SELECT 'new ' || i $$`);
      await c.query(`COMMENT ON TABLE t_new IS 'made while streaming'`);
      // DDL from a role that is not a superuser (the event triggers run as it).
      await c.query(`SET ROLE ${role}`);
      await c.query(`CREATE TABLE t_app (id int PRIMARY KEY, note text)`);
      await c.query(`INSERT INTO t_app VALUES (1, 'by the app role')`);
      await c.query(`ALTER TABLE t_app ADD COLUMN extra int DEFAULT 7`);
      await c.query(`RESET ROLE`);
      // Stays on the source: a temporary table; a publication (named as not replicated).
      await c.query(`CREATE TEMP TABLE scratch (x int)`);
      await c.query(`DROP TABLE scratch`);
      await c.query(`CREATE PUBLICATION user_pub FOR TABLE t_extra`);
      await c.query(`DROP PUBLICATION user_pub`);
      await writer.waitOps(5);
      // Rows of the new table written before and after the subscription took it in.
      await until('the new table on the target', async () => (await one(target, db, `SELECT count(*) FROM pg_tables WHERE tablename = 't_new'`)) === '1' || undefined);
      for (let i = 0; i < 10; i++) await c.query(`INSERT INTO t_new (v) VALUES ($1)`, [`later ${i}`]);
      await c.query(`UPDATE t_new SET v = v || '!' WHERE id % 2 = 0`);
      await until(() => `t_new rows on the target (${JSON.stringify(((d) => ({ message: d?.message, causes: d?.latencyCauses, warnings: d?.warnings }))(last?.currentStatus?.currentSubStateDetails?.dbDetails?.[db]))})`, async () => (await one(target, db, `SELECT count(*) FROM t_new`).catch(() => '')) === '30' || undefined);
      assert.equal(await one(target, db, `SELECT f_label(1)`), 'new 1');
    } finally {
      await c.end();
    }
    await writer.stop();
    assert.ok(writer.ops > 10, `writer did ${writer.ops} transactions`);
    const warnings = last?.currentStatus?.currentSubStateDetails?.dbDetails?.[db]?.warnings ?? [];
    assert.ok(warnings.some((w) => w.includes('CREATE PUBLICATION user_pub') && w.includes('not replicated')), JSON.stringify(warnings));
    stop.abort();
    assert.equal(await watching, 'Detached');
    assert.equal(await watchOnline(ref, { cutover: 'auto', quietSeconds: 1, everyMs: 200 }), 'Succeeded');
    const done = store.load(ref.targetKey, name)!.migration;
    assert.equal(done.currentStatus?.state, 'Succeeded', JSON.stringify(done.currentStatus));

    // The schema read from both catalogs, normalised (this machine's pg_dump 15 cannot dump the 16 target).
    assert.deepEqual(await schemaOf(target.conn(db)), await schemaOf(source.conn(db)));
    assert.deepEqual(await dataOf(target.conn(db)), await dataOf(source.conn(db)));
    assert.equal(await one(target, db, `SELECT count(*) FROM t_int WHERE extra IS NOT NULL`), await one(source, db, `SELECT count(*) FROM t_int WHERE extra IS NOT NULL`));
    assert.equal(await one(target, db, `SELECT note || extra FROM t_app`), 'by the app role7');
    assert.deepEqual(await ddlObjects(source, db), []);
    assert.deepEqual(await ddlObjects(target, db), []);
    assert.deepEqual(await findLeftovers({ source: source.conn(), target: target.conn() }, name), []);
    await source.psql(db, `DROP OWNED BY ${role}`);
    for (const s of [source, target]) await s.psql('postgres', `DROP ROLE ${role}`);
  });

  it('a source user who is not a superuser is refused clearly: by validation, and by a run without it, before any object is made', async () => {
    const source = await sharedServer('15', 'source');
    const target = await sharedServer('16', 'target');
    const db = uniqueDb('onlddlsu');
    const role = `ddl_admin_${process.pid}`;
    await source.psql('postgres', `DROP ROLE IF EXISTS ${role}; CREATE ROLE ${role} LOGIN REPLICATION PASSWORD 'pw-${process.pid}'`);
    await source.psql('postgres', `CREATE DATABASE ${db} OWNER ${role}`);
    await source.psql(db, `SET ROLE ${role}; CREATE TABLE t (id int PRIMARY KEY); INSERT INTO t VALUES (1)`);
    const secrets = { sourcePassword: `pw-${process.pid}`, targetPassword: target.password };
    const base = specFor(source, target, [db], `onl-ddlsu-${process.pid}`, { mode: 'Online', replicateDdl: true });
    const spec = { ...base, source: { ...base.source, user: role, id: `direct:${source.host}:${source.port}@${role}` } };
    const v = await new DirectMigrationRun({ ...spec, option: 'Validate' }, secrets, { store: tempStore(), throttleMs: 10 }).done;
    const item = v.currentStatus?.currentSubStateDetails?.validationDetails?.serverLevelValidationDetails?.find((i) => i.type === 'SourcePrivilegesValidation');
    assert.equal(item?.state, 'Failed', JSON.stringify(item));
    assert.ok(item!.messages!.some((x) => /event triggers/.test(x.message) && x.message.includes(role)), JSON.stringify(item!.messages));
    const m = await new DirectMigrationRun(spec, secrets, { store: tempStore(), throttleMs: 10 }).done;
    assert.equal(m.currentStatus?.state, 'Failed');
    assert.match(m.currentStatus?.error ?? JSON.stringify(m.currentStatus), /needs event triggers on the source, which only a superuser may create/);
    assert.deepEqual(await ddlObjects(source, db), []);
    assert.deepEqual(await findLeftovers({ source: source.conn(), target: target.conn() }, spec.name), []);
    await source.psql('postgres', `DROP DATABASE ${db}`);
    await source.psql('postgres', `DROP ROLE ${role}`);
  });

  it('a statement the target refuses stops only its database, named with the target\'s error; fixed on the target, the stream resumes; cancel leaves nothing', async () => {
    const source = await sharedServer('15', 'source');
    const target = await sharedServer('16', 'target');
    const [a, b] = [uniqueDb('onlddlra'), uniqueDb('onlddlrb')];
    for (const db of [a, b]) {
      await source.psql('postgres', `CREATE DATABASE ${db}`);
      await source.psql(db, SCHEMA);
    }
    const store = tempStore();
    const name = `onl-ddlr-${process.pid}`;
    const spec = specFor(source, target, [a, b], name, { mode: 'Online', replicateDdl: true });
    const secrets = { sourcePassword: source.password, targetPassword: target.password };
    const m = await new DirectMigrationRun(spec, secrets, { store, throttleMs: 10 }).done;
    assert.equal(m.currentStatus?.state, 'WaitingForUserAction', m.currentStatus?.error);
    const ref = { store, targetKey: targetKeyOf(spec.target), name, secrets };
    const stop = new AbortController();
    let last: Migration | undefined;
    const watching = watchOnline(ref, { cutover: 'wait', everyMs: 200, signal: stop.signal, onChange: (x) => (last = x) });
    try {
      // Something on the target that the source does not have: the same name.
      await target.psql(a, `CREATE TABLE t_block (note text)`);
      const c = await client(source, a);
      await c.query(`CREATE TABLE t_block (id int PRIMARY KEY)`);
      await c.query(`INSERT INTO t_int (v, n) VALUES ('after block', -1)`);
      await c.end();
      await source.psql(b, `INSERT INTO t_int (v, n) VALUES ('b goes on', -2)`);
      const cause = await until('the refused statement on database a', async () =>
        last?.currentStatus?.currentSubStateDetails?.dbDetails?.[a]?.latencyCauses?.find((x) => x.kind === 'ddl-refused'));
      assert.match(cause.summary, /CREATE TABLE t_block \(id int PRIMARY KEY\)/);
      assert.match(cause.summary, /already exists/);
      assert.match(last!.currentStatus!.currentSubStateDetails!.dbDetails![a].message ?? '', /t_block/);
      // The other database streams on.
      await until('database b streaming', async () => (await one(target, b, `SELECT count(*) FROM t_int WHERE n = -2`)) === '1' || undefined);
      assert.equal(await one(target, a, `SELECT count(*) FROM t_int WHERE n = -1`), '0');
      assert.ok(!(last!.currentStatus!.currentSubStateDetails!.dbDetails![b].latencyCauses ?? []).some((x) => x.kind === 'ddl-refused'));
      // Fixed on the target: the statement runs, and what followed it arrives.
      await target.psql(a, `DROP TABLE t_block`);
      await until('database a resuming', async () => (await one(target, a, `SELECT count(*) FROM t_int WHERE n = -1`)) === '1' || undefined);
      assert.equal(await one(target, a, `SELECT count(*) FROM pg_attribute WHERE attrelid = 't_block'::regclass AND attname = 'id'`), '1');
    } finally {
      stop.abort();
      await watching;
    }
    // While it streams, its DDL objects are listed as pgflex objects on both sides.
    const listed = await findLeftovers({ source: source.conn(), target: target.conn() }, name);
    for (const side of ['source', 'target']) {
      assert.deepEqual(listed.filter((l) => l.kind === 'ddl' && l.server === side).map((l) => l.database).sort(), [a, b].sort(), JSON.stringify(listed));
    }
    const rec = store.load(ref.targetKey, name)!;
    await performCancel(rec, secrets, { migration: rec.migration, changed: () => store.save(rec) });
    for (const db of [a, b]) {
      assert.deepEqual(await ddlObjects(source, db), [], `source ${db}`);
      assert.deepEqual(await ddlObjects(target, db), [], `target ${db}`);
    }
    assert.deepEqual(await findLeftovers({ source: source.conn(), target: target.conn() }, name), []);
  });
});
