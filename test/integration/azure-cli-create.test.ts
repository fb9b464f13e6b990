/**
 * `pgflex azure migrate` and `azure validate` spawned against the loopback ARM server: the PUT
 * body of each official create example reproduced from options, --wait to a final state, the
 * service's validation printed as the direct engine prints it, and the exit codes.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { ValidationDetails } from '../../src/core/model';
import { EXIT } from '../../src/cli/exitCodes';
import { ScriptedBackend } from '../harness/arm/backend';
import { startArmServer, type ArmServer } from '../harness/arm/server';
import { ArmWorld } from '../harness/arm/world';
import { onTty } from '../harness/tty';

const ROOT = path.resolve(__dirname, '../..');
const CLI = path.join(ROOT, 'dist/cli.js');
const SUB = '44444444-4444-4444-4444-444444444444';
const EXAMPLES = [path.resolve(ROOT, '../../shared/arm/examples'), '/work/shared/arm/examples'].find((p) => existsSync(p)) as string;
const SINGLE = '/subscriptions/ffffffff-ffff-ffff-ffff-ffffffffffff/resourceGroups/exampleresourcegroup/providers/Microsoft.DBForPostgreSql/servers/examplesource';
const RUNTIME = '/subscriptions/ffffffff-ffff-ffff-ffff-ffffffffffff/resourceGroups/exampleresourcegroup/providers/Microsoft.DBForPostgreSql/flexibleServers/examplesourcemigration';
const DBS = ['exampledatabase1', 'exampledatabase2', 'exampledatabase3', 'exampledatabase4'].flatMap((d) => ['--database', d]);

interface Result { code: number | null; stdout: string; stderr: string }

function pgflex(args: string[], env: NodeJS.ProcessEnv, stdin?: string): Promise<Result> {
  const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, PGFLEX_SOURCE_PASSWORD: '', PGFLEX_TARGET_PASSWORD: '', ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  child.stdin.end(stdin ?? '');
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

const example = (f: string) => JSON.parse(readFileSync(path.join(EXAMPLES, f), 'utf8')) as { parameters: { parameters: { properties: Record<string, unknown> & { secretParameters: { adminCredentials: { sourceServerPassword: string; targetServerPassword: string } } } } }; responses: Record<string, { body: { properties: { currentStatus: { currentSubStateDetails: { validationDetails: ValidationDetails } } } } }> };
const lastLine = (s: string) => s.trim().split('\n').pop() as string;

describe('pgflex azure migrate / azure validate CLI against the loopback ARM server', function () {
  this.timeout(120_000);
  let arm: ArmServer;
  let world: ArmWorld;
  let servers = 0;
  const token = { PGFLEX_ARM_TOKEN: 'create-token' };
  let env: NodeJS.ProcessEnv;
  /** A fresh target per case: the service runs one active migration per target. */
  const target = () => {
    const name = `target${++servers}`;
    world.addFlexibleServer({ subscriptionId: SUB, resourceGroup: 'rg', name });
    return ['--subscription', SUB, '--resource-group', 'rg', '--server', name, '--arm-endpoint', arm.url];
  };
  const failures = example('MigrationsGetMigrationWithValidationFailures.json').responses['200'].body.properties.currentStatus.currentSubStateDetails.validationDetails;

  before(async () => {
    const newest = Math.max(...['src/cli/azure.ts', 'src/cli/azureCreate.ts', 'src/cli/commands.ts', 'src/azure/provider.ts'].map((f) => statSync(path.join(ROOT, f)).mtimeMs));
    if (!existsSync(CLI) || statSync(CLI).mtimeMs < newest) execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'ignore' });
    world = new ArmWorld();
    world.addSubscription(SUB, 'CLI create');
    // Migrations named "bad…" fail validation with the service's own example result.
    arm = await startArmServer({ world, backend: new ScriptedBackend(30, (i) => (i.name.startsWith('bad') ? failures : undefined)), token: 'create-token' });
    env = { ...token, NODE_EXTRA_CA_CERTS: arm.caFile };
  });

  after(async () => {
    await arm?.close();
  });

  /** Each official create example, and the options that say the same. */
  const cases: { file: string; args: string[]; command?: string; stdin?: boolean }[] = [
    { file: 'MigrationsCreate.json', args: ['--source', SINGLE, ...DBS, '--overwrite'] },
    { file: 'MigrationsCreateOtherSourceTypesValidateMigrate.json', args: ['--source', 'examplesource:5432', '--source-user', 'exampleuser', ...DBS, '--overwrite', '--option', 'validate-and-migrate', '--ssl-mode', 'prefer', '--source-type', 'OnPremises'] },
    { file: 'MigrationsCreateValidateOnly.json', command: 'validate', args: ['--source', SINGLE, ...DBS, '--overwrite'] },
    { file: 'MigrationsCreateWithFullyQualifiedDomainName.json', args: ['--source', SINGLE, ...DBS, '--overwrite', '--source-fqdn', 'examplesource.contoso.com', '--target-fqdn', 'exampletarget.contoso.com'] },
    { file: 'MigrationsCreateWithOtherUsers.json', args: ['--source', SINGLE, '--source-user', 'newadmin', '--target-user', 'targetadmin', ...DBS], stdin: true },
    { file: 'MigrationsCreateWithPrivateEndpointServers.json', args: ['--source', SINGLE, '--runtime-server', RUNTIME, ...DBS, '--overwrite'] },
    { file: 'MigrationsCreateWithRoles.json', args: ['--source', SINGLE, ...DBS, '--overwrite', '--migrate-roles'] },
  ];
  for (const c of cases) {
    it(`${c.file}: the PUT body equals the example's, field by field${c.stdin ? ' (passwords on stdin)' : ''}; no password printed`, async () => {
      const ex = example(c.file).parameters.parameters;
      const { sourceServerPassword, targetServerPassword } = ex.properties.secretParameters.adminCredentials;
      const name = `ex${servers + 1}`;
      const pw = c.stdin ? { args: ['--source-password-stdin', '--target-password-stdin'], env: {}, stdin: `${sourceServerPassword}\n${targetServerPassword}\n` } : { args: [], env: { PGFLEX_SOURCE_PASSWORD: sourceServerPassword, PGFLEX_TARGET_PASSWORD: targetServerPassword }, stdin: undefined };
      const r = await pgflex(['azure', c.command ?? 'migrate', ...target(), '--name', name, ...c.args, ...pw.args, '--json'], { ...env, ...pw.env }, pw.stdin);
      assert.ok(r.code === EXIT.succeeded, `exit ${r.code}: ${r.stderr}`);
      const put = arm.log.find((l) => l.method === 'PUT' && l.path.includes(`/migrations/${name}?`));
      assert.ok(put, 'a PUT was sent');
      assert.match(put.path, /api-version=2025-08-01/);
      // The CLI always says the option (as az does, ValidateAndMigrate by default); the examples
      // that leave it out are otherwise sent exactly.
      const expected = { ...ex, properties: { migrationOption: 'ValidateAndMigrate', ...ex.properties } as Record<string, unknown> };
      const body = put.body as typeof expected;
      assert.deepEqual(Object.keys(body).sort(), Object.keys(expected).sort());
      assert.equal((body as { location?: string }).location, (expected as { location?: string }).location);
      for (const k of new Set([...Object.keys(body.properties), ...Object.keys(expected.properties)])) {
        assert.deepEqual(body.properties[k], expected.properties[k], `properties.${k}`);
      }
      assert.equal(JSON.parse(lastLine(r.stdout)).name, name);
      for (const out of [r.stdout, r.stderr]) assert.ok(!out.includes(sourceServerPassword) && !out.includes(targetServerPassword), 'no password printed');
    });
  }

  it('azure migrate --wait follows an offline migration to Succeeded (exit 0) and an online one to waiting for cutover (exit 4)', async () => {
    const pw = { PGFLEX_SOURCE_PASSWORD: 's-secret', PGFLEX_TARGET_PASSWORD: 't-secret' };
    const off = await pgflex(['azure', 'migrate', ...target(), '--name', 'waitoff', '--source', 'src.example.com', '--source-user', 'me', '--database', 'shop', '--wait', '--interval', '0.05', '--json'], { ...env, ...pw });
    assert.equal(off.code, EXIT.succeeded, off.stderr);
    assert.equal(JSON.parse(lastLine(off.stdout)).currentStatus.state, 'Succeeded');
    assert.match(off.stderr, /pgflex: waitoff {2}InProgress {2}\w+/);
    assert.match(off.stderr, /pgflex: waitoff {2}Succeeded {2}Completed/);
    const put = arm.log.find((l) => l.method === 'PUT' && l.path.includes('/migrations/waitoff?'));
    assert.equal((put?.body as { properties: { sourceDbServerResourceId: string } }).properties.sourceDbServerResourceId, 'src.example.com:5432@me');

    const on = await pgflex(['azure', 'migrate', ...target(), '--name', 'waiton', '--source', 'src.example.com:6432', '--source-user', 'me', '--database', 'shop', '--mode', 'online', '--option', 'migrate', '--wait', '--interval', '0.05'], { ...env, ...pw });
    assert.equal(on.code, EXIT.waitingForCutover, on.stderr);
    assert.match(on.stdout, /^waiton {2}WaitingForUserAction {2}WaitingForCutoverTrigger {2}Online {2}shop {2}latency 0 s/);
  });

  it('azure validate prints the service\'s rules as the direct engine does, failures first: exit 1 when a rule Failed, 0 when all pass', async () => {
    const pw = { PGFLEX_SOURCE_PASSWORD: 's-secret', PGFLEX_TARGET_PASSWORD: 't-secret' };
    const bad = await pgflex(['azure', 'validate', ...target(), '--name', 'badone', '--source', SINGLE, '--database', 'exampledatabase1', '--interval', '0.05'], { ...env, ...pw });
    assert.equal(bad.code, EXIT.failed, bad.stderr);
    const items = [...(failures.serverLevelValidationDetails ?? []), ...(failures.dbLevelValidationDetails ?? []).flatMap((d) => d.summary)];
    const count = (s: string) => items.filter((i) => i.state === s).length;
    assert.ok(count('Failed') > 0);
    assert.match(bad.stdout, new RegExp(`^Migration "badone": ValidationFailed\\.\nValidation Failed[^\n]*: ${count('Failed')} failed, ${count('Warning')} warnings, ${count('Succeeded')} succeeded\\.\nServer:\n`));
    const db1 = bad.stdout.slice(bad.stdout.indexOf('Database exampledatabase1:'));
    assert.match(db1, /^Database exampledatabase1:\n {2}FAIL {2}ExtensionsValidation\n {8}Unsupported Extension\. .*postgres_fdw/);
    assert.ok(db1.indexOf('FAIL  ExtensionsValidation') < db1.indexOf('ok    SchemaValidation'), 'failures first');

    const good = await pgflex(['azure', 'validate', ...target(), '--name', 'goodone', '--source', SINGLE, '--database', 'exampledatabase1', '--interval', '0.05'], { ...env, ...pw });
    assert.equal(good.code, EXIT.succeeded, good.stderr);
    assert.match(good.stdout, /^Migration "goodone": Succeeded\.\nValidation Succeeded in [\d.]+ s: 0 failed, 0 warnings, 2 succeeded\.\nServer:\n {2}ok {4}AuthenticationAndConnectivityValidation\nDatabase exampledatabase1:\n {2}ok {4}ExtensionsValidation$/m);

    // ValidateAndMigrate stops at a Failed rule: ValidationFailed, exit 1.
    const vm = await pgflex(['azure', 'migrate', ...target(), '--name', 'badtoo', '--source', SINGLE, '--database', 'exampledatabase1', '--wait', '--interval', '0.05', '--json'], { ...env, ...pw });
    assert.equal(vm.code, EXIT.failed, vm.stderr);
    assert.equal(JSON.parse(lastLine(vm.stdout)).currentStatus.state, 'ValidationFailed');
  });

  it('on a terminal, asks for a password that is nowhere else without echoing it; the service gets it', async () => {
    const r = await onTty([process.execPath, CLI, 'azure', 'migrate', ...target(), '--name', 'typed', '--source', SINGLE, '--database', 'db1'], { ...env, PGFLEX_SOURCE_PASSWORD: '', PGFLEX_TARGET_PASSWORD: 'env-target-secret' }, [{ prompt: /Password of the source server's login \(the service connects with it\): $/, type: 'typed-source-secret' }]);
    assert.equal(r.code, EXIT.succeeded, r.screen);
    assert.ok(!r.screen.includes('typed-source-secret') && !r.screen.includes('env-target-secret'), r.screen);
    const put = arm.log.find((l) => l.method === 'PUT' && l.path.includes('/migrations/typed?'));
    assert.deepEqual((put?.body as { properties: { secretParameters: unknown } }).properties.secretParameters, { adminCredentials: { sourceServerPassword: 'typed-source-secret', targetServerPassword: 'env-target-secret' } });
  });

  it('refuses bad input as usage errors (exit 2) before any ARM call, pointing at --help', async () => {
    const base = () => ['azure', 'migrate', ...target(), '--source', SINGLE, '--database', 'db1'];
    const before = arm.log.length;
    const noPw = await pgflex(base(), env);
    assert.equal(noPw.code, EXIT.usage);
    assert.match(noPw.stderr, /The source server's password is needed.*PGFLEX_SOURCE_PASSWORD or pass --source-password-stdin/);
    assert.match(noPw.stderr, /See `pgflex azure migrate --help`/);
    const pw = { PGFLEX_SOURCE_PASSWORD: 's', PGFLEX_TARGET_PASSWORD: 't' };
    const emptyLine = await pgflex([...base(), '--target-password-stdin'], { PGFLEX_SOURCE_PASSWORD: 's', ...token, NODE_EXTRA_CA_CERTS: arm.caFile }, '\n');
    assert.equal(emptyLine.code, EXIT.usage);
    assert.match(emptyLine.stderr, /--target-password-stdin: an empty line instead of the target password/);
    const badType = await pgflex([...base(), '--source-type', 'Oracle'], { ...env, ...pw });
    assert.equal(badType.code, EXIT.usage);
    assert.match(badType.stderr, /--source-type must be one of OnPremises, AWS, .*Supabase_PostgreSQL \(got "Oracle"\)/);
    const hostNoUser = await pgflex(['azure', 'migrate', ...target(), '--source', 'db.example.com', '--database', 'db1'], { ...env, ...pw });
    assert.equal(hostNoUser.code, EXIT.usage);
    assert.match(hostNoUser.stderr, /--source-user is required with a host source/);
    const runtime = await pgflex([...base(), '--runtime-server', 'myruntime'], { ...env, ...pw });
    assert.equal(runtime.code, EXIT.usage);
    assert.match(runtime.stderr, /--runtime-server must be the resource id of a Flexible Server/);
    const name = await pgflex([...base(), '--name', 'My-Move'], { ...env, ...pw });
    assert.equal(name.code, EXIT.usage);
    const unknown = await pgflex([...base(), '--source-password', 'x'], { ...env, ...pw });
    assert.equal(unknown.code, EXIT.usage);
    assert.match(unknown.stderr, /Unknown option --source-password\.\nSee `pgflex azure migrate --help`/);
    assert.equal(arm.log.length, before, 'no ARM call for a usage error');
  });
});
