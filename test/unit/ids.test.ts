/** src/core/ids.ts: every id kind survives a build → parse round trip, odd hosts and users included. */
import assert from 'node:assert/strict';
import {
  connectionId, directServerId, flexibleServerId, hostSourceId, parseAzureServerId, parseDirectServerId, parseFlexibleServerId,
  parseHostSourceId, parseSingleServerId, requireFlexibleServerId, singleServerId,
} from '../../src/core/ids';

const ODD = [
  { host: 'db.example.com', port: 5432, user: 'admin' },
  { host: '::1', port: 5433, user: 'postgres' },
  { host: 'fe80::1:2', port: 6432, user: 'app' },
  { host: '10.0.0.4', port: 5432, user: 'pgadmin@single1' },
  { host: 'db.example.com', port: 5432, user: 'odd:1@user' },
  { host: '2001:db8::7', port: 15432, user: 'a@b:5432@c' },
];

describe('ids (src/core/ids.ts)', () => {
  it('direct server ids round-trip, with IPv6 literals and users holding "@" or ":"', () => {
    for (const s of ODD) {
      const id = directServerId(s);
      assert.ok(id.startsWith('direct:'), id);
      assert.deepEqual(parseDirectServerId(id), s, id);
    }
    assert.equal(directServerId({ host: 'localhost', port: 5432, user: 'ad@min' }), 'direct:localhost:5432@ad@min');
  });

  it('a direct id parse refuses what is not one', () => {
    for (const id of [undefined, '', 'db:5432@u', 'direct:db@u', 'direct:db:port@u', flexibleServerId({ subscriptionId: 's', resourceGroup: 'rg', name: 'f' })]) {
      assert.equal(parseDirectServerId(id), undefined, String(id));
    }
  });

  it('host source ids (ARM sourceDbServerResourceId) round-trip; a bracketed IPv6 host loses its brackets', () => {
    for (const s of ODD) assert.deepEqual(parseHostSourceId(hostSourceId(s.host, s.port, s.user)), s);
    assert.deepEqual(parseHostSourceId('[::1]:5432@u'), { host: '::1', port: 5432, user: 'u' });
    assert.equal(parseHostSourceId('h:5432@'), undefined, 'a user is required');
    assert.equal(parseHostSourceId('h:123456@u'), undefined, 'a port has at most five digits');
    assert.equal(parseHostSourceId(singleServerId({ subscriptionId: 's', resourceGroup: 'rg', name: 'x' })), undefined);
  });

  it('saved connection ids keep role and database apart from the server id', () => {
    const c = { role: 'source' as const, host: '::1', port: 5432, user: 'u@x', database: 'shop' };
    assert.equal(connectionId(c), 'direct:source:::1:5432@u@x/shop');
    assert.notEqual(connectionId(c), connectionId({ ...c, role: 'target' }));
  });

  it('ARM server ids round-trip, case-insensitively, and tell Flexible from Single Server', () => {
    const s = { subscriptionId: '00000000-0000-0000-0000-000000000001', resourceGroup: 'rg-db.1', name: 'flex-1' };
    assert.deepEqual(parseFlexibleServerId(flexibleServerId(s)), s);
    assert.deepEqual(parseSingleServerId(singleServerId(s)), s);
    assert.deepEqual(parseAzureServerId(flexibleServerId(s)), { ...s, kind: 'flexible' });
    assert.deepEqual(parseAzureServerId(singleServerId(s)), { ...s, kind: 'single' });
    assert.deepEqual(parseFlexibleServerId(flexibleServerId(s).toLowerCase().replace('dbforpostgresql', 'DBForPostgreSql')), { subscriptionId: s.subscriptionId, resourceGroup: 'rg-db.1', name: 'flex-1' });
    assert.deepEqual(parseFlexibleServerId(`${flexibleServerId(s)}/`), s, 'a trailing slash is allowed');
    assert.equal(parseFlexibleServerId(singleServerId(s)), undefined);
    assert.equal(parseSingleServerId(flexibleServerId(s)), undefined);
    assert.equal(parseAzureServerId(`${flexibleServerId(s)}/migrations/m1`), undefined, 'a migration id is not a server id');
    assert.equal(parseAzureServerId(directServerId({ host: 'h', port: 1, user: 'u' })), undefined);
    assert.throws(() => requireFlexibleServerId('flex-1'), /"flex-1" is not the resource id of an Azure Database for PostgreSQL Flexible Server \(expected \/subscriptions\//);
  });
});
