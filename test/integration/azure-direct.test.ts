/**
 * A full Azure migration through the REAL SDK client against the loopback ARM server, whose
 * migrations run on the direct engine against real PostgreSQL servers: create → validation →
 * copying → Succeeded (offline); → waiting for cutover with live latency → cutover →
 * Succeeded (online); and cancel.
 */
import assert from 'node:assert/strict';
import { openAzure, staticTokenCredential, hostSourceId, migrationDeadlines, type Azure } from '../../src/azure';
import type { Migration } from '../../src/core/model';
import { startArmServer, type ArmServer } from '../harness/arm/server';
import { ArmWorld } from '../harness/arm/world';
import { DirectBackend } from '../harness/arm/directBackend';
import { available, sharedServer, uniqueDb } from '../harness/servers';
import type { TestServer } from '../harness/postgres';

const SUB = '44444444-4444-4444-4444-444444444444';

describe('azure migration end to end: SDK → loopback ARM → direct engine → PostgreSQL', function () {
  this.timeout(240_000);
  let arm: ArmServer;
  let azure: Azure;
  let source: TestServer;
  let target: TestServer;
  const flex = { subscriptionId: SUB, resourceGroup: 'rg', name: 'flexpg' };

  before(async () => {
    // pg_dump on this machine is 15: it dumps sources up to 15.
    source = await sharedServer(available('15') ? '15' : '11', 'source');
    target = await sharedServer('16', 'target');
    const world = new ArmWorld();
    world.addSubscription(SUB, 'E2E');
    world.addFlexibleServer({ ...flex, version: '16', pg: target.conn('postgres', 'target') });
    arm = await startArmServer({ world, backend: new DirectBackend(world, { jobs: 2 }, 150) });
    azure = openAzure({ credential: staticTokenCredential('e2e'), endpoint: arm.url, ca: arm.ca, cacheTtlMs: 0 });
  });

  after(async () => {
    await arm?.close();
  });

  async function sourceDb(prefix: string): Promise<string> {
    const db = uniqueDb(prefix);
    await source.psql('postgres', `CREATE DATABASE ${db}`);
    await source.psql(db, `CREATE TABLE items (id int PRIMARY KEY, name text NOT NULL);
      INSERT INTO items SELECT g, 'item ' || g FROM generate_series(1, 500) g;
      CREATE TABLE notes (id bigserial PRIMARY KEY, body text); INSERT INTO notes (body) SELECT md5(g::text) FROM generate_series(1, 50) g;`);
    return db;
  }

  const create = (name: string, db: string, mode: 'Offline' | 'Online') =>
    azure.provider.createMigration(flex, name, {
      location: 'eastus',
      sourceDbServerResourceId: hostSourceId(source.host, source.port, source.user),
      sourceType: 'OnPremises',
      sslMode: 'Prefer',
      migrationMode: mode,
      migrationOption: 'ValidateAndMigrate',
      dbsToMigrate: [db],
      overwriteDbsInTarget: true,
    }, { sourcePassword: source.password, targetPassword: target.password });

  function follow(name: string, until: (m: Migration) => boolean, seen: string[]): Promise<Migration> {
    return azure.provider.waitFor(flex, name, until, { timeoutMs: 120_000, intervalMs: 50, onChange: (m) => seen.push(`${m.currentStatus?.state}/${m.currentStatus?.currentSubStateDetails?.currentSubState}`) });
  }

  const count = async (s: TestServer, db: string, table: string) => Number((await s.psql(db, `SELECT count(*) FROM ${table}`)).trim());

  it('offline: create → validation → copying → Succeeded, data on the target', async () => {
    const db = await sourceDb('azoff');
    const name = `azoff${process.pid}`;
    const created = await create(name, db, 'Offline');
    assert.equal(created.currentStatus?.state, 'InProgress');
    const seen: string[] = [];
    const done = await follow(name, (m) => ['Succeeded', 'Failed', 'ValidationFailed'].includes(m.currentStatus?.state ?? ''), seen);
    assert.equal(done.currentStatus?.state, 'Succeeded', `${done.currentStatus?.error} (${seen.join(' → ')})`);
    const details = done.currentStatus?.currentSubStateDetails;
    assert.equal(details?.validationDetails?.status !== undefined, true, 'validation ran and its details came through ARM');
    assert.equal(details?.dbDetails?.[db]?.migrationState, 'Succeeded');
    assert.equal(details?.dbDetails?.[db]?.fullLoadCompletedTables, 2);
    assert.equal(details?.dbDetails?.[db]?.progress, undefined, 'the service reports table counts, no bytes: none are made up');
    assert.equal(done.progress, undefined);
    assert.ok(seen.some((s) => /ValidationInProgress|MigratingData|PerformingPreRequisiteSteps/.test(s)), seen.join(' → '));
    assert.equal(await count(target, db, 'items'), 500);
    assert.equal(await count(target, db, 'notes'), 50);
    assert.equal(done.sourceDbServerResourceId, hostSourceId(source.host, source.port, source.user));
    assert.equal(done.targetDbServerResourceId?.endsWith('/flexibleServers/flexpg'), true);
  });

  it('online: waiting for cutover with live CDC counters → cutover → Succeeded, changes on the target', async () => {
    const db = await sourceDb('azonl');
    const name = `azonl${process.pid}`;
    await create(name, db, 'Online');
    const seen: string[] = [];
    const waiting = await follow(name, (m) => m.currentStatus?.currentSubStateDetails?.currentSubState === 'WaitingForCutoverTrigger' || ['Failed', 'ValidationFailed'].includes(m.currentStatus?.state ?? ''), seen);
    assert.equal(waiting.currentStatus?.state, 'WaitingForUserAction', waiting.currentStatus?.error);
    assert.ok(migrationDeadlines(waiting).cutover, 'the 72-hour cutover window is computed');
    await source.psql(db, `INSERT INTO items SELECT g, 'late ' || g FROM generate_series(501, 520) g; UPDATE items SET name = 'changed' WHERE id = 1;`);
    const applied = await follow(name, (m) => (m.currentStatus?.currentSubStateDetails?.dbDetails?.[db]?.cdcInsertCounter ?? 0) >= 20, seen);
    const d = applied.currentStatus?.currentSubStateDetails?.dbDetails?.[db];
    assert.ok((d?.cdcUpdateCounter ?? 0) >= 1, JSON.stringify(d));
    assert.equal(typeof d?.latency, 'number');
    await azure.provider.cutover(flex, name, [db]);
    const done = await follow(name, (m) => ['Succeeded', 'Failed', 'Canceled'].includes(m.currentStatus?.state ?? ''), seen);
    assert.equal(done.currentStatus?.state, 'Succeeded', `${done.currentStatus?.error} (${seen.join(' → ')})`);
    assert.equal(done.triggerCutover, 'True');
    assert.equal(await count(target, db, 'items'), 520);
    assert.equal((await target.psql(db, 'SELECT name FROM items WHERE id = 1')).trim(), 'changed');
  });

  it('cancel: an online migration waiting for cutover is canceled; canceling again is refused', async () => {
    const db = await sourceDb('azcan');
    const name = `azcan${process.pid}`;
    await create(name, db, 'Online');
    const seen: string[] = [];
    await follow(name, (m) => m.currentStatus?.currentSubStateDetails?.currentSubState === 'WaitingForCutoverTrigger' || ['Failed', 'ValidationFailed'].includes(m.currentStatus?.state ?? ''), seen);
    await azure.provider.cancel(flex, name);
    const done = await follow(name, (m) => ['Canceled', 'Failed', 'Succeeded'].includes(m.currentStatus?.state ?? ''), seen);
    assert.equal(done.currentStatus?.state, 'Canceled', `${done.currentStatus?.error} (${seen.join(' → ')})`);
    await assert.rejects(azure.provider.cancel(flex, name), /only a migration in progress can be canceled/);
    const slots = (await source.psql(db, `SELECT count(*) FROM pg_replication_slots WHERE database = '${db}'`)).trim();
    assert.equal(slots, '0', 'the replication slot was removed');
  });
});
