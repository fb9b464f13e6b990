/**
 * TLS with a private CA, end to end: the Node driver, pg_dump, and the subscription a
 * PostgreSQL 16 target opens to the source all verify the source's certificate; the wrong CA or
 * the wrong host name is refused. And ~/.pgpass (PGPASSFILE) serves the engine's own sessions.
 */
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { MigrationSpec } from '../../src/core/provider';
import { DirectMigrationRun } from '../../src/direct/engine';
import { watchOnline } from '../../src/direct/online/control';
import { dumpToString, defaultTools } from '../../src/direct/pgTools';
import { targetKeyOf } from '../../src/direct/store';
import { connect, PgConnectError, withClient, type ConnInfo } from '../../src/pg/connection';
import { makePrivateCa, type PrivateCa } from '../harness/privateCa';
import { specFor, tempStore } from '../harness/migrationSpec';
import { startServer, type TestServer } from '../harness/postgres';
import { sharedServer, uniqueDb } from '../harness/servers';
import { SCHEMA } from './onlineFixture';

describe('TLS with a private CA: driver, pg_dump and the subscription verify the source', function () {
  this.timeout(240_000);
  let ca: PrivateCa;
  let source: TestServer;
  /** A PostgreSQL 16 target whose system CA store (SSL_CERT_FILE) holds the private CA. */
  let trusting: TestServer;

  before(async () => {
    ca = await makePrivateCa('127.0.0.1');
    [source, trusting] = await Promise.all([
      // 15: the machine's pg_dump (15) can dump it.
      startServer({
        version: '15',
        certificate: { certFile: ca.certFile, keyFile: ca.keyFile },
        // 127.0.0.2 reaches the same server under a name its certificate does not carry.
        settings: { listen_addresses: "'127.0.0.1,127.0.0.2'" },
        hba: ['host all all 127.0.0.0/8 scram-sha-256', 'host replication all 127.0.0.0/8 scram-sha-256'],
      }),
      startServer({ version: '16', logical: false, env: { SSL_CERT_FILE: ca.caFile } }),
    ]);
  });

  after(async () => {
    await Promise.all([source?.destroy(), trusting?.destroy()]);
    ca?.remove();
  });

  const verified = (o: Partial<ConnInfo> = {}): ConnInfo => ({ ...source.conn('postgres', 'source'), sslMode: 'verify-full', sslRootCert: ca.caFile, ...o });

  it('the driver: verify-full connects with the right CA and host, and is refused with the wrong CA or the wrong host name', async () => {
    const ssl = await withClient(verified(), async (c) => (await c.query('SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()')).rows[0].ssl);
    assert.equal(ssl, true);
    await assert.rejects(connect(verified({ sslRootCert: ca.otherCaFile })), (e: unknown) => e instanceof PgConnectError && e.kind === 'tls-verify');
    await assert.rejects(connect(verified({ host: '127.0.0.2' })), (e: unknown) => e instanceof PgConnectError && e.kind === 'tls-verify' && /127\.0\.0\.2/.test(e.message));
    // verify-ca checks the chain only: the other name is fine there.
    await withClient(verified({ host: '127.0.0.2', sslMode: 'verify-ca' }), async (c) => c.query('SELECT 1'));
    // The default CA store does not hold a private CA.
    await assert.rejects(connect(verified({ sslRootCert: undefined })), (e: unknown) => e instanceof PgConnectError && e.kind === 'tls-verify');
  });

  it('pg_dump: gets the same CA as PGSSLROOTCERT, and fails with the wrong CA or the wrong host name', async () => {
    const tools = defaultTools();
    const dump = await dumpToString(tools, verified(), { section: 'pre-data' });
    assert.match(dump, /^\\restrict [A-Za-z0-9]+$/m);
    await assert.rejects(dumpToString(tools, verified({ sslRootCert: ca.otherCaFile }), { section: 'pre-data' }), /pg_dump exited .*certificate verify failed/);
    await assert.rejects(dumpToString(tools, verified({ host: '127.0.0.2' }), { section: 'pre-data' }), /pg_dump exited .*does not match host name/);
  });

  async function onlineRun(target: TestServer, name: string, extra: Partial<MigrationSpec> = {}) {
    const db = uniqueDb('tlsonl');
    await source.psql('postgres', `CREATE DATABASE ${db}`);
    await source.psql(db, SCHEMA);
    const store = tempStore();
    const spec = specFor(source, target, [db], name, { mode: 'Online', ...extra });
    spec.source = { ...spec.source, sslMode: 'verify-full', sslRootCert: ca.caFile };
    const secrets = { sourcePassword: source.password, targetPassword: target.password };
    const m = await new DirectMigrationRun(spec, secrets, { store, throttleMs: 10 }).done;
    return { db, m, ref: { store, targetKey: targetKeyOf(spec.target), name, secrets } };
  }

  async function subconninfo(target: TestServer, db: string): Promise<string> {
    return (await target.psql(db, 'SELECT subconninfo FROM pg_subscription')).trim();
  }

  it('the subscription on a PostgreSQL 16 target keeps verify-full (sslrootcert=system) and streams', async () => {
    const { db, m, ref } = await onlineRun(trusting, `tls-keep-${process.pid}`);
    assert.equal(m.currentStatus?.state, 'WaitingForUserAction', m.currentStatus?.error);
    const info = await subconninfo(trusting, db);
    assert.match(info, /sslmode=verify-full sslrootcert=system/);
    assert.doesNotMatch(info, /sslmode=require/);
    assert.equal(m.currentStatus?.currentSubStateDetails?.dbDetails?.[db].warnings, undefined);
    await source.psql(db, "INSERT INTO t_int (v, n) VALUES ('over verified tls', -1)");
    assert.equal(await watchOnline(ref, { cutover: 'auto', quietSeconds: 1, everyMs: 200 }), 'Succeeded');
    assert.equal((await trusting.psql(db, "SELECT count(*) FROM t_int WHERE v = 'over verified tls'")).trim(), '1');
  });

  it('a target that cannot verify the source: refused with the reason, unless the weaker mode is accepted, which the migration then shows', async () => {
    const plain = await sharedServer('16', 'target');
    const refused = await onlineRun(plain, `tls-refuse-${process.pid}`);
    assert.equal(refused.m.currentStatus?.state, 'Failed');
    assert.match(refused.m.currentStatus?.error ?? '', /refused the source's TLS certificate.*--allow-weaker-replication-tls/s);
    assert.equal((await plain.psql(refused.db, 'SELECT count(*) FROM pg_subscription')).trim(), '0');

    const weaker = await onlineRun(plain, `tls-weak-${process.pid}`, { allowWeakerReplicationTls: true });
    assert.equal(weaker.m.currentStatus?.state, 'WaitingForUserAction', weaker.m.currentStatus?.error);
    assert.match(await subconninfo(plain, weaker.db), /sslmode=require/);
    const warnings = weaker.m.currentStatus?.currentSubStateDetails?.dbDetails?.[weaker.db].warnings ?? [];
    assert.ok(warnings.some((w) => /does not verify the source's certificate.*--allow-weaker-replication-tls/.test(w)), JSON.stringify(warnings));
    assert.equal(await watchOnline(weaker.ref, { cutover: 'auto', quietSeconds: 1, everyMs: 200 }), 'Succeeded');
  });

  it('a target before PostgreSQL 16 is refused before any copy when the source is verify-full', async () => {
    const old = await sharedServer('15', 'source');
    const { db, m } = await onlineRun(old, `tls-old-${process.pid}`);
    assert.equal(m.currentStatus?.state, 'Failed');
    assert.match(m.currentStatus?.error ?? '', /target runs PostgreSQL 15.*--allow-weaker-replication-tls/);
    assert.equal((await old.psql('postgres', `SELECT count(*) FROM pg_database WHERE datname = '${db}'`)).trim(), '0', 'nothing copied');
  });
});

describe('connection: ~/.pgpass (PGPASSFILE) serves the engine as it serves pg_dump', function () {
  this.timeout(120_000);

  it('an offline migration whose source URL has no password reads it from the password file, for COPY and pg_dump alike', async () => {
    const [source, target] = await Promise.all([sharedServer('15', 'source'), sharedServer('16', 'target')]);
    const db = uniqueDb('pgpass');
    await source.psql('postgres', `CREATE DATABASE ${db}`);
    await source.psql(db, 'CREATE TABLE t (id int PRIMARY KEY, v text); INSERT INTO t SELECT g, md5(g::text) FROM generate_series(1, 1000) g');
    const dir = mkdtempSync(path.join(os.tmpdir(), 'pgflex-pgpass-'));
    const file = path.join(dir, 'pgpass');
    writeFileSync(file, `${source.host}:${source.port}:*:${source.user}:${source.password.replace(/([:\\])/g, '\\$1')}\n`, { mode: 0o600 });
    const saved = process.env.PGPASSFILE;
    process.env.PGPASSFILE = file;
    try {
      const spec = specFor(source, target, [db], `pgpass-${process.pid}`);
      const m = await new DirectMigrationRun(spec, { targetPassword: target.password }, { store: tempStore(), throttleMs: 10 }).done;
      assert.equal(m.currentStatus?.state, 'Succeeded', m.currentStatus?.error);
      assert.equal((await target.psql(db, 'SELECT count(*) FROM t')).trim(), '1000');
    } finally {
      if (saved === undefined) delete process.env.PGPASSFILE;
      else process.env.PGPASSFILE = saved;
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a password file others may read is ignored, as libpq ignores it, and the error says why', async () => {
    const source = await sharedServer('15', 'source');
    const dir = mkdtempSync(path.join(os.tmpdir(), 'pgflex-pgpass-'));
    const file = path.join(dir, 'pgpass');
    writeFileSync(file, `*:*:*:*:${source.password}\n`, { mode: 0o644 });
    chmodSync(file, 0o644);
    const saved = process.env.PGPASSFILE;
    process.env.PGPASSFILE = file;
    try {
      await assert.rejects(connect({ ...source.conn('postgres', 'source'), password: undefined }), (e: unknown) =>
        e instanceof PgConnectError && e.kind === 'auth' && /none was given \(the password file .* has group or world access/.test(e.message));
      chmodSync(file, 0o600);
      await withClient({ ...source.conn('postgres', 'source'), password: undefined }, (c) => c.query('SELECT 1'));
    } finally {
      if (saved === undefined) delete process.env.PGPASSFILE;
      else process.env.PGPASSFILE = saved;
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
