import assert from 'node:assert/strict';
import { migrationPrefix, replicationName } from '../../src/direct/online/names';
import { appNameFor } from '../../src/direct/sessions';
import { newObjectsId, objectKeyOf } from '../../src/direct/store';
import { subscriptionConnInfo } from '../../src/direct/online/subscription';

describe('online replication object names', () => {
  it('are pgflex_<migration>_<db>, lower-case, valid as slot names', () => {
    assert.equal(replicationName('Sales-2026', 'orders'), 'pgflex_sales_2026_orders');
    for (const n of [replicationName('Sales-2026', 'Orders DB é'), replicationName('a'.repeat(63), 'b'.repeat(63))]) {
      assert.match(n, /^[a-z0-9_]{1,63}$/);
    }
  });
  it('give two databases that sanitise alike different names', () => {
    assert.notEqual(replicationName('m', 'Orders'), replicationName('m', 'orders!'));
    assert.notEqual(replicationName('m', 'a b'), replicationName('m', 'a_b'));
  });
  it('start with the migration name; two migrations of one name (or differing in case) share no object and no session name (issue 16)', () => {
    assert.equal(migrationPrefix('Sales-1'), 'pgflex_sales_1_');
    const keys = ['nightly', 'nightly', 'Nightly', 'm'.repeat(63), 'm'.repeat(63)].map((name) => objectKeyOf({ spec: { name }, objectsId: newObjectsId() }));
    for (const db of ['app', 'd'.repeat(63)]) {
      const names = keys.map((k) => replicationName(k, db));
      assert.equal(new Set(names).size, names.length, names.join(' '));
      for (const n of names) assert.match(n, /^[a-z0-9_]{1,63}$/);
    }
    assert.ok(replicationName(keys[0], 'app').startsWith(migrationPrefix('nightly')));
    const apps = keys.map(appNameFor);
    assert.equal(new Set(apps).size, apps.length, apps.join(' '));
    for (const a of apps) assert.ok(Buffer.byteLength(a) <= 63, a);
    // A record from before ids keeps the names its objects were made with.
    assert.equal(objectKeyOf({ spec: { name: 'old' } }), 'old');
    assert.match(newObjectsId(), /^[a-z2-7]{8}$/);
  });
});

describe('subscription connection string', () => {
  it('quotes values so a password with quotes, spaces and backslashes survives', () => {
    const s = subscriptionConnInfo({ host: 'h', port: 5, user: "o'neil", password: "p w'\\x", database: 'd b', sslMode: 'verify-full' }, ['sslmode=verify-full', 'sslrootcert=system']);
    assert.equal(s, "host='h' port=5 user='o\\'neil' dbname='d b' sslmode=verify-full sslrootcert=system keepalives=1 keepalives_idle=10 keepalives_interval=5 keepalives_count=3 connect_timeout=20 password='p w\\'\\\\x'");
  });
  it('leaves the password out when there is none', () => {
    assert.doesNotMatch(subscriptionConnInfo({ host: 'h', port: 5, user: 'u', database: 'd', sslMode: 'disable' }, ['sslmode=disable']), /password/);
  });
});
