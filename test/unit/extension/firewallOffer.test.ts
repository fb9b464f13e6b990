import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import type { ServerRef } from '../../../src/core/provider';
import { refusedClientAddress } from '../../../src/azure/firewall';
import { testWithFirewallOffer, type FirewallOfferDeps, type FirewallServer } from '../../../src/extension/connections/firewallOffer';
import { connInfo, testConnection, type TestResult } from '../../../src/extension/connections/pgTester';

const FLEX_ID = '/subscriptions/s1/resourceGroups/rg/providers/Microsoft.DBforPostgreSQL/flexibleServers/flex1';
const flexRef: ServerRef = { id: FLEX_ID, label: 'flex1', host: 'flex1.postgres.database.azure.com', port: 5432, user: 'admin', kind: 'azure-flexible' };
const directRef: ServerRef = { id: 'direct:db.example:5432@admin', label: 'db', host: 'db.example', port: 5432, user: 'admin', kind: 'direct' };
// A refusal with Azure's own text (the address the server saw); the pg layer's wording today drops it, so the public address is the usual path.
const REFUSED: TestResult = { ok: false, kind: 'no-pg-hba', message: 'The target server flex1.postgres.database.azure.com:5432 does not allow connections from this machine: no pg_hba.conf entry for host "203.0.113.7", user "admin", database "postgres", SSL encryption.' };

function world(results: TestResult[], answer: boolean, over: Partial<FirewallOfferDeps> = {}) {
  const asked: { question: string; action: string }[] = [];
  const allowed: { server: FirewallServer; address: string }[] = [];
  let tests = 0;
  const test = async () => results[Math.min(tests++, results.length - 1)];
  const deps: FirewallOfferDeps = {
    flexibleServer: (r) => (r.kind === 'azure-flexible' ? { subscriptionId: 's1', resourceGroup: 'rg', name: r.label } : undefined),
    refusedAddress: refusedClientAddress,
    publicAddress: async () => '198.51.100.9',
    ask: async (question, action) => {
      asked.push({ question, action });
      return answer;
    },
    allow: async (server, address) => {
      allowed.push({ server, address });
      return { ruleName: `pgflex-${address.replace(/\./g, '-')}` };
    },
    log: () => undefined,
    ...over,
  };
  return { deps, test, asked, allowed, tests: () => tests };
}

describe('extension firewall prompt for Azure servers (issue 5)', () => {
  it('offers a rule for the refused address, adds it when accepted and connects again', async () => {
    const w = world([REFUSED, { ok: true, message: 'Connected: PostgreSQL 16.4', version: '16.4' }], true);
    const r = await testWithFirewallOffer(flexRef, w.test, w.deps);
    assert.deepEqual(w.asked.map((a) => a.action), ['Add a firewall rule for 203.0.113.7']);
    assert.match(w.asked[0].question, /flex1 that allows 203\.0\.113\.7/);
    assert.deepEqual(w.allowed, [{ server: { subscriptionId: 's1', resourceGroup: 'rg', name: 'flex1' }, address: '203.0.113.7' }]);
    assert.equal(w.tests(), 2, 'tested again after the rule');
    assert.equal(r.ok, true);
    assert.match(r.message, /Connected: PostgreSQL 16\.4 \(firewall rule added for 203\.0\.113\.7\)/);
  });

  it('uses the public address when the refusal does not name one; declining leaves the refusal', async () => {
    const w = world([{ ...REFUSED, message: 'The target server … does not allow connections from this machine (pg_hba.conf / firewall).' }], false);
    const r = await testWithFirewallOffer(flexRef, w.test, w.deps);
    assert.deepEqual(w.asked.map((a) => a.action), ['Add a firewall rule for 198.51.100.9']);
    assert.equal(w.allowed.length, 0);
    assert.equal(w.tests(), 1);
    assert.equal(r.ok, false);
    assert.match(r.message, /pg_hba\.conf \/ firewall/);
  });

  it('asks nothing for other failures, direct servers, or when the address cannot be found; a failed rule is reported', async () => {
    const auth = world([{ ok: false, kind: 'auth', message: 'The target server … rejected the password.' }], true);
    assert.equal((await testWithFirewallOffer(flexRef, auth.test, auth.deps)).ok, false);
    const direct = world([REFUSED], true);
    await testWithFirewallOffer(directRef, direct.test, direct.deps);
    const hidden = world([{ ...REFUSED, message: 'refused' }], true, { publicAddress: async () => { throw new Error('offline'); } });
    await testWithFirewallOffer(flexRef, hidden.test, hidden.deps);
    assert.deepEqual([...auth.asked, ...direct.asked, ...hidden.asked], [], 'no prompt');
    const denied = world([REFUSED], true, { allow: async () => { throw new Error('You lack Microsoft.DBforPostgreSQL/flexibleServers/firewallRules/write on flex1.'); } });
    const r = await testWithFirewallOffer(flexRef, denied.test, denied.deps);
    assert.equal(r.ok, false);
    assert.match(r.message, /firewallRules\/write/);
    assert.equal(denied.tests(), 1, 'no retry without the rule');
  });

  it('a failed connection test says why (kind), for the prompt to know a firewall refusal', async () => {
    const srv = createServer();
    await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
    const port = (srv.address() as { port: number }).port;
    await new Promise<void>((resolve) => srv.close(() => resolve()));
    const r = await testConnection(connInfo({ host: '127.0.0.1', port, user: 'postgres', sslMode: 'disable' }, 'x', 'target'));
    assert.equal(r.ok, false);
    assert.equal(r.kind, 'unreachable');
    assert.match(r.message, /Nothing is listening on the target server 127\.0\.0\.1/);
  });
});
