import assert from 'node:assert/strict';
import type { ValidationDetails, ValidationSummaryItem } from '../../src/core/model';
import { validateDirect, type DirectValidationInput } from '../../src/direct/validation';
import { startServer, type TestServer } from '../harness/postgres';
import { sharedServer, uniqueDb } from '../harness/servers';

function find(d: ValidationDetails, type: string, db?: string): ValidationSummaryItem {
  const list = db ? d.dbLevelValidationDetails?.find((x) => x.databaseName === db)?.summary : d.serverLevelValidationDetails;
  const it = list?.find((i) => i.type === type);
  assert.ok(it, `no ${type}${db ? ` for ${db}` : ''}: ${JSON.stringify(list?.map((i) => i.type))}`);
  return it;
}

function failures(d: ValidationDetails): string[] {
  const all = [...(d.serverLevelValidationDetails ?? []), ...(d.dbLevelValidationDetails ?? []).flatMap((x) => x.summary)];
  return all.filter((i) => i.state !== 'Succeeded').map((i) => `${i.type}: ${i.messages?.map((m) => m.message).join(' | ')}`);
}

function input(source: TestServer, target: TestServer, databases: string[], extra: Partial<DirectValidationInput> = {}): DirectValidationInput {
  return { source: source.conn('postgres'), target: target.conn('postgres'), databases, mode: 'Offline', overwrite: false, ...extra };
}

/** A database on the source with a keyed table and a sequence: nothing to complain about. */
async function cleanDb(s: TestServer, prefix: string): Promise<string> {
  const db = uniqueDb(prefix);
  await s.psql('postgres', `create database ${db}`);
  await s.psql(db, 'create table items (id bigserial primary key, name text not null); insert into items (name) select md5(g::text) from generate_series(1, 100) g;');
  return db;
}

describe('validation against real servers', function () {
  this.timeout(60_000);

  it('a clean 15 → 16 pair succeeds in every rule, offline and online, with UTC times', async () => {
    const [s, t] = await Promise.all([sharedServer('15', 'source'), sharedServer('16', 'target')]);
    const db = await cleanDb(s, 'val_clean');
    for (const mode of ['Offline', 'Online'] as const) {
      const before = Date.now();
      const d = await validateDirect(input(s, t, [db], { mode }));
      // PostgreSQL's default max_slot_wal_keep_size (-1, no cap) is worth a warning online: only that.
      const notOk = failures(d).filter((x) => mode === 'Offline' || !x.startsWith('SlotWalRetentionValidation: max_slot_wal_keep_size is -1'));
      assert.deepEqual(notOk, [], mode);
      assert.equal(d.status, mode === 'Offline' ? 'Succeeded' : 'Warning');
      const start = Date.parse(d.validationStartTimeInUtc!);
      const end = Date.parse(d.validationEndTimeInUtc!);
      assert.ok(start >= before - 1000 && end >= start && end <= Date.now(), `times ${d.validationStartTimeInUtc} – ${d.validationEndTimeInUtc}`);
      assert.match(d.validationEndTimeInUtc!, /Z$/);
      const perDb = d.dbLevelValidationDetails![0];
      assert.equal(perDb.databaseName, db);
      assert.ok(Date.parse(perDb.startedOn!) >= start && Date.parse(perDb.endedOn!) <= end && perDb.endedOn! >= perDb.startedOn!, `${perDb.startedOn} – ${perDb.endedOn}`);
      if (mode === 'Online') assert.match(find(d, 'SequencesValidation', db).messages![0].message, /1 sequence in/);
    }
  });

  it('online from a source with wal_level=replica fails ServerParametersValidation (603107)', async () => {
    // The shared target runs with wal_level=replica: as a source it is what the rule must catch.
    const [s, t] = await Promise.all([sharedServer('16', 'target'), sharedServer('16', 'source')]);
    const db = await cleanDb(s, 'val_wal');
    const d = await validateDirect(input(s, t, [db], { mode: 'Online' }));
    const p = find(d, 'ServerParametersValidation');
    assert.equal(p.state, 'Failed');
    assert.equal(p.code, 603107);
    assert.match(p.messages![0].message, /wal_level is replica/);
    assert.equal(d.status, 'Failed');
    const offline = await validateDirect(input(s, t, [db], { mode: 'Offline', checkPgDump: false }));
    assert.equal(find(offline, 'ServerParametersValidation').state, 'Succeeded');
  });

  it('online: names the table without a key, the unlogged table and the large objects', async () => {
    const [s, t] = await Promise.all([sharedServer('15', 'source'), sharedServer('16', 'target')]);
    const db = uniqueDb('val_online');
    await s.psql('postgres', `create database ${db}`);
    await s.psql(db, `create table keyed (id int primary key);
      create table "Event Log" (at timestamptz, what text);
      create table full_ident (x int); alter table full_ident replica identity full;
      create unlogged table scratch (id int primary key);
      select lo_from_bytea(0, 'hello'::bytea); select lo_from_bytea(0, 'world'::bytea);`);
    const d = await validateDirect(input(s, t, [db], { mode: 'Online' }));
    const r = find(d, 'ReplicaIdentityValidation', db);
    assert.equal(r.state, 'Failed');
    assert.deepEqual(r.objects, ['public."Event Log"']);
    assert.match(r.correctiveAction!, /ALTER TABLE public\."Event Log" REPLICA IDENTITY FULL;/);
    const u = find(d, 'UnloggedTablesValidation', db);
    assert.equal(u.state, 'Warning');
    assert.deepEqual(u.objects, ['public.scratch']);
    const lo = find(d, 'LargeObjectsValidation', db);
    assert.equal(lo.state, 'Warning');
    assert.match(lo.messages![0].message, /2 large objects/);
    // The same database offline: nothing here blocks a copy.
    const offline = await validateDirect(input(s, t, [db]));
    assert.deepEqual(failures(offline), []);
  });

  it('fails an extension the target lacks (timetravel: 11 only) and one the migration cannot move (postgres_fdw)', async () => {
    const [s, t] = await Promise.all([sharedServer('11', 'source'), sharedServer('16', 'target')]);
    const db = uniqueDb('val_ext');
    await s.psql('postgres', `create database ${db}`);
    await s.psql(db, 'create extension timetravel; create extension postgres_fdw; create extension hstore; create table t (id int primary key)');
    const d = await validateDirect(input(s, t, [db]));
    const e = find(d, 'ExtensionsValidation', db);
    assert.equal(e.state, 'Failed');
    assert.equal(e.code, 603405);
    assert.deepEqual([...e.objects!].sort(), ['postgres_fdw', 'timetravel']);
    assert.match(e.messages!.map((m) => m.message).join(' '), /Not available on the target: timetravel/);
  });

  it('a database already on the target: Failed (603101) without overwrite, Warning with it', async () => {
    const [s, t] = await Promise.all([sharedServer('15', 'source'), sharedServer('16', 'target')]);
    const db = await cleanDb(s, 'val_exists');
    await t.psql('postgres', `create database ${db}`);
    const without = await validateDirect(input(s, t, [db]));
    assert.equal(find(without, 'TargetDatabaseValidation', db).state, 'Failed');
    assert.equal(find(without, 'TargetDatabaseValidation', db).code, 603101);
    assert.equal(without.status, 'Failed');
    const withOverwrite = await validateDirect(input(s, t, [db], { overwrite: true }));
    assert.equal(find(withOverwrite, 'TargetDatabaseValidation', db).state, 'Warning');
    assert.equal(withOverwrite.status, 'Warning');
  });

  it('fails a 9th database', async () => {
    const [s, t] = await Promise.all([sharedServer('15', 'source'), sharedServer('16', 'target')]);
    const dbs = Array.from({ length: 9 }, () => uniqueDb('val_nine'));
    for (const name of dbs) await s.psql('postgres', `create database ${name}`);
    const d = await validateDirect(input(s, t, dbs));
    const sel = find(d, 'DatabaseSelectionValidation');
    assert.equal(sel.state, 'Failed');
    assert.deepEqual(sel.objects, [dbs[8]]);
    assert.equal(d.dbLevelValidationDetails!.length, 9);
  });

  it('fails a version downgrade 16 → 11, and pg_dump 15 against a 16 source', async () => {
    const [s, t] = await Promise.all([sharedServer('16', 'source'), sharedServer('11', 'source')]);
    const db = await cleanDb(s, 'val_down');
    const d = await validateDirect(input(s, t, [db]));
    const v = find(d, 'SourceVersionValidation');
    assert.equal(v.state, 'Failed');
    assert.match(v.messages!.map((m) => m.message).join(' '), /target runs PostgreSQL 11\.\d+, older than the source's 16\.\d+/);
    assert.equal(find(d, 'PgDumpVersionValidation').state, 'Failed');
  });

  it('fails a user without privileges on either side, naming the table and the statements to run', async () => {
    const [s, t] = await Promise.all([sharedServer('15', 'source'), sharedServer('16', 'target')]);
    const db = await cleanDb(s, 'val_priv');
    const role = uniqueDb('weak');
    await s.psql(db, `create role ${role} login password 'pw-${role}'; create schema hr; create table hr.salaries (id int primary key, amount numeric);`);
    await t.psql('postgres', `create role ${role} login password 'pw-${role}'`);
    const as = (server: TestServer) => ({ ...server.conn('postgres'), user: role, password: `pw-${role}` });
    const d = await validateDirect({ ...input(s, t, [db], { mode: 'Online' }), source: as(s), target: as(t) });
    const sp = find(d, 'SourcePrivilegesValidation');
    assert.equal(sp.state, 'Failed');
    assert.ok(sp.objects!.includes(`${db}: hr.salaries`), JSON.stringify(sp.objects));
    assert.ok(sp.objects!.includes(`${db}: public.items`));
    assert.match(sp.correctiveAction!, new RegExp(`GRANT SELECT ON ALL TABLES IN SCHEMA hr TO ${role};`));
    assert.match(sp.correctiveAction!, new RegExp(`ALTER ROLE ${role} WITH REPLICATION;`));
    const tp = find(d, 'TargetPrivilegesValidation');
    assert.equal(tp.state, 'Failed');
    assert.match(tp.correctiveAction!, new RegExp(`ALTER ROLE ${role} CREATEDB;`));
  });

  it('warns about a role owning objects that the target lacks', async () => {
    const [s, t] = await Promise.all([sharedServer('15', 'source'), sharedServer('16', 'target')]);
    const db = await cleanDb(s, 'val_roles');
    const owner = uniqueDb('owner');
    await s.psql(db, `create role ${owner}; alter table items owner to ${owner}; grant select on items to public`);
    const d = await validateDirect(input(s, t, [db]));
    const r = find(d, 'RolesValidation');
    assert.equal(r.state, 'Warning');
    assert.deepEqual(r.objects, [owner]);
    assert.match(r.correctiveAction!, new RegExp(`CREATE ROLE ${owner};`));
  });

  it('reports TLS: "over TLS" when the source serves it, 603001 when sslmode=require meets a server without it', async () => {
    const tlsSource = await startServer({ version: '16', ssl: true });
    try {
      const t = await sharedServer('16', 'target');
      const db = await cleanDb(tlsSource, 'val_tls');
      const d = await validateDirect({ ...input(tlsSource, t, [db], { checkPgDump: false }), source: { ...tlsSource.conn('postgres'), sslMode: 'require' } });
      const c = find(d, 'AuthenticationAndConnectivityValidation');
      assert.equal(c.state, 'Succeeded');
      assert.match(c.messages![0].message, /source server .* over TLS\./);
      const refused = await validateDirect({ ...input(tlsSource, t, [db], { checkPgDump: false }), target: { ...t.conn('postgres'), sslMode: 'require' } });
      const r = find(refused, 'AuthenticationAndConnectivityValidation');
      assert.equal(r.state, 'Failed');
      assert.equal(r.code, 603001);
      assert.match(r.correctiveAction!, /SSL mode/);
    } finally {
      await tlsSource.destroy();
    }
  });

  it('a wrong target password fails connectivity (603100) and the rules that need the target say they did not run', async () => {
    const [s, t] = await Promise.all([sharedServer('15', 'source'), sharedServer('16', 'target')]);
    const db = await cleanDb(s, 'val_conn');
    const d = await validateDirect({ ...input(s, t, [db]), target: { ...t.conn('postgres'), password: 'not-the-password' } });
    const c = find(d, 'AuthenticationAndConnectivityValidation');
    assert.equal(c.state, 'Failed');
    assert.equal(c.code, 603100);
    assert.doesNotMatch(JSON.stringify(d), /not-the-password/);
    assert.match(find(d, 'TargetDatabaseValidation', db).messages![0].message, /^Not checked: the target server could not be reached/);
    assert.equal(find(d, 'TargetPrivilegesValidation').state, 'Failed');
  });
});
