/**
 * The lean GET path discovery lists use instead of the SDK pipeline (src/azure/leanGet.ts),
 * against the loopback ARM server: the same retries (429 with Retry-After, 5xx), the same
 * error wording, one token request shared by concurrent calls and renewed near expiry or on 401.
 */
import assert from 'node:assert/strict';
import net from 'node:net';
import { openAzure, staticTokenCredential, AzureError, type TokenCredential } from '../../src/azure';
import { startArmServer, type ArmServer } from '../harness/arm/server';
import { ArmWorld } from '../harness/arm/world';
import { ScriptedBackend } from '../harness/arm/backend';

const SUB = '33333333-3333-3333-3333-333333333333';

function countingCredential(tokens: string[], lifeMs: number): TokenCredential & { asked: number } {
  const c = {
    asked: 0,
    async getToken() {
      const token = tokens[Math.min(c.asked, tokens.length - 1)];
      c.asked++;
      return { token, expiresOnTimestamp: Date.now() + lifeMs };
    },
  };
  return c;
}

describe('azure lean discovery GETs against the loopback ARM server', function () {
  this.timeout(60_000);
  let arm: ArmServer;
  const target = { subscriptionId: SUB, resourceGroup: 'rg1', name: 'leantarget' };

  before(async () => {
    const world = new ArmWorld();
    world.addSubscription(SUB, 'Lean');
    for (let i = 0; i < 6; i++) world.addFlexibleServer({ subscriptionId: SUB, resourceGroup: 'rg1', name: i === 0 ? target.name : `lean${i}` });
    world.addSingleServer({ subscriptionId: SUB, resourceGroup: 'rg1', name: 'leansingle' });
    arm = await startArmServer({ world, backend: new ScriptedBackend(60), token: 'good-token' });
  });

  after(async () => {
    await arm.close();
  });

  it('retries a 429 on a list after the Retry-After the server asked for, counting both calls', async () => {
    const azure = openAzure({ credential: staticTokenCredential('good-token'), endpoint: arm.url, ca: arm.ca, cacheTtlMs: 0 });
    arm.resetCounts();
    arm.inject({ method: 'GET', path: '/leantarget/migrations', status: 429, retryAfterSeconds: 1 });
    const t0 = Date.now();
    const list = await azure.provider.list(target);
    assert.ok(Array.isArray(list));
    assert.ok(Date.now() - t0 >= 950, `waited ${Date.now() - t0} ms`);
    assert.equal(arm.log.filter((l) => l.path.includes('/leantarget/migrations')).map((l) => l.status).join(','), '429,200');
    assert.equal(azure.session.calls, 2);
    azure.session.dispose();
  });

  it('retries 503s and words a 5xx that outlasts the retries for a person', async () => {
    const azure = openAzure({ credential: staticTokenCredential('good-token'), endpoint: arm.url, ca: arm.ca, cacheTtlMs: 0, maxRetries: 2 });
    arm.resetCounts();
    arm.inject({ method: 'GET', path: '/flexibleServers', status: 503, retryAfterSeconds: 0, times: 2 });
    assert.equal((await azure.discovery.flexibleServers(SUB)).length, 6);
    assert.equal(arm.calls, 3);
    arm.inject({ method: 'GET', path: '/providers/Microsoft.DBforPostgreSQL/servers', status: 500, retryAfterSeconds: 0, times: 3 });
    await assert.rejects(azure.discovery.singleServers(SUB), (e: unknown) => e instanceof AzureError && e.kind === 'service' && /Could not list the Single Servers: Azure answered 500 InternalServerError after several retries/.test(e.message));
    azure.session.dispose();
  });

  it('asks the credential once for a whole tree, and again when the token nears expiry', async () => {
    const long = countingCredential(['good-token'], 60 * 60 * 1000);
    const azure = openAzure({ credential: long, endpoint: arm.url, ca: arm.ca, cacheTtlMs: 0 });
    const tree = await azure.discovery.tree();
    assert.equal(tree.subscriptions[0].flexibleServers.length, 6);
    assert.ok(azure.session.calls >= 9, `${azure.session.calls} calls`);
    assert.equal(long.asked, 1);
    azure.session.dispose();

    const short = countingCredential(['good-token'], 60 * 1000);
    const again = openAzure({ credential: short, endpoint: arm.url, ca: arm.ca, cacheTtlMs: 0 });
    await again.discovery.flexibleServers(SUB);
    await again.discovery.singleServers(SUB);
    assert.equal(short.asked, 2, 'a token within two minutes of expiry is renewed');
    again.session.dispose();
  });

  it('on a 401 asks for a fresh token once, and words a lasting 401 as a sign-in to redo', async () => {
    const rotating = countingCredential(['expired-token', 'good-token'], 60 * 60 * 1000);
    const azure = openAzure({ credential: rotating, endpoint: arm.url, ca: arm.ca, cacheTtlMs: 0 });
    assert.equal((await azure.discovery.flexibleServers(SUB)).length, 6);
    assert.equal(rotating.asked, 2);
    azure.session.dispose();
    const stale = openAzure({ credential: staticTokenCredential('expired-token'), endpoint: arm.url, ca: arm.ca });
    await assert.rejects(stale.discovery.flexibleServers(SUB), (e: unknown) => e instanceof AzureError && e.kind === 'sign-in' && /Sign in again/.test(e.message));
    stale.session.dispose();
  });

  it('words an unreachable endpoint as a network problem', async () => {
    const port = await new Promise<number>((resolve) => {
      const s = net.createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as net.AddressInfo).port;
        s.close(() => resolve(p));
      });
    });
    const azure = openAzure({ credential: staticTokenCredential('good-token'), endpoint: `https://127.0.0.1:${port}`, ca: arm.ca, maxRetries: 0 });
    await assert.rejects(azure.discovery.flexibleServers(SUB), (e: unknown) => e instanceof AzureError && e.kind === 'network' && /could not be reached/.test(e.message));
    azure.session.dispose();
  });
});
