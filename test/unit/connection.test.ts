import assert from 'node:assert/strict';
import { describeServer, explainPgError, parseConnUrl, redactedUrl } from '../../src/pg/connection';
import { libpqEnv } from '../../src/pg/libpqEnv';
import { refusedClientAddress } from '../../src/azure/firewall';

describe('connection strings', () => {
  it('parses a URL with password, port, database and sslmode', () => {
    const c = parseConnUrl('postgres://alice:s%40cret@db.example.com:6432/sales?sslmode=require');
    assert.deepEqual([c.user, c.password, c.host, c.port, c.database, c.sslMode], ['alice', 's@cret', 'db.example.com', 6432, 'sales', 'require']);
  });
  it('takes the password from the fallback when the URL has none', () => {
    assert.equal(parseConnUrl('postgres://bob@h/db', 'fromenv').password, 'fromenv');
  });
  it('refuses an unknown sslmode with the allowed values', () => {
    assert.throws(() => parseConnUrl('postgres://h/db?sslmode=maybe', undefined, 'source'), /sslmode=maybe in the source connection string is not one of disable, prefer/);
  });
  it('never puts the password in a redacted URL', () => {
    const c = parseConnUrl('postgres://alice:topsecret@h:5432/db');
    assert.doesNotMatch(redactedUrl(c), /topsecret/);
  });
  it('passes the password to libpq tools through the environment', () => {
    const env = libpqEnv(parseConnUrl('postgres://alice:pw1@h:5/db'), {});
    assert.equal(env.PGPASSWORD, 'pw1');
    assert.equal(env.PGPORT, '5');
  });
  it('scrubs a password echoed in a driver message', () => {
    const c = parseConnUrl('postgres://alice:hunter2@h:5432/db', undefined, 'source');
    const e = explainPgError(new Error('weird failure mentioning hunter2'), c);
    assert.doesNotMatch(e.message, /hunter2/);
    assert.match(e.message, /source server h:5432/);
  });
});

describe('server descriptions', () => {
  it('names the role once, even when the role already says "server"', () => {
    const base = { host: 'h', port: 1, user: 'u', database: 'd', sslMode: 'disable' as const };
    assert.equal(describeServer({ ...base, role: 'source' }), 'source server h:1');
    assert.equal(describeServer({ ...base, role: 'server' }), 'server h:1');
    assert.equal(describeServer({ ...base, role: 'target server' }), 'target server h:1');
    assert.equal(describeServer(base), 'server h:1');
  });
});

describe('refused client address', () => {
  it('keeps the address the server saw, so the Azure firewall offer can add it', () => {
    const c = parseConnUrl('postgres://u:s3cret-pw@myserver.postgres.database.azure.com/db', undefined, 'target');
    const e = explainPgError(Object.assign(new Error('no pg_hba.conf entry for host "203.0.113.9", user "u", database "db", SSL encryption'), { code: '28000' }), c);
    assert.equal(e.kind, 'no-pg-hba');
    assert.match(e.message, /target server myserver\.postgres\.database\.azure\.com:5432 does not allow connections/);
    assert.equal(refusedClientAddress(e.message), '203.0.113.9');
  });
});

describe('a server that goes away', () => {
  it('words a reset, a broken pipe and an unexpected end as a closed connection naming the server', () => {
    const c = parseConnUrl('postgres://u:pw-long@127.0.0.1:6543/db', undefined, 'target');
    for (const err of [
      Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }),
      Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }),
      new Error('Connection terminated unexpectedly'),
    ]) {
      const e = explainPgError(err, c);
      assert.match(e.message, /^The target server 127\.0\.0\.1:6543 closed the connection \(.+\)\. Check that the server is running, then retry\.$/);
    }
  });
});
