import assert from 'node:assert/strict';
import type { ValidationDetails, ValidationSummaryItem } from '../../src/core/model';
import { formatValidationText, runRules, validationPassed } from '../../src/core/rules';
import type { ServerFacts, ValidationFacts } from '../../src/core/rules/facts';
import { cleanFacts, database, table } from './rulesFixtures';

function serverItem(d: ValidationDetails, type: string): ValidationSummaryItem {
  const it = d.serverLevelValidationDetails?.find((i) => i.type === type);
  assert.ok(it, `no server-level ${type} in ${JSON.stringify(d.serverLevelValidationDetails?.map((i) => i.type))}`);
  return it;
}

function dbItem(d: ValidationDetails, db: string, type: string): ValidationSummaryItem {
  const it = d.dbLevelValidationDetails?.find((x) => x.databaseName === db)?.summary.find((i) => i.type === type);
  assert.ok(it, `no ${type} for ${db}`);
  return it;
}

const src = (f: ValidationFacts): ServerFacts => (f.source.ok ? f.source.value : assert.fail('source not ok'));
const tgt = (f: ValidationFacts): ServerFacts => (f.target.ok ? f.target.value : assert.fail('target not ok'));

describe('validation rules: shape and a clean pair', () => {
  it('a clean online pair succeeds in every rule, with ARM\'s shape and times', () => {
    const d = runRules(cleanFacts());
    const all = [...d.serverLevelValidationDetails!, ...d.dbLevelValidationDetails!.flatMap((x) => x.summary)];
    const notOk = all.filter((i) => i.state !== 'Succeeded');
    assert.deepEqual(notOk, []);
    assert.equal(d.status, 'Succeeded');
    assert.equal(d.validationStartTimeInUtc, '2026-01-01T10:00:00.000Z');
    assert.equal(d.validationEndTimeInUtc, '2026-01-01T10:00:01.500Z');
    assert.deepEqual(d.dbLevelValidationDetails!.map((x) => x.databaseName), ['app']);
    const types = d.serverLevelValidationDetails!.map((i) => i.type);
    for (const t of ['AuthenticationAndConnectivityValidation', 'SourceVersionValidation', 'ServerParametersValidation']) assert.ok(types.includes(t), t);
    const dbTypes = d.dbLevelValidationDetails![0].summary.map((i) => i.type);
    for (const t of ['SchemaValidation', 'ExtensionsValidation', 'CollationsValidation', 'ReplicaIdentityValidation']) assert.ok(dbTypes.includes(t), t);
    for (const i of all) {
      assert.ok(i.messages && i.messages.length > 0, `${i.type} has messages`);
      assert.equal(i.correctiveAction, undefined, `${i.type} passed, so no corrective action`);
    }
    assert.ok(validationPassed(d));
  });

  it('offline mode leaves out the replication-only rules', () => {
    const d = runRules(cleanFacts({ mode: 'Offline' }));
    const dbTypes = d.dbLevelValidationDetails![0].summary.map((i) => i.type);
    assert.ok(!dbTypes.includes('ReplicaIdentityValidation'));
    assert.ok(!dbTypes.includes('UnloggedTablesValidation'));
    assert.ok(!d.serverLevelValidationDetails!.some((i) => i.type === 'ReplicationCapacityValidation'));
  });

  it('a Warning lets the migration go on; a Failed stops it', () => {
    const f = cleanFacts();
    tgt(f).databases.push({ ...src(f).databases.find((x) => x.name === 'app')! });
    f.overwrite = true;
    const d = runRules(f);
    assert.equal(d.status, 'Warning');
    assert.ok(validationPassed(d));
    f.overwrite = false;
    assert.equal(runRules(f).status, 'Failed');
    assert.ok(!validationPassed(runRules(f)));
  });
});

describe('validation rules: connectivity and versions', () => {
  it('an unreachable source fails connectivity with 603000, and dependent rules say they did not run', () => {
    const d = runRules(cleanFacts({ source: { ok: false, error: 'Nothing is listening on the source server src:5432.', kind: 'unreachable' }, sourceDatabases: {} }));
    const c = serverItem(d, 'AuthenticationAndConnectivityValidation');
    assert.equal(c.state, 'Failed');
    assert.equal(c.code, 603000);
    assert.match(c.messages![0].message, /Nothing is listening/);
    const v = serverItem(d, 'SourceVersionValidation');
    assert.equal(v.state, 'Failed');
    assert.match(v.messages![0].message, /^Not checked/);
    assert.match(dbItem(d, 'app', 'SchemaValidation').messages![0].message, /^Not checked/);
  });

  it('a wrong password is 603100 and a TLS problem 603001', () => {
    const auth = serverItem(runRules(cleanFacts({ target: { ok: false, error: 'rejected the password', kind: 'auth' } })), 'AuthenticationAndConnectivityValidation');
    assert.equal(auth.code, 603100);
    assert.match(auth.correctiveAction!, /password for the target server tgt.example.com:5432/);
    const tls = serverItem(runRules(cleanFacts({ source: { ok: false, error: 'does not accept TLS', kind: 'tls-unsupported' } })), 'AuthenticationAndConnectivityValidation');
    assert.equal(tls.code, 603001);
  });

  it('warns about an unencrypted connection to a remote host, not on loopback or with sslmode=disable', () => {
    const f = cleanFacts();
    src(f).tls = false;
    f.sourceEndpoint!.sslMode = 'prefer';
    assert.equal(serverItem(runRules(f), 'AuthenticationAndConnectivityValidation').state, 'Warning');
    f.sourceEndpoint!.host = '127.0.0.1';
    assert.equal(serverItem(runRules(f), 'AuthenticationAndConnectivityValidation').state, 'Succeeded');
  });

  it('fails a source older than 9.5 with 603400', () => {
    const f = cleanFacts();
    src(f).versionNum = 90424;
    const v = serverItem(runRules(f), 'SourceVersionValidation');
    assert.equal(v.state, 'Failed');
    assert.equal(v.code, 603400);
    assert.match(v.messages![0].message, /9\.4\.24/);
  });

  it('fails a downgrade (16 → 11) and names the version to pick', () => {
    const f = cleanFacts();
    src(f).versionNum = 160004;
    tgt(f).versionNum = 110022;
    const v = serverItem(runRules(f), 'SourceVersionValidation');
    assert.equal(v.state, 'Failed');
    assert.match(v.messages![1].message, /11\.22, older than the source's 16\.4/);
    assert.match(v.correctiveAction!, /PostgreSQL 16 or newer/);
  });

  it('fails a pg_dump older than the source, and a missing pg_dump', () => {
    const f = cleanFacts({ pgDump: { ok: true, value: { path: '/usr/bin/pg_dump', version: '15.18', major: 15 } } });
    src(f).versionNum = 160004;
    const p = serverItem(runRules(f), 'PgDumpVersionValidation');
    assert.equal(p.state, 'Failed');
    assert.match(p.messages![0].message, /pg_dump 15\.18 .* cannot dump a PostgreSQL 16 source/);
    const missing = serverItem(runRules(cleanFacts({ pgDump: { ok: false, error: 'pg_dump was not found' } })), 'PgDumpVersionValidation');
    assert.equal(missing.state, 'Failed');
    assert.ok(!runRules(cleanFacts({ pgDump: undefined })).serverLevelValidationDetails!.some((i) => i.type === 'PgDumpVersionValidation'));
  });
});

describe('validation rules: online mode', () => {
  it('fails wal_level=replica with 603107 and says a restart is needed', () => {
    const f = cleanFacts();
    src(f).settings.wal_level = 'replica';
    const p = serverItem(runRules(f), 'ServerParametersValidation');
    assert.equal(p.state, 'Failed');
    assert.equal(p.code, 603107);
    assert.match(p.correctiveAction!, /ALTER SYSTEM SET wal_level = logical;.*restart/);
    assert.equal(serverItem(runRules({ ...f, mode: 'Offline' }), 'ServerParametersValidation').state, 'Succeeded');
  });

  it('detects an Azure Single Server and asks for azure.replication_support = Logical (restart)', () => {
    const f = cleanFacts();
    Object.assign(src(f).settings, { wal_level: 'replica', 'azure.replication_support': 'REPLICA' });
    src(f).version = 'PostgreSQL 11.18, compiled by Visual C++ build 1800, 64-bit';
    const p = serverItem(runRules(f), 'ServerParametersValidation');
    assert.equal(p.state, 'Failed');
    assert.deepEqual(p.objects, ['azure.replication_support']);
    assert.match(p.correctiveAction!, /Replication support to Logical.*restarts the source/);
  });

  it('fails when the source has no free replication slots or WAL senders, naming inactive slots', () => {
    const f = cleanFacts({ databases: ['app'] });
    Object.assign(src(f).settings, { max_replication_slots: '2', max_wal_senders: '2' });
    src(f).replicationSlots = { total: 2, inactiveLogical: ['old_slot'] };
    src(f).walSenders = 2;
    const r = serverItem(runRules(f), 'ReplicationCapacityValidation');
    assert.equal(r.state, 'Failed');
    assert.equal(r.code, 603105);
    assert.deepEqual(r.objects, ['old_slot']);
    assert.match(r.correctiveAction!, /pg_drop_replication_slot\('old_slot'\)/);
    assert.ok(r.messages!.some((m) => /free WAL sender/.test(m.message) && m.state === 'Failed'));
  });

  it('fails when the target has too few logical replication workers', () => {
    const f = cleanFacts();
    tgt(f).settings.max_logical_replication_workers = '0';
    const r = serverItem(runRules(f), 'ReplicationCapacityValidation');
    assert.equal(r.state, 'Failed');
    assert.match(r.correctiveAction!, /max_logical_replication_workers to at least 3/);
  });

  it('fails tables without a key or replica identity, naming them with ALTER TABLE … REPLICA IDENTITY FULL', () => {
    const f = cleanFacts();
    f.sourceDatabases.app = { ok: true, value: database('app', { tables: [
      table('events', { hasPrimaryKey: false }),
      table('Audit Log', { schema: 'Ops', hasPrimaryKey: false }),
      table('ok_full', { hasPrimaryKey: false, replicaIdentity: 'full' }),
      table('ok_index', { hasPrimaryKey: false, replicaIdentity: 'index' }),
      table('nothing', { replicaIdentity: 'nothing' }),
      table('parent', { hasPrimaryKey: false, partitioned: true }),
    ] }) };
    const r = dbItem(runRules(f), 'app', 'ReplicaIdentityValidation');
    assert.equal(r.state, 'Failed');
    assert.deepEqual(r.objects, ['public.events', '"Ops"."Audit Log"', 'public.nothing']);
    assert.match(r.correctiveAction!, /ALTER TABLE public\.events REPLICA IDENTITY FULL; ALTER TABLE "Ops"\."Audit Log" REPLICA IDENTITY FULL;/);
    assert.match(r.messages![0].message, /3 tables in app have no primary key/);
  });

  it('spells out at most 20 statements for thousands of tables and points at the objects list', () => {
    const f = cleanFacts();
    f.sourceDatabases.app = { ok: true, value: database('app', { tables: Array.from({ length: 2000 }, (_, i) => table(`t${i}`, { hasPrimaryKey: false })) }) };
    const r = dbItem(runRules(f), 'app', 'ReplicaIdentityValidation');
    assert.equal(r.objects!.length, 2000);
    assert.equal(r.correctiveAction!.match(/ALTER TABLE/g)!.length, 20);
    assert.match(r.correctiveAction!, /other 1980/);
    assert.match(r.messages![0].message, /and 1990 more/);
  });

  it('warns about unlogged tables and large objects, and notes sequences', () => {
    const f = cleanFacts();
    f.sourceDatabases.app = { ok: true, value: database('app', { largeObjects: 3, sequences: 4, tables: [table('cache', { unlogged: true, hasPrimaryKey: false }), table('a')] }) };
    const d = runRules(f);
    const u = dbItem(d, 'app', 'UnloggedTablesValidation');
    assert.equal(u.state, 'Warning');
    assert.deepEqual(u.objects, ['public.cache']);
    assert.match(u.correctiveAction!, /ALTER TABLE public\.cache SET LOGGED;/);
    assert.match(u.messages![0].message, /copied again at cutover/);
    const lo = dbItem(d, 'app', 'LargeObjectsValidation');
    assert.equal(lo.state, 'Warning');
    assert.match(lo.messages![0].message, /3 large objects: not replicated while streaming, they are brought up to date at cutover/);
    // The Azure service does not copy them again.
    const az = runRules({ ...f, engine: 'azure' });
    assert.match(dbItem(az, 'app', 'UnloggedTablesValidation').messages![0].message, /later changes are not replicated/);
    assert.match(dbItem(az, 'app', 'LargeObjectsValidation').messages![0].message, /changes to them after the copy are not replicated/);
    const s = dbItem(d, 'app', 'SequencesValidation');
    assert.equal(s.state, 'Succeeded');
    assert.match(s.messages![0].message, /4 sequences.*set from the source at cutover/);
    // An unlogged table is never published: it is not also a replica-identity failure.
    assert.equal(dbItem(d, 'app', 'ReplicaIdentityValidation').state, 'Succeeded');
  });

  it('fails a source user without REPLICATION (603104) unless superuser or azure_pg_admin', () => {
    const f = cleanFacts();
    src(f).user = { name: 'migrator', superuser: false, createdb: false, createrole: false, replication: false, memberOf: [] };
    let p = serverItem(runRules(f), 'SourcePrivilegesValidation');
    assert.equal(p.state, 'Failed');
    assert.equal(p.code, 603104);
    assert.match(p.correctiveAction!, /ALTER ROLE migrator WITH REPLICATION;/);
    src(f).user.memberOf = ['azure_pg_admin'];
    p = serverItem(runRules(f), 'SourcePrivilegesValidation');
    assert.ok(p.messages!.some((m) => m.state === 'Succeeded' && /replication connections/.test(m.message)));
  });

  it('replicating schema changes fails a source user who is not a superuser (a managed admin role included), and only when asked', () => {
    const f = cleanFacts({ replicateDdl: true });
    src(f).user = { name: 'admin', superuser: false, createdb: true, createrole: true, replication: true, memberOf: ['azure_pg_admin'] };
    const p = serverItem(runRules(f), 'SourcePrivilegesValidation');
    assert.equal(p.state, 'Failed');
    assert.ok(p.messages!.some((m) => m.state === 'Failed' && /event triggers/.test(m.message) && /managed service/.test(m.message)), JSON.stringify(p.messages));
    assert.match(p.correctiveAction!, /superuser of the source, or migrate without replicating schema changes/);
    const plain = serverItem(runRules({ ...f, replicateDdl: undefined }), 'SourcePrivilegesValidation');
    assert.ok(!plain.messages!.some((m) => /event triggers/.test(m.message)));
    src(f).user = { ...src(f).user, superuser: true };
    const su = serverItem(runRules(f), 'SourcePrivilegesValidation');
    assert.equal(su.state, 'Succeeded');
    assert.ok(su.messages!.some((m) => /event triggers/.test(m.message)));
  });

  it('fails when a non-superuser cannot publish tables it does not own', () => {
    const f = cleanFacts();
    src(f).user = { name: 'migrator', superuser: false, createdb: false, createrole: false, replication: true, memberOf: [] };
    f.sourceDatabases.app = { ok: true, value: database('app', { canCreate: false, tables: [table('a', { owned: false })] }) };
    const p = serverItem(runRules(f), 'SourcePrivilegesValidation');
    assert.equal(p.state, 'Failed');
    assert.match(p.correctiveAction!, /GRANT CREATE ON DATABASE app TO migrator;/);
    assert.ok(p.objects!.includes('app: public.a'));
  });
});

describe('validation rules: databases', () => {
  it('fails a 9th database', () => {
    const dbs = Array.from({ length: 9 }, (_, i) => `db${i + 1}`);
    const d = runRules(cleanFacts({ databases: dbs }));
    const s = serverItem(d, 'DatabaseSelectionValidation');
    assert.equal(s.state, 'Failed');
    assert.match(s.messages![0].message, /9 databases were chosen; one migration moves at most 8/);
    assert.deepEqual(s.objects, ['db9']);
  });

  it('fails template, Azure-internal and missing databases in SchemaValidation (603102)', () => {
    const d = runRules(cleanFacts({ databases: ['template1', 'azure_maintenance', 'nope'] }));
    assert.match(dbItem(d, 'template1', 'SchemaValidation').messages![0].message, /template database and is never migrated/);
    assert.match(dbItem(d, 'azure_maintenance', 'SchemaValidation').messages![0].message, /Azure internal/);
    const m = dbItem(d, 'nope', 'SchemaValidation');
    assert.equal(m.code, 603102);
    assert.match(m.correctiveAction!, /pick one of: postgres, app/);
    assert.equal(d.dbLevelValidationDetails!.find((x) => x.databaseName === 'nope')!.summary.length, 1);
  });

  it('a database already on the target: Warning with overwrite, Failed (603101) without', () => {
    const f = cleanFacts();
    tgt(f).databases.push({ ...src(f).databases.find((x) => x.name === 'app')! });
    const without = dbItem(runRules(f), 'app', 'TargetDatabaseValidation');
    assert.equal(without.state, 'Failed');
    assert.equal(without.code, 603101);
    assert.match(without.correctiveAction!, /DROP DATABASE app;/);
    const withOverwrite = dbItem(runRules({ ...f, overwrite: true }), 'app', 'TargetDatabaseValidation');
    assert.equal(withOverwrite.state, 'Warning');
    assert.match(withOverwrite.messages![0].message, /will be dropped and created again/);
  });

  it('fails unsupported extensions (603405) and ones the target lacks (603408)', () => {
    const f = cleanFacts();
    f.sourceDatabases.app = { ok: true, value: database('app', { extensions: [
      { name: 'timescaledb', version: '2.14.0', schema: 'public' },
      { name: 'pg_partman', version: '5.0.1', schema: 'partman' },
      { name: 'hstore', version: '1.8', schema: 'public' },
      { name: 'timetravel', version: '1.0', schema: 'public' },
    ] }) };
    const e = dbItem(runRules(f), 'app', 'ExtensionsValidation');
    assert.equal(e.state, 'Failed');
    assert.equal(e.code, 603405);
    assert.deepEqual(e.objects, ['timescaledb', 'pg_partman', 'timetravel']);
    assert.match(e.messages![0].message, /timescaledb, pg_partman, which the migration cannot move/);
    assert.match(e.messages![1].message, /Not available on the target: timetravel/);
    assert.match(e.correctiveAction!, /DROP EXTENSION timetravel;/);
    f.sourceDatabases.app = { ok: true, value: database('app', { extensions: [{ name: 'timetravel', version: '1.0', schema: 'public' }] }) };
    assert.equal(dbItem(runRules(f), 'app', 'ExtensionsValidation').code, 603408);
  });

  it('a new database takes the source locale when the target knows it (en_US.UTF-8 = en_US.utf8), else warns (603401)', () => {
    const f = cleanFacts();
    Object.assign(src(f).databases.find((x) => x.name === 'app')!, { collate: 'en_US.UTF-8', ctype: 'en_US.UTF-8' });
    const known = dbItem(runRules(f), 'app', 'CollationsValidation');
    assert.equal(known.state, 'Succeeded');
    assert.match(known.messages![0].message, /created on the target with the source's encoding UTF8, collation en_US\.UTF-8/);
    Object.assign(src(f).databases.find((x) => x.name === 'app')!, { collate: 'de_DE.UTF-8', ctype: 'de_DE.UTF-8' });
    const missing = dbItem(runRules(f), 'app', 'CollationsValidation');
    assert.equal(missing.state, 'Warning');
    assert.equal(missing.code, 603401);
    assert.deepEqual(missing.objects, ['de_DE.UTF-8']);
    assert.match(missing.correctiveAction!, /locale-gen de_DE\.UTF-8/);
  });

  it('warns about encoding, collation and ctype differences with an existing target database', () => {
    const f = cleanFacts();
    Object.assign(src(f).databases.find((x) => x.name === 'app')!, { encoding: 'LATIN1', collate: 'en_US', ctype: 'en_US' });
    tgt(f).databases.push({ ...src(f).databases.find((x) => x.name === 'app')!, encoding: 'UTF8', collate: 'C.UTF-8', ctype: 'C.UTF-8' });
    const c = dbItem(runRules(f), 'app', 'CollationsValidation');
    assert.equal(c.state, 'Warning');
    assert.match(c.messages![0].message, /existing target database app: encoding LATIN1 → UTF8; collation en_US → C\.UTF-8; ctype en_US → C\.UTF-8/);
  });

  it('warns about skew, naming the big table with its share, and passes spread data', () => {
    const f = cleanFacts({ options: { skewMinBytes: 1000 } });
    f.sourceDatabases.app = { ok: true, value: database('app', { tables: [table('big', { bytes: 900_000 }), table('a', { bytes: 50_000 }), table('b', { bytes: 50_000 })] }) };
    const s = dbItem(runRules(f), 'app', 'TableSkewValidation');
    assert.equal(s.state, 'Warning');
    assert.deepEqual(s.objects, ['public.big']);
    assert.match(s.messages![0].message, /one table holds 90%.*public\.big 90%.*splits large tables/);
    f.sourceDatabases.app = { ok: true, value: database('app', { tables: Array.from({ length: 10 }, (_, i) => table(`t${i}`, { bytes: 100_000 })) }) };
    assert.equal(dbItem(runRules(f), 'app', 'TableSkewValidation').state, 'Succeeded');
    // Below the size where skew matters, never a warning.
    f.options = { skewMinBytes: 10 ** 12 };
    f.sourceDatabases.app = { ok: true, value: database('app', { tables: [table('big', { bytes: 900_000 }), table('a', { bytes: 1 })] }) };
    assert.equal(dbItem(runRules(f), 'app', 'TableSkewValidation').state, 'Succeeded');
  });

  it('warns about tables WITH OIDS going to a 12+ target (603404)', () => {
    const f = cleanFacts();
    src(f).versionNum = 110022;
    f.sourceDatabases.app = { ok: true, value: database('app', { tables: [table('legacy', { withOids: true })] }) };
    const s = dbItem(runRules(f), 'app', 'SchemaValidation');
    assert.equal(s.state, 'Warning');
    assert.equal(s.code, 603404);
    assert.match(s.correctiveAction!, /ALTER TABLE public\.legacy SET WITHOUT OIDS;/);
  });

  it('a database that could not be read makes each of its rules say so', () => {
    const f = cleanFacts({ sourceDatabases: { app: { ok: false, error: 'permission denied for database app' } } });
    const items = runRules(f).dbLevelValidationDetails![0].summary;
    const notChecked = items.filter((i) => i.state === 'Failed' && /^Not checked/.test(i.messages![0].message));
    assert.ok(notChecked.length >= 6, JSON.stringify(items.map((i) => [i.type, i.state])));
  });
});

describe('validation rules: privileges and roles', () => {
  it('fails tables the source user cannot read (603110) with the GRANTs to run', () => {
    const f = cleanFacts({ mode: 'Offline' });
    src(f).user = { name: 'reader', superuser: false, createdb: false, createrole: false, replication: false, memberOf: [] };
    f.sourceDatabases.app = { ok: true, value: database('app', { tables: [table('secret', { schema: 'hr', readable: false }), table('a')], unreadableSequences: [{ schema: 'hr', name: 'secret_id_seq' }] }) };
    const p = serverItem(runRules(f), 'SourcePrivilegesValidation');
    assert.equal(p.state, 'Failed');
    assert.equal(p.code, 603110);
    assert.deepEqual(p.objects, ['app: hr.secret', 'app: hr.secret_id_seq']);
    assert.match(p.correctiveAction!, /In database app: GRANT USAGE ON SCHEMA hr TO reader; GRANT SELECT ON ALL TABLES IN SCHEMA hr TO reader;/);
  });

  it('fails a target user without CREATEDB', () => {
    const f = cleanFacts({ mode: 'Offline' });
    tgt(f).user = { name: 'weak', superuser: false, createdb: false, createrole: false, replication: false, memberOf: [] };
    const p = serverItem(runRules(f), 'TargetPrivilegesValidation');
    assert.equal(p.state, 'Failed');
    assert.match(p.correctiveAction!, /ALTER ROLE weak CREATEDB;/);
  });

  it('fails overwrite when the target user cannot drop the existing database (603117)', () => {
    const f = cleanFacts({ mode: 'Offline', overwrite: true });
    tgt(f).user = { name: 'weak', superuser: false, createdb: true, createrole: false, replication: false, memberOf: [] };
    tgt(f).databases.push({ ...src(f).databases.find((x) => x.name === 'app')!, owner: 'someone_else' });
    const p = serverItem(runRules(f), 'TargetPrivilegesValidation');
    assert.equal(p.code, 603117);
  });

  it('Azure service: warns about roles that own objects or hold grants and are missing on the target', () => {
    const f = cleanFacts({ engine: 'azure' });
    f.sourceDatabases.app = { ok: true, value: database('app', { roles: [{ name: 'app_owner', owns: 3, grants: 0 }, { name: 'Reporting', owns: 0, grants: 4 }, { name: 'pg_monitor', owns: 0, grants: 1 }] }) };
    const r = serverItem(runRules(f), 'RolesValidation');
    assert.equal(r.state, 'Warning');
    assert.deepEqual(r.objects, ['Reporting']);
    assert.match(r.correctiveAction!, /CREATE ROLE "Reporting";/);
    assert.match(r.messages![0].message, /holds 4 grants in app/);
  });

  it('Azure service asked to migrate roles from a source that is not a Single Server: says the service carries none', () => {
    const f = cleanFacts({ engine: 'azure', migrateRoles: true });
    const r = serverItem(runRules(f), 'RolesValidation');
    assert.equal(r.state, 'Warning');
    assert.match(r.messages![0].message, /only from an Azure Single Server source, and not from PostgreSQL 16/);
    assert.doesNotMatch(JSON.stringify(serverItem(runRules({ ...f, migrateRoles: false }), 'RolesValidation')), /Single Server source/);
  });

  it('direct engine: says ownership and grants are not copied, naming the roles, and which are missing', () => {
    const f = cleanFacts();
    f.sourceDatabases.app = { ok: true, value: database('app', { roles: [{ name: 'app_owner', owns: 3, grants: 0 }, { name: 'Reporting', owns: 0, grants: 4 }] }) };
    const r = serverItem(runRules(f), 'RolesValidation');
    assert.equal(r.state, 'Warning');
    assert.deepEqual(r.objects, ['Reporting', 'app_owner']);
    assert.match(r.messages![0].message, /copies no ownership or GRANTs: every object arrives owned by "postgres"/);
    assert.match(r.messages![1].message, /Missing on the target: Reporting/);
    assert.match(r.correctiveAction!, /CREATE ROLE "Reporting";.*ALTER … OWNER TO, GRANT and REVOKE/);
  });

  it('direct engine migrating roles: says what is carried and created; warns that passwords stay behind when the source user is no superuser', () => {
    const f = cleanFacts({ migrateRoles: true });
    f.sourceDatabases.app = { ok: true, value: database('app', { roles: [{ name: 'app_owner', owns: 3, grants: 0 }, { name: 'Reporting', owns: 0, grants: 4 }] }) };
    const r = serverItem(runRules(f), 'RolesValidation');
    assert.deepEqual(r.objects, ['Reporting']);
    assert.match(r.messages![0].message, /Ownership and grants are carried: "Reporting" holds 4 grants in app/);
    assert.match(r.messages![1].message, /Created on the target before the schema.*: Reporting/);
    assert.equal(r.state, f.source.ok && f.source.value.user.superuser ? 'Succeeded' : 'Warning');
    if (f.source.ok) f.source.value.user.superuser = false;
    const n = serverItem(runRules(f), 'RolesValidation');
    assert.equal(n.state, 'Warning');
    assert.match(n.messages!.at(-1)!.message, /not a superuser, so role passwords cannot be read/);
    assert.match(n.correctiveAction!, /ALTER ROLE … PASSWORD/);
    // A target user that may not create roles fails the rule before anything is migrated.
    if (f.target.ok) Object.assign(f.target.value.user, { superuser: false, createrole: false });
    const c = serverItem(runRules(f), 'RolesValidation');
    assert.equal(c.state, 'Failed');
    assert.match(c.messages!.at(-1)!.message, /may not create roles.*Reporting is missing/);
    assert.match(c.correctiveAction!, /CREATEROLE.*CREATE ROLE "Reporting";.*or migrate without roles/);
  });
});

describe('validation rules: Azure targets', () => {
  const azure = (f: ValidationFacts, a: ValidationFacts['azureTarget']): ValidationFacts => ({ ...f, azureTarget: a });

  it('fails a Burstable target and warns under 4 vCores, with a scale fix', () => {
    const b = serverItem(runRules(azure(cleanFacts(), { skuTier: 'Burstable', skuName: 'Standard_B1ms', vCores: 1 })), 'TargetSkuValidation');
    assert.equal(b.state, 'Failed');
    assert.equal(b.fix?.id, 'azure.scaleSku');
    assert.equal(b.fix?.args?.vCores, '4');
    assert.equal(serverItem(runRules(azure(cleanFacts(), { skuTier: 'GeneralPurpose', vCores: 2 })), 'TargetSkuValidation').state, 'Warning');
    assert.equal(serverItem(runRules(azure(cleanFacts(), { skuTier: 'GeneralPurpose', vCores: 4 })), 'TargetSkuValidation').state, 'Succeeded');
  });

  it('fails extensions missing from azure.extensions (603108) with the exact new value as a fix', () => {
    const f = azure(cleanFacts(), { allowlistedExtensions: ['hstore'] });
    const a = serverItem(runRules(f), 'ExtensionsAllowlistValidation');
    assert.equal(a.state, 'Failed');
    assert.equal(a.code, 603108);
    assert.deepEqual(a.objects, ['pgcrypto']);
    assert.deepEqual(a.fix, { id: 'azure.allowlistExtensions', title: 'Allow pgcrypto in azure.extensions', args: { extensions: 'pgcrypto', value: 'hstore,pgcrypto' } });
    assert.match(a.correctiveAction!, /azure\.extensions to 'hstore,pgcrypto'/);
    assert.equal(serverItem(runRules(azure(cleanFacts(), { allowlistedExtensions: ['PGCRYPTO'] })), 'ExtensionsAllowlistValidation').state, 'Succeeded');
    // An extension the migration cannot move fails ExtensionsValidation; allowing it would not help.
    const g = azure(cleanFacts(), { allowlistedExtensions: ['pgcrypto'] });
    g.sourceDatabases.app = { ok: true, value: database('app', { extensions: [{ name: 'pgcrypto', version: '1.3', schema: 'public' }, { name: 'postgres_fdw', version: '1.1', schema: 'public' }] }) };
    assert.equal(serverItem(runRules(g), 'ExtensionsAllowlistValidation').state, 'Succeeded');
  });

  it('fails extensions that need shared_preload_libraries (603109), saying the target restarts', () => {
    const f = azure(cleanFacts(), { sharedPreloadLibraries: ['pg_cron'] });
    f.sourceDatabases.app = { ok: true, value: database('app', { extensions: [{ name: 'pg_stat_statements', version: '1.10', schema: 'public' }, { name: 'pg_cron', version: '1.6', schema: 'public' }] }) };
    const p = serverItem(runRules(f), 'SharedPreloadLibrariesValidation');
    assert.equal(p.code, 603109);
    assert.deepEqual(p.objects, ['pg_stat_statements']);
    assert.equal(p.fix?.args?.value, 'pg_cron,pg_stat_statements');
    assert.match(p.correctiveAction!, /restart the target/);
  });

  it('checks the data against the target storage: Warning at 80%, Failed above 100%', () => {
    const f = cleanFacts();
    src(f).databases.find((x) => x.name === 'app')!.sizeBytes = 85 * 1024 ** 2;
    tgt(f).databases.forEach((x) => delete x.sizeBytes);
    assert.equal(serverItem(runRules(azure(f, { storageMb: 100 })), 'StorageValidation').state, 'Warning');
    assert.equal(serverItem(runRules(azure(f, { storageMb: 80 })), 'StorageValidation').state, 'Failed');
    assert.equal(serverItem(runRules(azure(f, { storageMb: 1000 })), 'StorageValidation').state, 'Succeeded');
    assert.ok(!runRules(f).serverLevelValidationDetails!.some((i) => i.type === 'StorageValidation'));
  });
});

describe('validation rules: text report', () => {
  it('puts failures first with their code, messages and fix; passing rules take one line', () => {
    const f = cleanFacts();
    src(f).settings.wal_level = 'replica';
    const text = formatValidationText(runRules(f));
    const lines = text.split('\n');
    assert.match(lines[0], /^Validation Failed in 1\.5 s: 1 failed, 0 warnings, \d+ succeeded\.$/);
    assert.equal(lines[1], 'Server:');
    assert.equal(lines[2], '  FAIL  ServerParametersValidation [603107]');
    assert.match(lines[3], /wal_level is replica/);
    assert.match(lines[4], /^ {8}Fix: On the source run ALTER SYSTEM SET wal_level = logical;/);
    assert.equal(lines[5], '  ok    AuthenticationAndConnectivityValidation');
    assert.ok(lines.includes('Database app:'));
    assert.ok(!text.includes('Connected to the source'), 'passing messages only with verbose');
    assert.ok(formatValidationText(runRules(f), { verbose: true }).includes('Connected to the source'));
  });
});
