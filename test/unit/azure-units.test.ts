/** The Azure provider's pure parts: credentials, errors, pool and cache, deadlines, ids, mapping. */
import assert from 'node:assert/strict';
import {
  sessionCredential, staticTokenCredential, SignInRequiredError, explainArmError, AzureError, migrationDeadlines, activeMigration,
  parseFlexibleServerId, parseSingleServerId, parseHostSourceId, hostSourceId, vCoresFromSkuName, flexibleServerId, requestFromSpec,
  cutoverPatch, cancelPatch, toSdkCreate, fromArmJson, refusedClientAddress, firewallRuleName, AzureSession, cliCredential,
} from '../../src/azure';
import { Pool, KeyedPool, TtlCache } from '../../src/azure/pool';
import type { Migration } from '../../src/core/model';

describe('azure credentials', () => {
  it('sessionCredential asks the session callback for the ARM scope (and tenant) and returns its token', async () => {
    const asked: string[][] = [];
    const cred = sessionCredential(async (scopes) => {
      asked.push(scopes);
      return { accessToken: 'tok-1' };
    }, { tenantId: 'contoso' });
    const t = await cred.getToken('https://management.azure.com/.default');
    assert.equal(t?.token, 'tok-1');
    assert.ok((t?.expiresOnTimestamp ?? 0) > Date.now());
    assert.deepEqual(asked[0], ['https://management.azure.com/.default', 'VSCODE_TENANT:contoso']);
  });

  it('sessionCredential without a session says to sign in', async () => {
    const cred = sessionCredential(async () => undefined);
    await assert.rejects(cred.getToken('https://management.usgovcloudapi.net/.default'), (e: unknown) => e instanceof SignInRequiredError && /Sign in again/.test(e.message));
  });

  it('staticTokenCredential returns the token and refuses an empty one', async () => {
    assert.equal((await staticTokenCredential(' abc ').getToken('x'))?.token, 'abc');
    assert.throws(() => staticTokenCredential('  '), /PGFLEX_ARM_TOKEN/);
  });

  it('cliCredential uses PGFLEX_ARM_TOKEN when set', async () => {
    const c = await cliCredential({ PGFLEX_ARM_TOKEN: 'from-env' });
    assert.equal((await c.getToken('s'))?.token, 'from-env');
  });

  it('AzureSession refuses a plain-HTTP endpoint (the SDK would not send a token over it)', () => {
    assert.throws(() => new AzureSession({ credential: staticTokenCredential('t'), endpoint: 'http://localhost:1' }), /must be an https:\/\/ URL/);
  });
});

describe('azure errors worded for a person', () => {
  const ctx = { action: 'list the migrations of t1', resource: 'Flexible Server "t1"', permission: 'Microsoft.DBforPostgreSQL/flexibleServers/migrations/read' };
  it('401 → sign in again', () => {
    const e = explainArmError({ name: 'RestError', statusCode: 401, code: 'ExpiredAuthenticationToken', message: 'expired' }, ctx);
    assert.equal(e.kind, 'sign-in');
    assert.match(e.message, /Sign in again/);
  });
  it('identity errors → sign in again', () => {
    assert.equal(explainArmError({ name: 'CredentialUnavailableError', message: 'Azure CLI could not be found' }, ctx).kind, 'sign-in');
  });
  it('403 → the action, the scope and the role to ask for', () => {
    const e = explainArmError({ statusCode: 403, code: 'AuthorizationFailed', message: "The client 'a' does not have authorization to perform action 'Microsoft.DBforPostgreSQL/flexibleServers/migrations/write' over scope '/subscriptions/s/resourceGroups/rg' or the scope is invalid." }, ctx);
    assert.equal(e.kind, 'forbidden');
    assert.match(e.message, /"Microsoft\.DBforPostgreSQL\/flexibleServers\/migrations\/write" on \/subscriptions\/s\/resourceGroups\/rg.*Contributor role/);
  });
  it('403 without details falls back on the permission the action needs', () => {
    assert.match(explainArmError({ statusCode: 403, message: 'Forbidden' }, ctx).message, /migrations\/read" on Flexible Server "t1".*Reader role/);
  });
  it('404 names the resource; 409 says the name is taken; 429 and 5xx say retries were made', () => {
    assert.match(explainArmError({ statusCode: 404, code: 'ResourceNotFound', message: 'x' }, ctx).message, /Flexible Server "t1" was not found/);
    assert.match(explainArmError({ statusCode: 409, message: 'Migration name already exists' }, ctx).message, /already taken/);
    assert.equal(explainArmError({ statusCode: 429, message: 'slow down' }, ctx).kind, 'throttled');
    assert.match(explainArmError({ statusCode: 503, code: 'ServiceUnavailable', message: 'down' }, ctx).message, /after several retries/);
  });
  it('a certificate problem points at NODE_EXTRA_CA_CERTS; an AzureError passes through', () => {
    assert.match(explainArmError({ code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', message: 'unable to verify the first certificate' }, ctx).message, /NODE_EXTRA_CA_CERTS/);
    const same = new AzureError('x', 'state');
    assert.equal(explainArmError(same, ctx), same);
  });
});

describe('azure pool and cache', () => {
  it('Pool never runs more than its limit at once', async () => {
    const pool = new Pool(3);
    let now = 0;
    let peak = 0;
    await Promise.all(Array.from({ length: 12 }, () => pool.run(async () => {
      peak = Math.max(peak, ++now);
      await new Promise((r) => setTimeout(r, 5));
      now--;
    })));
    assert.equal(peak, 3);
  });

  it('KeyedPool limits per key and overall', async () => {
    const pool = new KeyedPool(2, 3);
    const running = new Map<string, number>();
    let total = 0;
    let peakTotal = 0;
    let peakKey = 0;
    await Promise.all(['a', 'a', 'a', 'b', 'b', 'b', 'c', 'c'].map((k) => pool.run(k, async () => {
      running.set(k, (running.get(k) ?? 0) + 1);
      total++;
      peakTotal = Math.max(peakTotal, total);
      peakKey = Math.max(peakKey, ...running.values());
      await new Promise((r) => setTimeout(r, 5));
      running.set(k, (running.get(k) ?? 1) - 1);
      total--;
    })));
    assert.equal(peakKey, 2);
    assert.equal(peakTotal, 3);
  });

  it('TtlCache shares one call, expires, forgets failures and prefixes', async () => {
    let t = 0;
    const cache = new TtlCache(1000, () => t);
    let calls = 0;
    const load = async () => ++calls;
    assert.deepEqual(await Promise.all([cache.get('k', load), cache.get('k', load)]), [1, 1]);
    t = 999;
    assert.equal(await cache.get('k', load), 1);
    t = 1000;
    assert.equal(await cache.get('k', load), 2);
    await assert.rejects(cache.get('bad', async () => { throw new Error('no'); }));
    assert.equal(await cache.get('bad', async () => 'ok'), 'ok');
    cache.get('sub:1', load);
    cache.invalidate('sub:*');
    assert.equal(await cache.get('sub:1', async () => 'fresh'), 'fresh');
  });
});

describe('azure limits: 7-day lifetime, 72-hour cutover window, one active migration', () => {
  const base = Date.parse('2025-06-01T00:00:00Z');
  const online = (state: string, sub: string, dbs: Record<string, unknown> = {}): Migration => ({
    name: 'm', migrationMode: 'Online', currentStatus: { state, currentSubStateDetails: { currentSubState: sub, dbDetails: dbs as never } },
  });

  it('computes the lifetime from the earliest time the migration reports', () => {
    const m = online('InProgress', 'MigratingData', { a: { startedOn: '2025-06-01T00:00:00Z' } });
    const d = migrationDeadlines(m, { now: base + 3600_000 });
    assert.equal(d.lifetime?.at, '2025-06-08T00:00:00.000Z');
    assert.equal(d.lifetime?.level, 'ok');
    assert.equal(d.cutover, undefined);
  });

  it('computes the cutover window from when the copy ended, with warning and expired levels', () => {
    const m = online('WaitingForUserAction', 'WaitingForCutoverTrigger', { a: { startedOn: '2025-06-01T00:00:00Z', migrationState: 'WaitingForCutoverTrigger' } });
    const waitingSince = '2025-06-01T02:00:00Z';
    assert.equal(migrationDeadlines(m, { now: base, waitingSince }).cutover?.at, '2025-06-04T02:00:00.000Z');
    assert.equal(migrationDeadlines(m, { now: base + 65 * 3600_000, waitingSince }).cutover?.level, 'warning');
    assert.equal(migrationDeadlines(m, { now: base + 75 * 3600_000, waitingSince }).cutover?.level, 'expired');
  });

  it('a finished migration has no deadlines; activeMigration finds the one that blocks the target', () => {
    assert.deepEqual(migrationDeadlines(online('Succeeded', 'Completed')), {});
    const list = [online('Succeeded', 'Completed'), { ...online('InProgress', 'MigratingData'), name: 'busy' }];
    assert.equal(activeMigration(list)?.name, 'busy');
    assert.equal(activeMigration([list[0]]), undefined);
  });
});

describe('azure ids and mapping', () => {
  it('parses ids case-insensitively and builds source ids', () => {
    assert.deepEqual(parseFlexibleServerId('/subscriptions/s/resourceGroups/rg/providers/Microsoft.DBForPostgreSql/flexibleServers/t'), { subscriptionId: 's', resourceGroup: 'rg', name: 't' });
    assert.equal(parseFlexibleServerId('/subscriptions/s/resourceGroups/rg/providers/Microsoft.DBforPostgreSQL/servers/t'), undefined);
    assert.equal(parseSingleServerId('/subscriptions/s/resourceGroups/rg/providers/Microsoft.DBforPostgreSQL/servers/old')?.name, 'old');
    assert.equal(hostSourceId('db.example.com', 5432, 'admin'), 'db.example.com:5432@admin');
    assert.deepEqual(parseHostSourceId('10.0.0.4:6432@app'), { host: '10.0.0.4', port: 6432, user: 'app' });
    assert.deepEqual([vCoresFromSkuName('Standard_D4ds_v5'), vCoresFromSkuName('Standard_B1ms'), vCoresFromSkuName('Standard_E64ds_v4'), vCoresFromSkuName('GP_Gen5_8')], [4, 1, 64, 8]);
  });

  it('maps a wizard spec to the create body: Single Server by id (user@server), other sources as host:port@user', () => {
    const target = { id: flexibleServerId({ subscriptionId: 's', resourceGroup: 'rg', name: 't' }), label: 't', host: 't.postgres.database.azure.com', port: 5432, user: 'tadmin', kind: 'azure-flexible' as const };
    const single = requestFromSpec({ name: 'm', source: { id: '/subscriptions/s/resourceGroups/rg/providers/Microsoft.DBforPostgreSQL/servers/old', label: 'old', host: 'old.postgres.database.azure.com', port: 5432, user: 'admin', kind: 'azure-single' }, target, databases: ['a'], mode: 'Online', option: 'ValidateAndMigrate', overwrite: false, migrateRoles: true, setupLogicalReplication: true }, 'eastus');
    assert.equal(single.sourceDbServerResourceId, '/subscriptions/s/resourceGroups/rg/providers/Microsoft.DBforPostgreSQL/servers/old');
    assert.equal(single.sourceType, 'PostgreSQLSingleServer');
    assert.equal(single.sourceServerUsername, 'admin@old');
    const onprem = requestFromSpec({ name: 'm', source: { id: 'direct:x', label: 'x', host: '10.1.2.3', port: 5433, user: 'app', kind: 'direct' }, target, databases: ['a'], mode: 'Offline', option: 'Migrate', overwrite: true, sourceType: 'AWS_RDS', sslMode: 'Require', migrationInstanceResourceId: '/rt', migrationWindowStartTimeInUtc: '2030-01-01T00:00:00Z' }, 'westeurope');
    assert.equal(onprem.sourceDbServerResourceId, '10.1.2.3:5433@app');
    assert.equal(onprem.sourceType, 'AWS_RDS');
    const body = toSdkCreate(onprem, { sourcePassword: 'p1', targetPassword: 'p2' });
    assert.equal(body.overwriteDbsInTarget, 'True');
    assert.equal(body.migrationInstanceResourceId, '/rt');
    assert.equal(body.secretParameters?.adminCredentials.sourceServerPassword, 'p1');
    assert.ok(body.migrationWindowStartTimeInUtc instanceof Date);
  });

  it('cutover and cancel patches are flattened (never { properties })', () => {
    assert.deepEqual(cutoverPatch(), { triggerCutover: 'True' });
    assert.deepEqual(cutoverPatch(['a']), { triggerCutover: 'True', dbsToTriggerCutoverOn: ['a'] });
    assert.deepEqual(cancelPatch(['b']), { cancel: 'True', dbsToCancelMigrationOn: ['b'] });
  });

  it('fromArmJson keeps unknown fields and values, drops secrets', () => {
    const m = fromArmJson({ name: 'x', systemData: { createdAt: '2025-01-01T00:00:00.1234567Z' }, properties: { futureField: { a: 1 }, currentStatus: { state: 'SomethingNew' }, secretParameters: { adminCredentials: { sourceServerPassword: 'p' } } } }) as Migration & Record<string, unknown>;
    assert.deepEqual(m.futureField, { a: 1 });
    assert.equal(m.currentStatus?.state, 'SomethingNew');
    assert.deepEqual(m.systemData, { createdAt: '2025-01-01T00:00:00.1234567Z' });
    assert.equal('secretParameters' in m, false);
  });

  it('finds the address an Azure firewall refusal names, and names a rule for it', () => {
    assert.equal(refusedClientAddress('no pg_hba.conf entry for host "198.51.100.20", user "u", database "d", no encryption'), '198.51.100.20');
    assert.equal(refusedClientAddress('password authentication failed'), undefined);
    assert.equal(firewallRuleName('198.51.100.20'), 'pgflex-198-51-100-20');
  });
});
