import assert from 'node:assert/strict';
import { connect, withClient } from '../../src/pg/connection';
import { readDatabaseFacts, readServerFacts } from '../../src/pg/facts';
import { listUserDatabases } from '../../src/pg/factsDatabases';
import type { PgVersion } from '../harness/postgres';
import { sharedServer, uniqueDb } from '../harness/servers';

const SCHEMA = `
  create table keyed (id int primary key, body text);
  create table nokey (x int);
  create table ident_full (x int); alter table ident_full replica identity full;
  create table ident_index (x int not null); create unique index ident_index_x on ident_index (x);
  alter table ident_index replica identity using index ident_index_x;
  create table ident_nothing (x int primary key); alter table ident_nothing replica identity nothing;
  create unlogged table scratch (x int);
  create table parted (id int, at date) partition by range (at);
  create table parted_2024 partition of parted for values from ('2024-01-01') to ('2025-01-01');
  create sequence counter;
  create extension hstore;
  select lo_from_bytea(0, 'x'::bytea);
  insert into keyed select g, repeat('x', 1000) from generate_series(1, 2000) g;
`;

describe('catalog facts on PostgreSQL 11, 15 and 16', function () {
  this.timeout(60_000);

  for (const version of ['11', '15', '16'] as PgVersion[]) {
    it(`reads server and database facts from PostgreSQL ${version}`, async () => {
      const s = await sharedServer(version, 'source');
      const db = uniqueDb(`facts${version}`);
      await s.psql('postgres', `create database ${db}`);
      await s.psql(db, SCHEMA);
      const server = await withClient(s.conn('postgres'), (c) => readServerFacts(c));
      assert.equal(Math.floor(server.versionNum / 10000), Number(version));
      assert.equal(server.settings.wal_level, 'logical');
      assert.equal(server.settings.max_replication_slots, '20');
      assert.equal(server.user.name, 'postgres');
      assert.equal(server.user.superuser, true);
      assert.ok(server.roles.includes('postgres'));
      assert.ok(server.availableExtensions.includes('hstore'));
      assert.ok(server.collationLocales!.includes('C.utf8'), JSON.stringify(server.collationLocales));
      assert.equal(server.tls, false);
      const info = server.databases.find((d) => d.name === db);
      assert.ok(info, 'the new database is listed');
      assert.equal(info.encoding, 'UTF8');
      assert.equal(info.collate, 'C.UTF-8');
      assert.equal(info.localeProvider, 'libc');
      assert.ok(info.sizeBytes! > 1_000_000, `size ${info.sizeBytes}`);
      assert.equal(server.databases.find((d) => d.name === 'template0')?.isTemplate, true);

      const facts = await withClient(s.conn(db), (c) => readDatabaseFacts(c));
      const byName = new Map(facts.tables.map((t) => [t.name, t]));
      assert.deepEqual([...byName.keys()].sort(), ['ident_full', 'ident_index', 'ident_nothing', 'keyed', 'nokey', 'parted', 'parted_2024', 'scratch']);
      assert.equal(byName.get('keyed')!.hasPrimaryKey, true);
      assert.ok(byName.get('keyed')!.bytes > 1_000_000, 'size counts the rows');
      assert.equal(byName.get('nokey')!.hasPrimaryKey, false);
      assert.equal(byName.get('nokey')!.replicaIdentity, 'default');
      assert.equal(byName.get('ident_full')!.replicaIdentity, 'full');
      assert.equal(byName.get('ident_index')!.replicaIdentity, 'index');
      assert.equal(byName.get('ident_nothing')!.replicaIdentity, 'nothing');
      assert.equal(byName.get('scratch')!.unlogged, true);
      assert.equal(byName.get('parted')!.partitioned, true);
      assert.equal(byName.get('parted_2024')!.partitioned, false);
      assert.ok(facts.tables.every((t) => t.readable && t.owned && !t.withOids));
      assert.equal(facts.sequences, 1);
      assert.equal(facts.largeObjects, 1);
      assert.deepEqual(facts.extensions.map((e) => e.name).sort(), ['hstore', 'plpgsql']);
      assert.equal(facts.canCreate, true);
    });
  }

  it('sees tables WITH OIDS on PostgreSQL 11, and what a user without grants cannot read', async () => {
    const s = await sharedServer('11', 'source');
    const db = uniqueDb('facts_oids');
    const role = uniqueDb('nogrant');
    await s.psql('postgres', `create database ${db}`);
    await s.psql(db, `create table legacy (x int) with oids; create sequence s1; create role ${role} login password 'pw'; create role ${role}_owner;
      create table owned_elsewhere (x int); alter table owned_elsewhere owner to ${role}_owner; grant select on owned_elsewhere to ${role};`);
    const facts = await withClient({ ...s.conn(db), user: role, password: 'pw' }, (c) => readDatabaseFacts(c));
    const legacy = facts.tables.find((t) => t.name === 'legacy')!;
    assert.equal(legacy.withOids, true);
    assert.equal(legacy.readable, false);
    assert.equal(facts.tables.find((t) => t.name === 'owned_elsewhere')!.readable, true);
    assert.equal(facts.tables.find((t) => t.name === 'owned_elsewhere')!.owned, false);
    assert.deepEqual(facts.unreadableSequences, [{ schema: 'public', name: 's1' }]);
    assert.deepEqual(facts.roles.map((r) => r.name), [role, `${role}_owner`]);
    const server = await withClient({ ...s.conn('postgres'), user: role, password: 'pw' }, (c) => readServerFacts(c));
    assert.equal(server.user.superuser, false);
    assert.equal(server.user.replication, false);
  });

  it('does not hang behind a locked table: sizes fall back to page counts', async () => {
    const s = await sharedServer('16', 'source');
    const db = uniqueDb('facts_lock');
    await s.psql('postgres', `create database ${db}`);
    await s.psql(db, `create table busy (id int primary key, v text); insert into busy select g, 'x' from generate_series(1, 1000) g; create table calm (id int primary key);`);
    await s.psql(db, 'vacuum analyze busy');
    const locker = await connect(s.conn(db));
    try {
      await locker.query('begin');
      await locker.query('lock table busy in access exclusive mode');
      const started = Date.now();
      const facts = await withClient(s.conn(db), (c) => readDatabaseFacts(c, { lockTimeoutMs: 200 }));
      assert.ok(Date.now() - started < 5000, 'returned without waiting for the lock');
      assert.equal(facts.sizesEstimated, true);
      assert.ok(facts.tables.find((t) => t.name === 'busy')!.bytes > 0, 'estimated from relpages after the vacuum');
    } finally {
      await locker.query('rollback');
      await locker.end();
    }
    const free = await withClient(s.conn(db), (c) => readDatabaseFacts(c));
    assert.equal(free.sizesEstimated, undefined);
  });

  it('lists user databases with sizes, never templates, and which exist on the target', async () => {
    const [s, t] = await Promise.all([sharedServer('15', 'source'), sharedServer('16', 'target')]);
    const both = uniqueDb('list_both');
    const only = uniqueDb('list_only');
    await s.psql('postgres', `create database ${both}`);
    await s.psql('postgres', `create database ${only}`);
    await t.psql('postgres', `create database ${both}`);
    const list = await listUserDatabases(s.conn('postgres'), t.conn('postgres'));
    const names = list.map((d) => d.name);
    assert.ok(names.includes(both) && names.includes(only));
    for (const hidden of ['template0', 'template1', 'postgres']) assert.ok(!names.includes(hidden), hidden);
    assert.equal(list.find((d) => d.name === both)!.existsOnTarget, true);
    assert.equal(list.find((d) => d.name === only)!.existsOnTarget, false);
    assert.ok(list.every((d) => d.sizeBytes! > 0));
    const sizes = list.map((d) => d.sizeBytes!);
    assert.deepEqual(sizes, [...sizes].sort((a, b) => b - a), 'largest first');
    const withPostgres = await listUserDatabases(s.conn('postgres'), undefined, { includePostgres: true });
    assert.ok(withPostgres.some((d) => d.name === 'postgres'));
    assert.equal(withPostgres[0].existsOnTarget, undefined);
  });
});
