import assert from 'node:assert/strict';
import { connect, parseConnUrl, PgConnectError } from '../../src/pg/connection';

describe('connection URLs (pg-connection-string + libpq parameters)', () => {
  it('reads an IPv6 host in brackets, with and without a port', () => {
    const a = parseConnUrl('postgres://u@[::1]/db');
    assert.deepEqual([a.host, a.port, a.user, a.database], ['::1', 5432, 'u', 'db']);
    const b = parseConnUrl('postgresql://u:p%40ss@[2001:db8::5]:6432/d%20b');
    assert.deepEqual([b.host, b.port, b.password, b.database], ['2001:db8::5', 6432, 'p@ss', 'd b']);
  });

  it('decodes reserved characters in the database name and keeps defaults for what is left out', () => {
    assert.equal(parseConnUrl('postgres://u@h/sal%2Fes').database, 'sal/es');
    const c = parseConnUrl('postgres://h');
    assert.deepEqual([c.host, c.port, c.user, c.database, c.sslMode, c.password], ['h', 5432, 'postgres', 'postgres', 'prefer', undefined]);
  });

  it('applies the libpq parameters it supports: TLS files, timeout, application name, and host/port/user/dbname given as parameters', () => {
    const c = parseConnUrl('postgres://u@h/db?sslmode=verify-full&sslrootcert=/etc/ca.pem&sslcert=/c.crt&sslkey=/c.key&connect_timeout=7&application_name=nightly');
    assert.deepEqual([c.sslMode, c.sslRootCert, c.sslCert, c.sslKey, c.connectTimeoutMs, c.applicationName], ['verify-full', '/etc/ca.pem', '/c.crt', '/c.key', 7000, 'nightly']);
    const q = parseConnUrl('postgres:///?host=db.internal&port=6000&user=alice&dbname=sales&password=pw');
    assert.deepEqual([q.host, q.port, q.user, q.database, q.password], ['db.internal', 6000, 'alice', 'sales', 'pw']);
  });

  it('refuses, by name, a libpq parameter it would not apply and a parameter libpq does not know', () => {
    assert.throws(() => parseConnUrl('postgres://h/db?options=-csearch_path%3Dx', undefined, 'source'), /source connection string sets options, which pgflex does not apply/);
    assert.throws(() => parseConnUrl('postgres://h/db?service=prod'), /sets service/);
    assert.throws(() => parseConnUrl('postgres://h/db?sslmod=require'), /"sslmod", which is not a libpq connection parameter/);
    assert.throws(() => parseConnUrl('postgres://a,b/db'), /several hosts/);
    assert.throws(() => parseConnUrl('postgres://h/db?port=99999'), /is not a port number/);
    assert.throws(() => parseConnUrl('postgres://h:99999/db'), /not a valid URL/);
    assert.throws(() => parseConnUrl('mysql://h/db'), /must start with postgres:\/\//);
  });

  it('never quotes the URL (and its password) in a parse error', () => {
    assert.throws(() => parseConnUrl('postgres://u:hunter22@h:xx/db'), (e: Error) => !/hunter22/.test(e.message));
  });

  it('defaults Azure hosts, public and sovereign, to verify-full', () => {
    for (const host of ['srv.postgres.database.azure.com', 'srv.postgres.database.chinacloudapi.cn', 'SRV.postgres.database.usgovcloudapi.net']) {
      assert.equal(parseConnUrl(`postgres://u@${host}/db`).sslMode, 'verify-full', host);
    }
    assert.equal(parseConnUrl('postgres://u@srv.postgres.database.azure.com/db?sslmode=require').sslMode, 'require');
    assert.equal(parseConnUrl('postgres://u@azure.com.example/db').sslMode, 'prefer');
  });
});

describe('credentials to Azure servers travel only over verified TLS', () => {
  it('refuses to send a password (or an Entra token) to an Azure host with sslmode=require, before any network I/O', async () => {
    const c = parseConnUrl('postgres://u:token-or-password@nowhere-h16.postgres.database.azure.com/db?sslmode=require', undefined, 'target');
    await assert.rejects(connect(c), (e: unknown) => e instanceof PgConnectError && e.kind === 'tls-verify' && /verified TLS/.test(e.message) && !/token-or-password/.test(e.message));
  });
});
