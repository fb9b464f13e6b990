// Facts of a clean pair (PostgreSQL 15 → 16, one database, everything in order) that each test bends.
import type { DatabaseFacts, ServerFacts, TableFacts, ValidationFacts } from '../../src/core/rules/facts';

export function server(overrides: Partial<ServerFacts> = {}): ServerFacts {
  return {
    versionNum: 160004,
    version: 'PostgreSQL 16.4 on x86_64-pc-linux-gnu',
    settings: {
      wal_level: 'logical', max_replication_slots: '10', max_wal_senders: '10',
      max_logical_replication_workers: '4', max_worker_processes: '8', shared_preload_libraries: '',
    },
    user: { name: 'postgres', superuser: true, createdb: true, createrole: true, replication: true, memberOf: [] },
    roles: ['postgres', 'app_owner'],
    databases: [
      { name: 'postgres', encoding: 'UTF8', collate: 'C.UTF-8', ctype: 'C.UTF-8', localeProvider: 'libc', isTemplate: false, allowConnections: true, owner: 'postgres', canConnect: true, sizeBytes: 7_000_000 },
      { name: 'template0', encoding: 'UTF8', collate: 'C.UTF-8', ctype: 'C.UTF-8', localeProvider: 'libc', isTemplate: true, allowConnections: false, owner: 'postgres', canConnect: true },
      { name: 'template1', encoding: 'UTF8', collate: 'C.UTF-8', ctype: 'C.UTF-8', localeProvider: 'libc', isTemplate: true, allowConnections: true, owner: 'postgres', canConnect: true },
    ],
    collationLocales: ['C', 'C.utf8', 'POSIX', 'en_US.utf8'],
    availableExtensions: ['plpgsql', 'pgcrypto', 'hstore', 'postgres_fdw'],
    replicationSlots: { total: 0, inactiveLogical: [] },
    walSenders: 0,
    tls: true,
    ...overrides,
  };
}

export function table(name: string, overrides: Partial<TableFacts> = {}): TableFacts {
  return {
    schema: 'public', name, bytes: 8192, hasPrimaryKey: true, replicaIdentity: 'default', unlogged: false,
    withOids: false, readable: true, owned: true, partitioned: false, ...overrides,
  };
}

export function database(name = 'app', overrides: Partial<DatabaseFacts> = {}): DatabaseFacts {
  return {
    name,
    extensions: [{ name: 'plpgsql', version: '1.0', schema: 'pg_catalog' }, { name: 'pgcrypto', version: '1.3', schema: 'public' }],
    tables: [table('orders'), table('customers')],
    unreadableSequences: [],
    sequences: 2,
    largeObjects: 0,
    roles: [],
    canCreate: true,
    ...overrides,
  };
}

export function cleanFacts(overrides: Partial<ValidationFacts> = {}): ValidationFacts {
  const src = server({ versionNum: 150008, version: 'PostgreSQL 15.8 on x86_64-pc-linux-gnu' });
  src.databases.push({ name: 'app', encoding: 'UTF8', collate: 'C.UTF-8', ctype: 'C.UTF-8', localeProvider: 'libc', isTemplate: false, allowConnections: true, owner: 'app_owner', canConnect: true, sizeBytes: 50_000_000 });
  return {
    mode: 'Online',
    overwrite: false,
    databases: ['app'],
    source: { ok: true, value: src },
    target: { ok: true, value: server() },
    sourceDatabases: { app: { ok: true, value: database() } },
    pgDump: { ok: true, value: { path: 'pg_dump', version: '16.10', major: 16 } },
    sourceEndpoint: { host: 'src.example.com', port: 5432, user: 'postgres', sslMode: 'require' },
    targetEndpoint: { host: 'tgt.example.com', port: 5432, user: 'postgres', sslMode: 'require' },
    startedAt: '2026-01-01T10:00:00.000Z',
    endedAt: '2026-01-01T10:00:01.500Z',
    ...overrides,
  };
}

