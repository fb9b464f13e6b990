/**
 * Contract tests over every example in shared/arm/examples (and our fixtures built from the
 * schema): what the real SDK client sends for our calls equals each request example, and
 * every response example maps into the model without losing a field.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { openAzure, staticTokenCredential, type AzureCreateRequest } from '../../src/azure';
import { fromSdkMigration } from '../../src/azure/mapping';
import { FakeArm, flattenArm, leaves, at, type ArmExample, type Responder } from '../harness/arm/fakeHttp';

const SHARED = [path.resolve(__dirname, '../../../shared/arm/examples'), '/work/shared/arm/examples'].find((p) => existsSync(p)) as string;
const FIXTURES = path.resolve(__dirname, '../harness/arm/fixtures');
const load = (dir: string, f: string): ArmExample => JSON.parse(readFileSync(path.join(dir, f), 'utf8'));
const SUB = 'ffffffff-ffff-ffff-ffff-ffffffffffff';
const TARGET = { subscriptionId: SUB, resourceGroup: 'exampleresourcegroup', name: 'exampleserver' };

function azureWith(respond: Responder) {
  const fake = new FakeArm(respond);
  const azure = openAzure({ credential: staticTokenCredential('t'), httpClient: fake, maxRetries: 0 });
  return { fake, azure };
}

/** Every leaf of the flattened ARM body is in the model with the same value. */
function assertLossless(model: unknown, armBody: unknown, label: string): void {
  const flat = flattenArm(armBody);
  for (const [p, v] of leaves(flat)) {
    assert.deepEqual(at(model, p), v, `${label}: ${p} was ${JSON.stringify(v)} in ARM, ${JSON.stringify(at(model, p))} in the model`);
  }
}

/** The SDK-object path (dates as Date) loses nothing but sub-millisecond digits. */
function assertLosslessViaSdk(model: unknown, armBody: unknown, label: string): void {
  for (const [p, v] of leaves(flattenArm(armBody))) {
    const got = at(model, p);
    if (v === null) continue; // the SDK drops nulls (e.g. reason: null); absent and null mean the same
    if (typeof v === 'string' && /^\d{4}-\d\d-\d\dT/.test(v)) {
      assert.equal(Math.floor(Date.parse(got as string)), Math.floor(Date.parse(v)), `${label}: date ${p}`);
    } else {
      assert.deepEqual(got, v, `${label}: ${p}`);
    }
  }
}

const createExamples = readdirSync(SHARED).filter((f) => /^MigrationsCreate.*\.json$/.test(f));
const getExamples = readdirSync(SHARED).filter((f) => /^MigrationsGet.*\.json$/.test(f));

/** What a user of our API passes to reproduce each create example. */
function requestFor(example: ArmExample): AzureCreateRequest {
  const body = (example.parameters.parameters as { location: string; properties: Record<string, unknown> });
  const p = body.properties as Record<string, string & string[] & Record<string, Record<string, string>>>;
  const yes = (v: string | undefined) => (v === undefined ? undefined : v === 'True');
  return {
    location: body.location,
    sourceDbServerResourceId: p.sourceDbServerResourceId,
    sourceType: p.sourceType,
    sourceDbServerFullyQualifiedDomainName: p.sourceDbServerFullyQualifiedDomainName,
    targetDbServerFullyQualifiedDomainName: p.targetDbServerFullyQualifiedDomainName,
    migrationMode: p.migrationMode as 'Offline',
    migrationOption: p.migrationOption as 'Validate',
    dbsToMigrate: p.dbsToMigrate,
    overwriteDbsInTarget: yes(p.overwriteDbsInTarget),
    sslMode: p.sslMode as 'Prefer',
    migrateRoles: yes(p.migrateRoles),
    migrationInstanceResourceId: p.migrationInstanceResourceId,
    sourceServerUsername: (p.secretParameters as unknown as Record<string, string>).sourceServerUsername,
    targetServerUsername: (p.secretParameters as unknown as Record<string, string>).targetServerUsername,
  };
}

describe('azure contract: every ARM example', () => {
  it('finds the shared examples', () => {
    assert.ok(createExamples.length >= 7, `create examples in ${SHARED}`);
    assert.ok(getExamples.length >= 5);
  });

  for (const file of createExamples) {
    for (const status of ['200', '201']) {
      it(`${file} (${status}): sends the example body and maps the response losslessly`, async () => {
        const ex = load(SHARED, file);
        const secrets = ((ex.parameters.parameters as { properties: { secretParameters: { adminCredentials: Record<string, string> } } }).properties.secretParameters.adminCredentials);
        const { fake, azure } = azureWith((r) => {
          if (r.method === 'GET') return { status: 200, body: { value: [] } };
          if (r.method === 'POST') return { status: 200, body: { name: 'examplemigration', type: 'Microsoft.DBforPostgreSQL/flexibleServers/migrations', nameAvailable: true } };
          return { status: Number(status), body: ex.responses[status].body };
        });
        const m = await azure.provider.createMigration(TARGET, 'examplemigration', requestFor(ex), { sourcePassword: secrets.sourceServerPassword, targetPassword: secrets.targetServerPassword });
        const put = fake.requests.find((r) => r.method === 'PUT');
        assert.ok(put, 'a PUT was sent');
        assert.equal(put.url.pathname, `/subscriptions/${SUB}/resourceGroups/exampleresourcegroup/providers/Microsoft.DBforPostgreSQL/flexibleServers/exampleserver/migrations/examplemigration`);
        assert.equal(put.url.searchParams.get('api-version'), '2025-08-01');
        assert.deepEqual(put.body, ex.parameters.parameters);
        // the one-active check and the name check go first
        assert.equal(fake.requests[0].url.searchParams.get('migrationListFilter'), 'Active');
        assert.equal(fake.requests[1].url.pathname.endsWith('/checkMigrationNameAvailability'), true);
        assertLossless(m, ex.responses[status].body, file);
        assert.equal(JSON.stringify(m).includes('password'), false, 'no secret in the model');
      });
    }
  }

  const gets = [...getExamples.map((f) => [SHARED, f]), [FIXTURES, 'MigrationsGetOnlineWaitingForCutover.json']];
  for (const [dir, file] of gets) {
    it(`${file}: GET maps every field into the model (raw path and SDK path)`, async () => {
      const ex = load(dir, file);
      const body = ex.responses['200'].body;
      const { fake, azure } = azureWith(() => ({ status: 200, body }));
      const name = String(ex.parameters.migrationName);
      const m = await azure.provider.get(TARGET, name);
      assert.equal(fake.requests[0].method, 'GET');
      assert.ok(fake.requests[0].url.pathname.endsWith(`/migrations/${name}`));
      assertLossless(m, body, file);
      const sdk = await (await azure.session.client(SUB)).migrations.get('rg', 's', name);
      assertLosslessViaSdk(fromSdkMigration(sdk), body, `${file} via SDK`);
    });
  }

  it('MigrationsGetOnlineWaitingForCutover: CDC counters and latency arrive as numbers', async () => {
    const ex = load(FIXTURES, 'MigrationsGetOnlineWaitingForCutover.json');
    const { azure } = azureWith(() => ({ status: 200, body: ex.responses['200'].body }));
    const m = await azure.provider.get(TARGET, 'onlinemigration');
    const sales = m.currentStatus?.currentSubStateDetails?.dbDetails?.sales;
    assert.equal(sales?.latency, 7);
    assert.equal(sales?.cdcInsertCounter, 9876);
    assert.equal((sales?.incomingChanges ?? 0) - (sales?.appliedChanges ?? 0), 11);
    assert.equal(m.currentStatus?.state, 'WaitingForUserAction');
  });

  it('MigrationsListByTargetServer: lists with migrationListFilter=All and maps every item', async () => {
    const ex = load(SHARED, 'MigrationsListByTargetServer.json');
    const body = ex.responses['200'].body as { value: unknown[] };
    const { fake, azure } = azureWith(() => ({ status: 200, body }));
    const list = await azure.provider.list(TARGET);
    assert.equal(fake.requests[0].url.searchParams.get('migrationListFilter'), 'All');
    assert.equal(list.length, body.value.length);
    body.value.forEach((item, i) => assertLossless(list[i], item, `list[${i}]`));
  });

  it('MigrationsListByTargetServer: follows nextLink', async () => {
    const ex = load(SHARED, 'MigrationsListByTargetServer.json');
    const [first, ...rest] = (ex.responses['200'].body as { value: unknown[] }).value;
    const { fake, azure } = azureWith((r) =>
      r.url.searchParams.get('page') === '2'
        ? { status: 200, body: { value: rest } }
        : { status: 200, body: { value: [first], nextLink: `https://management.azure.com${r.url.pathname}?api-version=2025-08-01&migrationListFilter=All&page=2` } },
    );
    const list = await azure.provider.list(TARGET);
    assert.equal(fake.requests.length, 2);
    assert.equal(list.length, 1 + rest.length);
  });

  it('MigrationsUpdate: the PATCH body equals the example (flattened input, properties on the wire)', async () => {
    const ex = load(SHARED, 'MigrationsUpdate.json');
    const { fake, azure } = azureWith(() => ({ status: 200, body: ex.responses['200'].body }));
    const m = await azure.provider.update(TARGET, 'examplemigration', { setupLogicalReplicationOnSourceDbIfNeeded: true });
    assert.equal(fake.requests[0].method, 'PATCH');
    assert.deepEqual(fake.requests[0].body, ex.parameters.parameters);
    assertLossless(m, ex.responses['200'].body, 'MigrationsUpdate');
  });

  it('MigrationsUpdateCutover (built fixture): cutover of one database sends triggerCutover + dbsToTriggerCutoverOn', async () => {
    const wait = load(FIXTURES, 'MigrationsGetOnlineWaitingForCutover.json');
    const ex = load(FIXTURES, 'MigrationsUpdateCutover.json');
    const { fake, azure } = azureWith((r) => ({ status: 200, body: r.method === 'GET' ? wait.responses['200'].body : ex.responses['200'].body }));
    const m = await azure.provider.cutoverMigration(TARGET, 'onlinemigration', ['sales']);
    const patch = fake.requests.find((r) => r.method === 'PATCH');
    assert.deepEqual(patch?.body, ex.parameters.parameters);
    assertLossless(m, ex.responses['200'].body, 'cutover');
  });

  it('cutover refuses an offline migration (the service would answer 603114)', async () => {
    const ex = load(SHARED, 'MigrationsCancel.json');
    const { fake, azure } = azureWith(() => ({ status: 200, body: ex.responses['200'].body }));
    await assert.rejects(azure.provider.cutover(TARGET, 'examplemigration'), /Offline: only online migrations are cut over/);
    assert.equal(fake.requests.filter((r) => r.method === 'PATCH').length, 0);
  });

  for (const status of ['200', '204']) {
    it(`MigrationsCancel (${status}): cancels with DELETE and returns the migration`, async () => {
      const ex = load(SHARED, 'MigrationsCancel.json');
      const body = load(SHARED, 'MigrationsCancel.json').responses['200'].body;
      const { fake, azure } = azureWith((r) => (r.method === 'DELETE' ? { status: Number(status), body: ex.responses[status].body } : { status: 200, body }));
      const m = await azure.provider.cancelMigration(TARGET, 'examplemigration');
      const del = fake.requests.find((r) => r.method === 'DELETE');
      assert.ok(del?.url.pathname.endsWith('/migrations/examplemigration'));
      assert.equal(del?.body, undefined);
      assertLossless(m, body, `cancel ${status}`);
    });
  }

  it('2024-08-01/Migrations_Cancel: cancel of some databases is a PATCH with cancel + dbsToCancelMigrationOn; the response maps', async () => {
    const ex = load(path.join(SHARED, '2024-08-01'), 'Migrations_Cancel.json');
    const active = load(SHARED, 'MigrationsCancel.json').responses['200'].body;
    const { fake, azure } = azureWith((r) => ({ status: 200, body: r.method === 'GET' ? active : ex.responses['200'].body }));
    const m = await azure.provider.cancelMigration(TARGET, 'examplemigration', ['exampledatabase1']);
    const patch = fake.requests.find((r) => r.method === 'PATCH');
    const expected = ex.parameters.parameters as { properties: Record<string, unknown> };
    assert.deepEqual(patch?.body, { properties: { ...expected.properties, dbsToCancelMigrationOn: ['exampledatabase1'] } });
    assertLossless(m, ex.responses['200'].body, '2024 cancel');
  });

  it('2024-08-01/Migrations_Delete: the old DELETE had no body; our cancel reads the migration back', async () => {
    const ex = load(path.join(SHARED, '2024-08-01'), 'Migrations_Delete.json');
    const active = load(SHARED, 'MigrationsCancel.json').responses['200'].body;
    const codes = Object.keys(ex.responses);
    assert.ok(codes.includes('204') || codes.includes('200'));
    const { fake, azure } = azureWith((r) => (r.method === 'DELETE' ? { status: 204 } : { status: 200, body: active }));
    const m = await azure.provider.cancelMigration(TARGET, 'examplemigration');
    assert.equal(fake.requests.map((r) => r.method).join(','), 'GET,DELETE,GET');
    assert.equal(m.name, 'examplemigration');
  });

  it('cancel refuses a migration that is not in progress', async () => {
    const ex = load(SHARED, 'MigrationsGetMigrationWithSuccessfulValidationAndMigration.json');
    const { fake, azure } = azureWith(() => ({ status: 200, body: ex.responses['200'].body }));
    await assert.rejects(azure.provider.cancel(TARGET, 'examplemigration'), /is Succeeded: only a migration in progress can be canceled/);
    assert.equal(fake.requests.filter((r) => r.method !== 'GET').length, 0);
  });

  it('MigrationsCheckNameAvailability: sends the example body; available and taken names', async () => {
    const ex = load(SHARED, 'MigrationsCheckNameAvailability.json');
    let answer: unknown = ex.responses['200'].body;
    const { fake, azure } = azureWith(() => ({ status: 200, body: answer }));
    assert.deepEqual(await azure.provider.checkName(TARGET, 'examplemigration'), { ok: true });
    assert.deepEqual(fake.requests[0].body, ex.parameters.parameters);
    answer = { name: 'examplemigration', type: 'Microsoft.DBforPostgreSQL/flexibleServers/migrations', nameAvailable: false, reason: 'AlreadyExists', message: 'Migration name examplemigration already exists.' };
    const taken = await azure.provider.checkName(TARGET, 'examplemigration');
    assert.equal(taken.ok, false);
    assert.match(taken.reason ?? '', /already exists.*AlreadyExists.*Choose another name/);
    const before = fake.requests.length;
    const bad = await azure.provider.checkName(TARGET, 'my-migration');
    assert.equal(bad.ok, false);
    assert.equal(fake.requests.length, before, 'an invalid name is refused without a round trip');
  });
});
