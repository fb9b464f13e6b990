/**
 * The real SDK client against the loopback ARM server (scripted migrations): discovery,
 * migration lifecycles, cancel, the one-active rule, retries on 429 with Retry-After, errors
 * worded for a person, server parameters with restart, firewall rules.
 */
import assert from 'node:assert/strict';
import { openAzure, staticTokenCredential, migrationDeadlines, refusedClientAddress, AzureError, type Azure } from '../../src/azure';
import type { Migration } from '../../src/core/model';
import { startArmServer, type ArmServer } from '../harness/arm/server';
import { ArmWorld, flexId, singleId } from '../harness/arm/world';
import { ScriptedBackend } from '../harness/arm/backend';

const SUB1 = '11111111-1111-1111-1111-111111111111';
const SUB2 = '22222222-2222-2222-2222-222222222222';

describe('azure provider against the loopback ARM server (real SDK)', function () {
  this.timeout(60_000);
  let arm: ArmServer;
  let azure: Azure;
  const target = { subscriptionId: SUB1, resourceGroup: 'rg1', name: 'flextarget' };

  before(async () => {
    const world = new ArmWorld();
    world.addSubscription(SUB1, 'Production');
    world.addSubscription(SUB2, 'Test');
    world.addFlexibleServer({ ...target, version: '16', skuName: 'Standard_D4ds_v5', skuTier: 'GeneralPurpose', storageGb: 256 });
    world.addFlexibleServer({ subscriptionId: SUB2, resourceGroup: 'rg2', name: 'small', skuName: 'Standard_B1ms', skuTier: 'Burstable', storageGb: 32 });
    world.addSingleServer({ subscriptionId: SUB1, resourceGroup: 'rg1', name: 'oldsingle', version: '11' });
    arm = await startArmServer({ world, backend: new ScriptedBackend(60), token: 'good-token' });
    azure = openAzure({ credential: staticTokenCredential('good-token'), endpoint: arm.url, ca: arm.ca, pollIntervalMs: 20, cacheTtlMs: 0 });
  });

  after(async () => {
    await arm.close();
  });

  const migrate = (name: string, over: Partial<Parameters<Azure['provider']['createMigration']>[2]> = {}) =>
    azure.provider.createMigration(target, name, { location: 'eastus', sourceDbServerResourceId: singleId({ subscriptionId: SUB1, resourceGroup: 'rg1', name: 'oldsingle' }), dbsToMigrate: ['sales', 'hr'], migrationMode: 'Offline', migrationOption: 'ValidateAndMigrate', overwriteDbsInTarget: true, ...over }, { sourcePassword: 'src-secret', targetPassword: 'tgt-secret' });

  async function follow(name: string, until: (m: Migration) => boolean): Promise<{ last: Migration; seen: string[] }> {
    const seen: string[] = [];
    const last = await azure.provider.waitFor(target, name, until, { timeoutMs: 20_000, intervalMs: 20, onChange: (m) => seen.push(`${m.currentStatus?.state}/${m.currentStatus?.currentSubStateDetails?.currentSubState}`) });
    return { last, seen };
  }

  it('lists subscriptions, with a filter by name or id', async () => {
    const all = await azure.discovery.subscriptions();
    assert.deepEqual(all.map((s) => s.displayName), ['Production', 'Test']);
    const some = await azure.discovery.subscriptions(['test']);
    assert.deepEqual(some.map((s) => s.subscriptionId), [SUB2]);
  });

  it('lists Flexible Servers with version, SKU tier, vCores, region, state and storage', async () => {
    const [flex] = await azure.discovery.flexibleServers(SUB1);
    assert.deepEqual(
      { name: flex.name, rg: flex.resourceGroup, version: flex.version, tier: flex.skuTier, vCores: flex.vCores, location: flex.location, state: flex.state, storageMb: flex.storageMb, id: flex.id },
      { name: 'flextarget', rg: 'rg1', version: '16', tier: 'GeneralPurpose', vCores: 4, location: 'eastus', state: 'Ready', storageMb: 256 * 1024, id: flexId(target) },
    );
    const [small] = await azure.discovery.flexibleServers(SUB2);
    assert.equal(small.vCores, 1);
    assert.equal(small.skuTier, 'Burstable');
  });

  it('lists Single Servers through the same pipeline (api-version 2017-12-01)', async () => {
    const [single] = await azure.discovery.singleServers(SUB1);
    assert.equal(single.name, 'oldsingle');
    assert.equal(single.kind, 'azure-single');
    assert.equal(single.version, '11');
    assert.equal(single.vCores, 4);
    assert.ok(arm.log.some((l) => l.path.includes('/servers?api-version=2017-12-01')));
  });

  it('runs an offline migration: validation → copying → Succeeded; secrets never come back', async () => {
    const created = await migrate('offlineone');
    assert.equal(created.currentStatus?.state, 'InProgress');
    assert.equal(JSON.stringify(created).includes('secret'), false);
    const put = arm.log.find((l) => l.method === 'PUT' && l.path.includes('/migrations/offlineone'));
    assert.equal((put?.body as { properties: { secretParameters: { adminCredentials: { sourceServerPassword: string } } } }).properties.secretParameters.adminCredentials.sourceServerPassword, 'src-secret');
    const { last, seen } = await follow('offlineone', (m) => m.currentStatus?.state === 'Succeeded');
    assert.ok(seen.includes('InProgress/ValidationInProgress'), seen.join(' '));
    assert.ok(seen.includes('InProgress/MigratingData'), seen.join(' '));
    assert.equal(last.currentStatus?.currentSubStateDetails?.validationDetails?.status, 'Succeeded');
    assert.equal(last.currentStatus?.currentSubStateDetails?.dbDetails?.sales?.migrationState, 'Succeeded');
    const listed = await azure.provider.list(target);
    assert.ok(listed.some((m) => m.name === 'offlineone' && m.currentStatus?.state === 'Succeeded'), 'list uses filter All and shows finished migrations');
  });

  it('refuses a taken name with the service reason, and an invalid one locally', async () => {
    const taken = await azure.provider.checkName(target, 'offlineone');
    assert.equal(taken.ok, false);
    assert.match(taken.reason ?? '', /already exists/);
    await assert.rejects(migrate('offlineone'), (e: unknown) => e instanceof AzureError && e.kind === 'conflict');
    assert.match((await azure.provider.checkName(target, 'Bad-Name')).reason ?? '', /lowercase/);
  });

  it('runs an online migration: waiting for cutover (deadlines shown) → cutover of the chosen databases → Succeeded', async () => {
    await migrate('onlineone', { migrationMode: 'Online' });
    const { last: waiting } = await follow('onlineone', (m) => m.currentStatus?.currentSubStateDetails?.currentSubState === 'WaitingForCutoverTrigger');
    assert.equal(waiting.currentStatus?.state, 'WaitingForUserAction');
    assert.equal(waiting.currentStatus?.currentSubStateDetails?.dbDetails?.sales?.latency, 0);
    const d = migrationDeadlines(waiting);
    assert.ok(d.cutover && d.cutover.remainingMs > 71 * 3600 * 1000 && d.cutover.remainingMs <= 72 * 3600 * 1000, JSON.stringify(d));
    assert.ok(d.lifetime && d.lifetime.remainingMs > 6.9 * 24 * 3600 * 1000);
    // while it is active, the target takes no other migration
    await assert.rejects(migrate('another'), /one migration or validation per target server/);
    await azure.provider.cutover(target, 'onlineone', ['sales', 'hr']);
    const patch = arm.log.find((l) => l.method === 'PATCH' && l.path.includes('/migrations/onlineone'));
    assert.deepEqual(patch?.body, { properties: { triggerCutover: 'True', dbsToTriggerCutoverOn: ['sales', 'hr'] } });
    const { last } = await follow('onlineone', (m) => m.currentStatus?.state === 'Succeeded');
    assert.equal(last.triggerCutover, 'True');
  });

  it('cancels an active migration (DELETE), then refuses to cancel it again', async () => {
    await migrate('tocancel', { migrationMode: 'Online' });
    const canceled = await azure.provider.cancelMigration(target, 'tocancel');
    assert.ok(arm.log.some((l) => l.method === 'DELETE' && l.path.includes('/migrations/tocancel')));
    assert.ok(['InProgress', 'Canceled'].includes(canceled.currentStatus?.state ?? ''));
    const { last } = await follow('tocancel', (m) => m.currentStatus?.state === 'Canceled');
    assert.equal(last.currentStatus?.currentSubStateDetails?.currentSubState, 'Completed');
    await assert.rejects(azure.provider.cancel(target, 'tocancel'), /is Canceled: only a migration in progress can be canceled/);
  });

  it('cancels some databases with PATCH cancel + dbsToCancelMigrationOn', async () => {
    await migrate('partcancel', { migrationMode: 'Online' });
    await azure.provider.cancel(target, 'partcancel', ['hr']);
    const patch = arm.log.find((l) => l.method === 'PATCH' && l.path.includes('/migrations/partcancel'));
    assert.deepEqual(patch?.body, { properties: { cancel: 'True', dbsToCancelMigrationOn: ['hr'] } });
    await follow('partcancel', (m) => m.currentStatus?.state === 'Canceled');
  });

  it('retries a 429 after the Retry-After the server asked for', async () => {
    arm.resetCounts();
    arm.inject({ method: 'GET', path: '/migrations/offlineone', status: 429, retryAfterSeconds: 1 });
    const t0 = Date.now();
    const m = await azure.provider.get(target, 'offlineone');
    assert.equal(m.name, 'offlineone');
    assert.ok(Date.now() - t0 >= 950, `waited ${Date.now() - t0} ms`);
    assert.equal(arm.log.filter((l) => l.path.includes('/migrations/offlineone')).map((l) => l.status).join(','), '429,200');
  });

  it('retries a 503 and then succeeds', async () => {
    arm.resetCounts();
    arm.inject({ method: 'GET', path: '/migrations/offlineone', status: 503, retryAfterSeconds: 0, times: 2 });
    const m = await azure.provider.get(target, 'offlineone');
    assert.equal(m.currentStatus?.state, 'Succeeded');
    assert.equal(arm.calls, 3);
  });

  it('words 403, 404, 401 and a bad api-version for a person', async () => {
    arm.inject({ method: 'GET', path: '/migrations', status: 403, code: 'AuthorizationFailed', message: `The client 'me@contoso.com' with object id 'x' does not have authorization to perform action 'Microsoft.DBforPostgreSQL/flexibleServers/migrations/read' over scope '${flexId(target)}' or the scope is invalid.` });
    await assert.rejects(azure.provider.list(target), (e: unknown) => {
      assert.ok(e instanceof AzureError && e.kind === 'forbidden');
      assert.match(e.message, /lacks permission "Microsoft\.DBforPostgreSQL\/flexibleServers\/migrations\/read" on \/subscriptions\/1111.*flextarget\. Ask an owner of that scope to give you the Reader role/);
      return true;
    });
    await assert.rejects(azure.provider.get({ ...target, name: 'nosuchserver' }, 'x'), (e: unknown) => e instanceof AzureError && e.kind === 'not-found' && /migration "x" on Flexible Server "nosuchserver" in resource group "rg1".*was not found/.test(e.message));
    const stale = openAzure({ credential: staticTokenCredential('expired-token'), endpoint: arm.url, ca: arm.ca });
    await assert.rejects(stale.provider.list(target), (e: unknown) => e instanceof AzureError && e.kind === 'sign-in' && /Sign in again/.test(e.message));
    await assert.rejects(azure.session.getAll(`/subscriptions/${SUB1}/providers/Microsoft.DBforPostgreSQL/servers?api-version=2099-01-01`, { action: 'list the Single Servers' }, SUB1), /InvalidApiVersionParameter.*2099-01-01/);
  });

  it('reads the Azure facts for validation, allow-lists extensions, preloads libraries with restart-and-wait', async () => {
    const before = await azure.parameters.targetFacts(target);
    assert.deepEqual(before, { skuTier: 'GeneralPurpose', vCores: 4, storageMb: 256 * 1024, allowlistedExtensions: [], sharedPreloadLibraries: ['pg_cron', 'pg_stat_statements'] });
    const fix1 = await azure.parameters.applyFix(target, { id: 'azure.allowlistExtensions', args: { extensions: 'hstore,citext' } });
    assert.equal(fix1.restartNeeded, false);
    arm.resetCounts();
    const fix2 = await azure.parameters.applyFix(target, { id: 'azure.addSharedPreloadLibraries', args: { libraries: 'pg_partman_bgw' } }, { restart: true });
    assert.match(fix2.summary, /restarted/);
    assert.ok(arm.callsByRoute.get('POST restart') === 1, 'restarted once');
    assert.ok((arm.callsByRoute.get('GET azureAsyncOperation') ?? 0) >= 1, 'followed the long-running operation');
    const after = await azure.parameters.targetFacts(target);
    assert.deepEqual(after.allowlistedExtensions, ['hstore', 'citext']);
    assert.deepEqual(after.sharedPreloadLibraries, ['pg_cron', 'pg_stat_statements', 'pg_partman_bgw']);
    const wal = await azure.parameters.enableLogicalReplication(target, { restart: false });
    assert.deepEqual(wal, { restarted: false, restartNeeded: true });
    assert.equal(await azure.parameters.get(target, 'wal_level'), 'logical');
    const ask = await azure.parameters.applyFix(target, { id: 'azure.scaleSku', args: { tier: 'GeneralPurpose', vCores: '8' } });
    assert.equal(ask.confirmationNeeded, true);
    assert.equal((await azure.parameters.targetFacts(target)).vCores, 4, 'nothing changed before the person confirmed');
    await azure.parameters.applyFix(target, { id: 'azure.scaleSku', args: { tier: 'GeneralPurpose', vCores: '8' } }, { restart: true });
    await azure.parameters.applyFix(target, { id: 'azure.growStorage', args: { storageGb: '512' } });
    const scaled = await azure.parameters.targetFacts(target);
    assert.deepEqual([scaled.vCores, scaled.storageMb], [8, 512 * 1024]);
    await assert.rejects(azure.parameters.applyFix(target, { id: 'azure.unknownThing' }), /cannot apply the fix "azure.unknownThing"/);
  });

  it('adds a firewall rule for the address an Azure refusal names', async () => {
    const ip = refusedClientAddress('no pg_hba.conf entry for host "203.0.113.7", user "pgadmin", database "postgres", SSL encryption');
    assert.equal(ip, '203.0.113.7');
    const { ruleName } = await azure.allowClientAddress(target, ip as string);
    const rule = arm.world.flexible(SUB1, 'rg1', 'flextarget')?.firewallRules.get(ruleName);
    assert.deepEqual(rule, { startIpAddress: '203.0.113.7', endIpAddress: '203.0.113.7' });
  });

  it('loads the whole tree in parallel and caches it briefly', async () => {
    const cached = openAzure({ credential: staticTokenCredential('good-token'), endpoint: arm.url, ca: arm.ca, cacheTtlMs: 60_000 });
    arm.resetCounts();
    const tree = await cached.discovery.tree();
    assert.equal(tree.subscriptions.length, 2);
    const prod = tree.subscriptions.find((s) => s.subscription.displayName === 'Production');
    assert.ok(prod?.flexibleServers[0].migrations.some((m) => m.name === 'offlineone'));
    assert.equal(prod?.singleServers[0].name, 'oldsingle');
    const first = arm.calls;
    await cached.discovery.tree();
    assert.equal(arm.calls, first, 'second load served from the cache');
    cached.discovery.invalidate();
    await cached.discovery.tree();
    assert.equal(arm.calls, first * 2);
  });
});
