// The Cut Over… and Cancel… commands with scripted answers (stub vscode, fake provider).
import assert from 'node:assert/strict';
import path from 'node:path';
import type { Migration } from '../../../src/core/model';
import type { MigrationProvider, ServerRef } from '../../../src/core/provider';
import { migration, waitingOnline } from './fakes';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const stub = require(path.join(ROOT, 'bench', 'activation-vscode-stub.cjs'));
stub.install();

interface QpItem { label: string; db?: string; kind?: number }

describe('extension Cut Over… and Cancel… commands (scripted answers)', () => {
  let ctx: { subscriptions: { dispose(): void }[] };
  let pgflex: { provider: (k: string) => MigrationProvider; config: unknown; model: { updateMigration(): void } };
  const calls: string[] = [];
  let current: Migration;
  const target: ServerRef = { id: 'direct:t:5432@postgres', label: 'Target', host: 't', port: 5432, user: 'postgres', kind: 'direct' };
  const fake: MigrationProvider = {
    kind: 'direct',
    checkName: async () => ({ ok: true }),
    create: async () => current,
    get: async () => current,
    list: async () => [current],
    cutover: async (_t, name, dbs) => { calls.push(`cutover ${name} ${dbs ? dbs.join(',') : 'all'}`); },
    cancel: async (_t, name) => { calls.push(`cancel ${name}`); },
  };
  const run = (id: string, m: Migration) => stub.recorded.commands.get(id)({ migration: m, target });

  before(() => {
    const ext = require(path.join(ROOT, 'src', 'extension', 'extension.ts'));
    ctx = stub.fakeContext(ROOT);
    pgflex = ext.activate(ctx).context;
    pgflex.provider = () => fake;
  });
  after(() => {
    for (const d of ctx.subscriptions) d.dispose();
    stub.answers.quickPick = undefined;
    stub.answers.warning = undefined;
  });
  beforeEach(() => {
    calls.length = 0;
    stub.recorded.messages.length = 0;
  });

  it('does not cut over unless "Writes to the source are stopped" is ticked', async () => {
    current = waitingOnline('m1', { orders: 3, billing: 4 });
    let shown: QpItem[] = [];
    stub.answers.quickPick = (items: QpItem[]) => { shown = items; return items.filter((i) => i.db); };
    await run('pgflex.cutover', current);
    assert.deepEqual(shown.filter((i) => i.db).map((i) => i.label), ['orders', 'billing']);
    assert.ok(shown.some((i) => i.label === 'Writes to the source are stopped'));
    assert.deepEqual(calls, []);
    assert.match(stub.recorded.messages.map((m: string[]) => m[1]).join('\n'), /needs your confirmation/);
  });

  it('cuts over the ticked databases once confirmed', async () => {
    current = waitingOnline('m1', { orders: 3, billing: 4 });
    stub.answers.quickPick = (items: QpItem[]) => items.filter((i) => i.label === 'orders' || i.label === 'Writes to the source are stopped');
    await run('pgflex.cutover', current);
    assert.deepEqual(calls, ['cutover m1 orders']);
  });

  it('asks again when the latency is not near zero, and stops on no', async () => {
    current = waitingOnline('m1', { orders: 600 });
    stub.answers.quickPick = (items: QpItem[]) => items.filter((i) => i.db || i.label === 'Writes to the source are stopped');
    stub.answers.warning = () => undefined;
    await run('pgflex.cutover', current);
    assert.deepEqual(calls, []);
    assert.match(stub.recorded.messages.map((m: string[]) => m[1]).join('\n'), /not caught up/);
    stub.answers.warning = () => 'Cut Over';
    await run('pgflex.cutover', current);
    assert.deepEqual(calls, ['cutover m1 all']);
  });

  it('refuses a migration that is not waiting for cutover, with a readable error', async () => {
    current = migration('m2', { state: 'InProgress', migrationMode: 'Online' });
    await run('pgflex.cutover', current);
    assert.deepEqual(calls, []);
    const errors = stub.recorded.messages.filter((m: string[]) => m[0] === 'error').map((m: string[]) => m[1]);
    assert.match(errors.join('\n'), /is not waiting for cutover/);
  });

  it('cancels only after the confirmation, which reminds that the target databases stay', async () => {
    current = migration('m3', { state: 'InProgress', dbsToMigrate: ['shop'] });
    let asked = '';
    stub.answers.warning = (msg: string, opts: { detail?: string }) => { asked = `${msg} ${opts?.detail ?? ''}`; return undefined; };
    await run('pgflex.cancel', current);
    assert.deepEqual(calls, []);
    assert.match(asked, /shop\) stay there/);
    stub.answers.warning = () => 'Cancel Migration';
    await run('pgflex.cancel', current);
    assert.deepEqual(calls, ['cancel m3']);
  });
});
