/** `pgflex azure …` spawned as a process against the loopback ARM server (token from PGFLEX_ARM_TOKEN, CA from NODE_EXTRA_CA_CERTS). */
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { startArmServer, type ArmServer } from '../harness/arm/server';
import { ArmWorld } from '../harness/arm/world';
import { ScriptedBackend } from '../harness/arm/backend';
import { EXIT } from '../../src/cli/exitCodes';

const ROOT = path.resolve(__dirname, '../..');
const CLI = path.join(ROOT, 'dist/cli.js');
const SUB = '33333333-3333-3333-3333-333333333333';

function pgflex(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { env: { ...process.env, ...env }, timeout: 60_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

const lastLine = (s: string) => s.trim().split('\n').pop() as string;

describe('pgflex azure CLI against the loopback ARM server', function () {
  this.timeout(120_000);
  let arm: ArmServer;
  let env: NodeJS.ProcessEnv;
  const common = () => ['--subscription', SUB, '--resource-group', 'rg', '--server', 'target1', '--arm-endpoint', arm.url];

  before(async () => {
    const newest = Math.max(...['src/cli/azure.ts', 'src/azure/provider.ts', 'src/azure/session.ts'].map((f) => statSync(path.join(ROOT, f)).mtimeMs));
    if (!existsSync(CLI) || statSync(CLI).mtimeMs < newest) execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'ignore' });
    const world = new ArmWorld();
    world.addSubscription(SUB, 'CLI');
    world.addFlexibleServer({ subscriptionId: SUB, resourceGroup: 'rg', name: 'target1' });
    const backend = new ScriptedBackend(30);
    arm = await startArmServer({ world, backend, token: 'cli-token' });
    env = { PGFLEX_ARM_TOKEN: 'cli-token', NODE_EXTRA_CA_CERTS: arm.caFile };
    const server = world.flexibleServers[0];
    await backend.create({ server, name: 'done1', location: 'eastus', props: { dbsToMigrate: ['a'], migrationMode: 'Offline', migrationOption: 'Migrate', sourceDbServerResourceId: 'src:5432@u' } });
    await backend.create({ server, name: 'online1', location: 'eastus', props: { dbsToMigrate: ['a', 'b'], migrationMode: 'Online', migrationOption: 'Migrate', sourceDbServerResourceId: 'src:5432@u' } });
  });

  after(async () => {
    await arm?.close();
  });

  it('azure migrations --json lists every migration in the model shape as the last stdout line', async () => {
    const r = await pgflex(['azure', 'migrations', ...common(), '--json'], env);
    assert.equal(r.code, 0, r.stderr);
    const list = JSON.parse(lastLine(r.stdout));
    assert.ok(Array.isArray(list));
    assert.deepEqual(list.map((m: { name: string }) => m.name).sort(), ['done1', 'online1']);
    assert.equal(list[0].provider, 'azure');
    assert.ok(list.every((m: { currentStatus?: { state?: string } }) => typeof m.currentStatus?.state === 'string'));
    assert.ok(arm.log.some((l) => l.path.includes('migrationListFilter=All')));
  });

  it('azure migrations --name gets one (object); the exit code follows the state', async () => {
    const waitOnline = async () => {
      for (let i = 0; i < 100; i++) {
        const r = await pgflex(['azure', 'migrations', ...common(), '--name', 'online1', '--json'], env);
        const m = JSON.parse(lastLine(r.stdout));
        if (m.currentStatus.state === 'WaitingForUserAction') return r;
      }
      throw new Error('online1 never reached WaitingForUserAction');
    };
    const r = await waitOnline();
    assert.equal(r.code, EXIT.waitingForCutover);
    const done = await pgflex(['azure', 'migrations', ...common(), '--name', 'done1', '--json'], env);
    assert.equal(done.code, EXIT.succeeded, done.stderr);
    assert.equal(JSON.parse(lastLine(done.stdout)).currentStatus.state, 'Succeeded');
  });

  it('azure cutover --database … --wait cuts over and exits 0 when Succeeded; cancel of a finished one fails clearly', async () => {
    const r = await pgflex(['azure', 'cutover', ...common(), '--name', 'online1', '--database', 'a', '--database', 'b', '--wait', '--interval', '0.1', '--json'], env);
    assert.equal(r.code, EXIT.succeeded, r.stderr);
    assert.equal(JSON.parse(lastLine(r.stdout)).currentStatus.state, 'Succeeded');
    const patch = arm.log.find((l) => l.method === 'PATCH');
    assert.deepEqual(patch?.body, { properties: { triggerCutover: 'True', dbsToTriggerCutoverOn: ['a', 'b'] } });
    const c = await pgflex(['azure', 'cancel', ...common(), '--name', 'online1'], env);
    assert.equal(c.code, EXIT.failed);
    assert.match(c.stderr, /only a migration in progress can be canceled/);
  });

  it('reports a bad token, a missing server and usage errors for a person', async () => {
    const bad = await pgflex(['azure', 'migrations', ...common(), '--json'], { ...env, PGFLEX_ARM_TOKEN: 'wrong' });
    assert.equal(bad.code, EXIT.failed);
    assert.match(bad.stderr, /Sign in again/);
    const missing = await pgflex(['azure', 'migrations', '--subscription', SUB, '--resource-group', 'rg', '--server', 'nope', '--arm-endpoint', arm.url], env);
    assert.equal(missing.code, EXIT.failed);
    assert.match(missing.stderr, /Flexible Server "nope" in resource group "rg".*was not found/);
    const usage = await pgflex(['azure', 'migrations', '--subscription', SUB, '--server', 'x'], env);
    assert.equal(usage.code, EXIT.usage);
    assert.match(usage.stderr, /--resource-group is required/);
    const http = await pgflex(['azure', 'migrations', ...common().slice(0, 6), '--arm-endpoint', 'http://127.0.0.1:1'], env);
    assert.equal(http.code, EXIT.usage);
  });

  it('without NODE_EXTRA_CA_CERTS the private certificate is refused with a hint', async () => {
    const r = await pgflex(['azure', 'migrations', ...common()], { PGFLEX_ARM_TOKEN: 'cli-token', NODE_EXTRA_CA_CERTS: '' });
    assert.equal(r.code, EXIT.failed);
    assert.match(r.stderr, /NODE_EXTRA_CA_CERTS/);
  });
});
