import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { DirectMigrationRun } from '../../src/direct/engine';
import { connect, type ConnInfo } from '../../src/pg/connection';
import { pgflexSessions } from '../harness/compare';
import { specFor, tempStore } from '../harness/migrationSpec';
import { sharedServer, uniqueDb } from '../harness/servers';
import type { TestServer } from '../harness/postgres';

/** Rows of a query as sorted lines, for comparing the two servers. */
async function lines(server: TestServer, db: string, sql: string): Promise<string[]> {
  const c = await connect(server.conn(db));
  try {
    return (await c.query(sql)).rows.map((r) => Object.values(r).map((v) => (v === null ? '∅' : String(v))).join(' | ')).sort();
  } finally {
    await c.end();
  }
}

describe('direct migration with roles (migrateRoles)', function () {
  this.timeout(180_000);

  it('PostgreSQL 11 → 16 as a non-superuser target admin: creates the roles the database uses, with their memberships, settings and passwords; owners and grants equal the source; a migrated login works', async () => {
    const source = await sharedServer('11', 'source');
    const target = await sharedServer('16', 'target');
    const db = uniqueDb('roles');
    const sfx = `${process.pid}_${Date.now() % 100000}`;
    const [owner, reader, alice, ops, admin] = ['app_owner', 'app_reader', 'alice', 'ops', 'mig_admin'].map((r) => `${r}_${sfx}`);
    // The source: roles that own, read and sign in; grants on the database, a schema, a table,
    // a column and a function; default privileges; a policy naming a role.
    await source.psql('postgres', `SET password_encryption = 'scram-sha-256';
      CREATE ROLE ${owner} NOLOGIN;
      CREATE ROLE ${reader} NOLOGIN;
      CREATE ROLE ${ops} NOLOGIN BYPASSRLS;
      CREATE ROLE ${alice} LOGIN PASSWORD 'alice-secret' CONNECTION LIMIT 5 IN ROLE ${reader};
      ALTER ROLE ${alice} SET search_path = app, public;
      ALTER ROLE ${alice} SET work_mem = '8MB';`);
    await source.psql('postgres', `CREATE DATABASE ${db} OWNER ${owner}`);
    await source.psql('postgres', `REVOKE CONNECT, TEMPORARY ON DATABASE ${db} FROM PUBLIC;
      GRANT CONNECT ON DATABASE ${db} TO ${reader};`);
    await source.psql(db, `SET ROLE ${owner};
      CREATE SCHEMA app;
      CREATE TABLE app.items (id int PRIMARY KEY, note text, secret text);
      INSERT INTO app.items SELECT g, 'note ' || g, 'secret ' || g FROM generate_series(1, 500) g;
      CREATE FUNCTION app.total() RETURNS bigint LANGUAGE sql AS 'SELECT count(*) FROM app.items';
      REVOKE EXECUTE ON FUNCTION app.total() FROM PUBLIC;
      GRANT EXECUTE ON FUNCTION app.total() TO ${reader};
      GRANT USAGE ON SCHEMA app TO ${reader}, ${ops};
      GRANT SELECT (id, note) ON app.items TO ${reader};
      GRANT SELECT ON app.items TO ${ops};
      ALTER TABLE app.items ENABLE ROW LEVEL SECURITY;
      CREATE POLICY readers ON app.items FOR SELECT TO ${reader} USING (id <= 100);
      ALTER DEFAULT PRIVILEGES IN SCHEMA app GRANT SELECT ON TABLES TO ${reader};
      DO $$ BEGIN EXECUTE format('GRANT SELECT ON LARGE OBJECT %s TO %I', lo_from_bytea(0, 'a large object'), '${reader}'); END $$;
      RESET ROLE;`);
    // Settings of the database and of a role in it; one only a superuser may set, one that would
    // stop the migration's own writes had it been applied before the end.
    await source.psql('postgres', `ALTER DATABASE ${db} SET search_path = app, public; ALTER DATABASE ${db} SET default_transaction_read_only = on;
      ALTER DATABASE ${db} SET log_min_duration_statement = 1000; ALTER ROLE ${alice} IN DATABASE ${db} SET work_mem = '9MB'`);
    // The target is used as a managed server is: through an admin that may create roles and
    // databases but is no superuser.
    await target.psql('postgres', `CREATE ROLE ${admin} LOGIN CREATEDB CREATEROLE PASSWORD 'admin-secret'`);
    const targetAsAdmin: TestServer = Object.assign(Object.create(Object.getPrototypeOf(target)), target, { user: admin, password: 'admin-secret' });

    const run = new DirectMigrationRun(
      specFor(source, targetAsAdmin, [db], `roles-${sfx}`.replace(/_/g, '-'), { migrateRoles: true, verify: 'checksums' }),
      { sourcePassword: source.password, targetPassword: 'admin-secret' },
      { store: tempStore(), throttleMs: 10 },
    );
    const m = await run.done;
    assert.equal(m.currentStatus?.state, 'Succeeded', m.currentStatus?.error);
    assert.equal(m.migrateRoles, 'True');
    assert.deepEqual([...m.roles!.created].sort(), [alice, owner, ops, reader].sort());
    assert.ok(m.roles!.warnings.some((w) => w.includes(`"${ops}"`) && w.includes('BYPASSRLS')), `warnings: ${m.roles!.warnings.join(' | ')}`);
    assert.ok(!m.roles!.warnings.some((w) => w.includes('password')), 'the source superuser read the passwords');
    // The source's bootstrap superuser owns the public schema of an 11 database; the target's
    // admin cannot act as the target's superuser, so that stays the admin's, and it is said.
    assert.ok(m.roles!.existing.includes('postgres'));
    assert.deepEqual(m.roles!.unowned, ['postgres']);
    assert.ok(m.roles!.warnings.some((w) => w.startsWith('Objects owned by "postgres"') && w.includes(admin)));

    // Roles: attributes, settings and memberships as on the source (BYPASSRLS left behind).
    const roleSql = `SELECT r.rolname, r.rolcanlogin, r.rolinherit, r.rolconnlimit, coalesce(array_to_string(r.rolconfig, ';'), ''),
        coalesce((SELECT string_agg(g.rolname, ',' ORDER BY g.rolname) FROM pg_auth_members am JOIN pg_roles g ON g.oid = am.roleid WHERE am.member = r.oid AND g.rolname LIKE '%_${sfx}'), '')
      FROM pg_roles r WHERE r.rolname IN ('${owner}', '${reader}', '${alice}', '${ops}')`;
    assert.deepEqual(await lines(target, 'postgres', roleSql), await lines(source, 'postgres', roleSql));
    assert.equal((await target.psql('postgres', `SELECT rolbypassrls FROM pg_roles WHERE rolname = '${ops}'`)).trim(), 'f');

    // Owners and grants, object by object (grantors included), and the database's.
    const aclSql = `SELECT 'db', pg_get_userbyid(datdba), datacl::text FROM pg_database WHERE datname = current_database()
      UNION ALL SELECT 'schema ' || nspname, pg_get_userbyid(nspowner), nspacl::text FROM pg_namespace WHERE nspname = 'app'
      UNION ALL SELECT 'rel ' || relname, pg_get_userbyid(relowner), relacl::text FROM pg_class WHERE relnamespace = 'app'::regnamespace
      UNION ALL SELECT 'column ' || attname, '', attacl::text FROM pg_attribute WHERE attrelid = 'app.items'::regclass AND attacl IS NOT NULL
      UNION ALL SELECT 'function ' || proname, pg_get_userbyid(proowner), proacl::text FROM pg_proc WHERE pronamespace = 'app'::regnamespace
      UNION ALL SELECT 'default acl', pg_get_userbyid(defaclrole), defaclacl::text FROM pg_default_acl
      UNION ALL SELECT 'large object ' || oid, pg_get_userbyid(lomowner), lomacl::text FROM pg_largeobject_metadata
      UNION ALL SELECT 'policy ' || polname, '', (SELECT string_agg(pg_get_userbyid(x), ',') FROM unnest(polroles) x) FROM pg_policy`;
    const [sa, ta] = await Promise.all([lines(source, db, aclSql), lines(target, db, aclSql)]);
    assert.deepEqual(ta, sa);
    assert.ok(sa.some((l) => l.startsWith(`db | ${owner} |`)) && sa.length >= 9 && sa.some((l) => l.startsWith('large object') && l.includes(reader)), `source ACLs read: ${sa.join('\n')}`);

    // Database settings applied at the end, but the superuser-only one, which is said.
    const dd = m.currentStatus!.currentSubStateDetails!.dbDetails![db];
    assert.equal(dd.warnings?.length, 1, JSON.stringify(dd.warnings));
    assert.match(dd.warnings![0], /log_min_duration_statement=1000 was not applied on the target \(permission denied/);
    const settingsSql = `SELECT coalesce(pg_get_userbyid(nullif(s.setrole, 0)), '-'), array_to_string(s.setconfig, ',') FROM pg_db_role_setting s JOIN pg_database d ON d.oid = s.setdatabase WHERE d.datname = '${db}'`;
    assert.deepEqual(await lines(target, 'postgres', settingsSql), [`- | search_path=app, public,default_transaction_read_only=on`, `${alice} | work_mem=9MB`]);

    // The migrated login signs in with its source password and sees what its grants allow.
    const asAlice: ConnInfo = { ...target.conn(db), user: alice, password: 'alice-secret' };
    const c = await connect(asAlice);
    try {
      assert.equal((await c.query('SHOW search_path')).rows[0].search_path, 'app, public');
      assert.equal((await c.query('SHOW work_mem')).rows[0].work_mem, '9MB');
      assert.equal((await c.query('SELECT count(*)::int AS n FROM items')).rows[0].n, 100, 'the policy limits the rows');
      assert.equal((await c.query('SELECT app.total() AS n')).rows[0].n, '100');
      await assert.rejects(c.query('SELECT secret FROM items'), /permission denied/);
    } finally {
      await c.end();
    }
    // And nobody else gets in: CONNECT was revoked from PUBLIC on the source.
    await target.psql('postgres', `CREATE ROLE nobody_${sfx} LOGIN PASSWORD 'x'`);
    await assert.rejects(connect({ ...target.conn(db), user: `nobody_${sfx}`, password: 'x' }), /permission denied|not permitted|CONNECT/i);
    assert.deepEqual(await pgflexSessions(source.conn()), []);
    assert.deepEqual(await pgflexSessions(target.conn()), []);
  });

  it('pgflex migrate --migrate-roles (PostgreSQL 15 → 16, superusers): owners carried, the roles listed on stderr, no password verifier printed', async () => {
    const root = path.resolve(__dirname, '..', '..');
    execFileSync(process.execPath, ['esbuild.mjs'], { cwd: root, stdio: 'ignore' });
    const source = await sharedServer('15', 'source');
    const target = await sharedServer('16', 'target');
    const db = uniqueDb('rolescli');
    const sfx = `${process.pid}_${Date.now() % 100000}`;
    const [owner, bob] = [`cli_owner_${sfx}`, `cli_bob_${sfx}`];
    await source.psql('postgres', `CREATE ROLE ${owner} NOLOGIN; CREATE ROLE ${bob} LOGIN PASSWORD 'bob-secret' IN ROLE ${owner}`);
    await source.psql('postgres', `CREATE DATABASE ${db}`);
    await source.psql(db, `CREATE TABLE t (id int PRIMARY KEY); ALTER TABLE t OWNER TO ${owner}; INSERT INTO t SELECT generate_series(1, 10)`);
    const r = await promisify(execFile)(
      process.execPath,
      [path.join(root, 'dist', 'cli.js'), 'migrate', '--source', source.url('postgres', false), '--target', target.url('postgres', false), '--database', db, '--migrate-roles', '--name', `roles-cli-${process.pid}`, '--json'],
      { env: { ...process.env, PGFLEX_STATE_DIR: mkdtempSync(path.join(os.tmpdir(), 'pgflex-roles-')), PGFLEX_SOURCE_PASSWORD: source.password, PGFLEX_TARGET_PASSWORD: target.password } },
    );
    assert.match(r.stderr, new RegExp(`Roles: created (${owner}, ${bob}|${bob}, ${owner}); already on the target: postgres\\.`));
    assert.doesNotMatch(r.stderr + r.stdout, /SCRAM-SHA-256\$|bob-secret/);
    const m = JSON.parse(r.stdout.trim().split('\n').pop()!);
    assert.equal(m.currentStatus.state, 'Succeeded');
    assert.deepEqual(m.roles.unowned, []);
    assert.equal((await target.psql(db, "SELECT pg_get_userbyid(relowner) FROM pg_class WHERE relname = 't'")).trim(), owner);
    const c = await connect({ ...target.conn(db), user: bob, password: 'bob-secret' });
    try {
      assert.equal((await c.query('SELECT count(*)::int AS n FROM t')).rows[0].n, 10, 'bob reads through the owner role');
    } finally {
      await c.end();
    }
  });
});
