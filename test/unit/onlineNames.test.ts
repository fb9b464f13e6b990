import assert from 'node:assert/strict';
import { belongsTo, migrationPrefix, replicationName } from '../../src/direct/online/names';
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
  it('tie every object back to its migration, long names included', () => {
    assert.ok(belongsTo(replicationName('sales', 'db'), 'sales'));
    const long = 'm'.repeat(60);
    assert.ok(belongsTo(replicationName(long, 'db'), long));
    assert.equal(migrationPrefix('Sales-1'), 'pgflex_sales_1_');
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
