import assert from 'node:assert/strict';
import { existsSync, rmSync } from 'node:fs';
import { DirectMigrationRun } from '../../src/direct/engine';
import { DirectProvider } from '../../src/direct/provider';
import { connect } from '../../src/pg/connection';
import { specFor, tempStore } from '../harness/migrationSpec';
import type { TestServer } from '../harness/postgres';
import { sharedServer, uniqueDb } from '../harness/servers';

/** Runs SQL with parameters (names here are too odd for psql -c). */
async function q(server: TestServer, db: string, sql: string, params: unknown[] = []): Promise<Record<string, unknown>[]> {
  const c = await connect(server.conn(db));
  try {
    return (await c.query(sql, params)).rows;
  } finally {
    await c.end();
  }
}

const qi = (s: string) => `"${s.replace(/"/g, '""')}"`;
const ql = (s: string) => `'${s.replace(/'/g, "''")}'`;

describe('hostile and odd input (issue 16)', function () {
  this.timeout(300_000);

  it('odd names, reserved words, SQL in settings and psql meta-commands in comments migrate exactly, and nothing the source wrote runs', async () => {
    const source = await sharedServer('15', 'source');
    const target = await sharedServer('16', 'target');
    const marker = `/tmp/pgflex-hostile-${process.pid}`;
    rmSync(marker, { force: true });
    const db = `${uniqueDb('hostile')} "q" \\ é`;
    const schema = `Sch "ema"\\ x é`;
    const role = 'PUBLIC';
    const long = 'l'.repeat(63);
    await source.psql('postgres', `DROP ROLE IF EXISTS ${qi(role)}; CREATE ROLE ${qi(role)} NOLOGIN;`).catch(() => undefined);
    await target.psql('postgres', `DROP ROLE IF EXISTS ${qi(role)}; CREATE ROLE ${qi(role)} NOLOGIN;`).catch(() => undefined);
    await q(source, 'postgres', `CREATE DATABASE ${qi(db)}`);
    await q(source, db, `CREATE SCHEMA ${qi(schema)};
      CREATE TABLE ${qi(schema)}.system_user ("user" int PRIMARY KEY, "public" text, ${qi('col "x"\\ é')} text, ${qi(long)} int);
      INSERT INTO ${qi(schema)}.system_user SELECT g, 'p' || g, E'back\\\\slash ' || g, g FROM generate_series(1, 50) g;
      CREATE TABLE public."user" (id int PRIMARY KEY);
      INSERT INTO public."user" VALUES (1), (2);
      COMMENT ON TABLE public."user" IS ${ql(`x\n\\! touch ${marker}\n`)};
      COMMENT ON SCHEMA ${qi(schema)} IS ${ql(`'; CREATE TABLE pwned_comment(x int); --\n\\! touch ${marker}`)};
      CREATE FUNCTION public.secret() RETURNS int LANGUAGE sql AS 'SELECT 42';
      REVOKE EXECUTE ON FUNCTION public.secret() FROM PUBLIC;
      GRANT SELECT ON public."user" TO ${qi(role)};`);
    // Written into the catalog as the source's superuser could: a value no ALTER would produce.
    await q(source, 'postgres', `INSERT INTO pg_db_role_setting (setdatabase, setrole, setconfig)
      SELECT oid, 0, ARRAY['search_path=public; create table pwned(x int); --', 'statement_timeout=0''; create table pwned2(x int); --'] FROM pg_database WHERE datname = $1`, [db]);
    const store = tempStore();
    const run = new DirectMigrationRun(specFor(source, target, [db], `hostile-${process.pid}`), { sourcePassword: source.password, targetPassword: target.password }, { store });
    const m = await run.done;
    assert.equal(m.currentStatus?.state, 'Succeeded', m.currentStatus?.error);
    assert.equal(existsSync(marker), false, 'a psql meta-command from the source ran on this machine');
    for (const d of ['postgres', db]) {
      const pwned = await q(target, d, `SELECT relname FROM pg_class WHERE relname LIKE 'pwned%'`);
      assert.deepEqual(pwned, [], `SQL from the source ran in ${d} on the target`);
    }
    const rows = (db2: TestServer) => q(db2, db, `SELECT * FROM ${qi(schema)}.system_user ORDER BY 1`);
    assert.deepEqual(await rows(target), await rows(source));
    const comments = (s: TestServer) => q(s, db, `SELECT obj_description(${ql(`public."user"`)}::regclass, 'pg_class') AS t, obj_description((SELECT oid FROM pg_namespace WHERE nspname = $1), 'pg_namespace') AS s`, [schema]);
    assert.deepEqual(await comments(target), await comments(source));
    // The setting arrives as the value it is (one odd schema name), not as SQL.
    const setting = await q(target, 'postgres', `SELECT s.setconfig FROM pg_db_role_setting s JOIN pg_database d ON d.oid = s.setdatabase WHERE d.datname = $1`, [db]);
    assert.ok(JSON.stringify(setting).includes('public; create table pwned(x int); --'), JSON.stringify(setting));
    // Grants without --migrate-roles: PUBLIC keeps no EXECUTE; the role named "PUBLIC" (which exists on the target) keeps its SELECT.
    const execByPublic = await q(target, db, `SELECT count(*)::int AS n FROM pg_proc p, aclexplode(p.proacl) a WHERE p.proname = 'secret' AND a.grantee = 0`);
    const proacl = await q(target, db, `SELECT proacl IS NOT NULL AS set FROM pg_proc WHERE proname = 'secret'`);
    assert.deepEqual([execByPublic[0].n, proacl[0].set], [0, true], 'the function stays revoked from PUBLIC');
    const toRole = await q(target, db, `SELECT has_table_privilege(${ql(role)}, 'public."user"', 'SELECT') AS ok`);
    assert.equal(toRole[0].ok, true);
  });

  it('a function revoked from PUBLIC stays revoked with --migrate-roles too', async () => {
    const source = await sharedServer('15', 'source');
    const target = await sharedServer('16', 'target');
    const db = uniqueDb('revoked');
    await q(source, 'postgres', `CREATE DATABASE ${qi(db)}`);
    await q(source, db, `CREATE FUNCTION public.secret() RETURNS int LANGUAGE sql AS 'SELECT 42'; REVOKE EXECUTE ON FUNCTION public.secret() FROM PUBLIC;`);
    const run = new DirectMigrationRun(specFor(source, target, [db], `revoked-${process.pid}`, { migrateRoles: true }), { sourcePassword: source.password, targetPassword: target.password }, { store: tempStore() });
    const m = await run.done;
    assert.equal(m.currentStatus?.state, 'Succeeded', m.currentStatus?.error);
    const n = await q(target, db, `SELECT count(*)::int AS n FROM pg_proc p, aclexplode(p.proacl) a WHERE p.proname = 'secret' AND a.grantee = 0`);
    const set = await q(target, db, `SELECT proacl IS NOT NULL AS set FROM pg_proc WHERE proname = 'secret'`);
    assert.deepEqual([n[0].n, set[0].set], [0, true]);
  });

  it('a pgflex schema the migration did not make, with a trigger on its heartbeat table, is refused with a clear error and nothing is created', async () => {
    const source = await sharedServer('15', 'source');
    const target = await sharedServer('16', 'target');
    const db = uniqueDb('hbtrap');
    await q(source, 'postgres', `CREATE DATABASE ${qi(db)}`);
    await q(source, db, `CREATE TABLE t (id int PRIMARY KEY); INSERT INTO t VALUES (1);
      CREATE SCHEMA pgflex; COMMENT ON SCHEMA pgflex IS 'pgflex heartbeat schema';
      CREATE TABLE pgflex.heartbeat (name text PRIMARY KEY, migration text, database text, seq bigint, beat_at timestamptz, started_at timestamptz, base_changes bigint);
      CREATE TABLE trap_log (id serial PRIMARY KEY, at timestamptz);
      CREATE FUNCTION trap() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN INSERT INTO public.trap_log (at) VALUES (now()); RETURN NEW; END';
      CREATE TRIGGER trap BEFORE INSERT OR UPDATE ON pgflex.heartbeat FOR EACH ROW EXECUTE FUNCTION trap();`);
    const run = new DirectMigrationRun(specFor(source, target, [db], `hbtrap-${process.pid}`, { mode: 'Online' }), { sourcePassword: source.password, targetPassword: target.password }, { store: tempStore() });
    const m = await run.done;
    assert.equal(m.currentStatus?.state, 'Failed');
    assert.match(m.currentStatus?.error ?? JSON.stringify(m), /already has a schema "pgflex".*trigger/s);
    assert.deepEqual(await q(source, db, 'SELECT count(*)::int AS n FROM trap_log'), [{ n: 0 }], 'the trigger never ran');
    assert.deepEqual(await q(source, db, `SELECT slot_name FROM pg_replication_slots WHERE database = $1`, [db]), []);
  });

  it('two online migrations with the same name from one source into two targets stream side by side; canceling one leaves the other streaming', async () => {
    const source = await sharedServer('15', 'source');
    const targets = [await sharedServer('16', 'target'), await sharedServer('15', 'target')];
    const db = uniqueDb('twins');
    await q(source, 'postgres', `CREATE DATABASE ${qi(db)}`);
    await q(source, db, `CREATE TABLE t (id int PRIMARY KEY, v text); INSERT INTO t SELECT g, 'v' || g FROM generate_series(1, 100) g;`);
    const name = `nightly-${process.pid}`;
    const providers = targets.map((t) => new DirectProvider({ store: tempStore(), watchOnline: true, sourcePassword: () => source.password, targetPassword: () => t.password }));
    const specs = targets.map((t) => specFor(source, t, [db], name, { mode: 'Online' }));
    const runs = await Promise.all(providers.map((p, i) => p.start(specs[i], { sourcePassword: source.password, targetPassword: targets[i].password })));
    for (const r of runs) assert.equal((await r.done).currentStatus?.state, 'WaitingForUserAction');
    const slots = await q(source, 'postgres', `SELECT slot_name FROM pg_replication_slots WHERE database = $1 ORDER BY 1`, [db]);
    assert.equal(slots.length, 2, `one slot each: ${JSON.stringify(slots)}`);
    await providers[0].cancel(specs[0].target, name);
    assert.equal((await providers[0].get(specs[0].target, name)).currentStatus?.state, 'Canceled');
    await q(source, db, `INSERT INTO t VALUES (1000, 'after cancel')`);
    const until = Date.now() + 60_000;
    for (;;) {
      const got = await q(targets[1], db, 'SELECT v FROM t WHERE id = 1000');
      if (got.length) break;
      assert.ok(Date.now() < until, 'the other migration stopped streaming');
      await new Promise((r) => setTimeout(r, 200));
    }
    assert.equal((await q(source, 'postgres', `SELECT count(*)::int AS n FROM pg_replication_slots WHERE database = $1`, [db]))[0].n, 1, 'the canceled one left the other slot');
    await providers[1].cancel(specs[1].target, name);
    assert.deepEqual(await q(source, 'postgres', `SELECT slot_name FROM pg_replication_slots WHERE database = $1`, [db]), []);
  });
});
