import assert from 'node:assert/strict';
import { TreeModel, hiddenKey, type TreeNode } from '../../../src/extension/model/treeModel';
import { toServerRef } from '../../../src/extension/model/connections';
import type { AzureServer } from '../../../src/extension/model/azureTypes';
import { conn, fakeSources, migration, waitingOnline } from './fakes';

const sub = (id: string, tenantId = 't1') => ({ subscriptionId: id, displayName: `Sub ${id}`, tenantId });
const flex = (name: string, subId = 's1'): AzureServer => ({
  id: `/subscriptions/${subId}/resourceGroups/rg/providers/Microsoft.DBforPostgreSQL/flexibleServers/${name}`,
  name, kind: 'flexible', subscriptionId: subId, resourceGroup: 'rg', version: '16', skuName: 'Standard_D4ds_v5', skuTier: 'GeneralPurpose', location: 'westeurope',
});

async function walk(model: TreeModel, path: string[]): Promise<TreeNode> {
  let kids = await model.children();
  let node: TreeNode | undefined;
  for (const kind of path) {
    node = kids.find((k) => k.kind === kind || k.id.endsWith(kind));
    assert.ok(node, `no ${kind} among ${kids.map((k) => k.id).join(', ')}`);
    kids = await model.children(node);
  }
  return node!;
}

describe('extension tree model (fake providers)', () => {
  it('shows a sign-in node under Azure when signed out', async () => {
    const { sources } = fakeSources({ signedIn: false });
    const model = new TreeModel(sources);
    const [azure] = await model.children();
    const kids = await model.children(azure);
    assert.deepEqual(kids.map((k) => k.kind), ['signIn']);
  });

  it('goes straight to subscriptions with one tenant, and lists tenants when there are several', async () => {
    const one = new TreeModel(fakeSources({ tenants: [{ tenantId: 't1' }], subscriptions: { t1: [sub('s2'), sub('s1')] } }).sources);
    const kids = await one.children((await one.children())[0]);
    assert.deepEqual(kids.map((k) => k.kind === 'subscription' && k.subscription.subscriptionId), ['s1', 's2']);

    const two = new TreeModel(fakeSources({ tenants: [{ tenantId: 't1' }, { tenantId: 't2' }] }).sources);
    const tenants = await two.children((await two.children())[0]);
    assert.deepEqual(tenants.map((k) => k.kind), ['tenant', 'tenant']);
  });

  it('applies pgflex.azure.subscriptionFilter by id or name', async () => {
    const model = new TreeModel(fakeSources({ tenants: [{ tenantId: 't1' }], subscriptions: { t1: [sub('s1'), sub('s2')] }, filter: ['sub s2'] }).sources);
    const kids = await model.children((await model.children())[0]);
    assert.deepEqual(kids.map((k) => k.kind === 'subscription' && k.subscription.subscriptionId), ['s2']);
  });

  it('lists Flexible Servers with their migrations newest first, hiding removed ones', async () => {
    const server = flex('target1');
    const { sources, state } = fakeSources({
      tenants: [{ tenantId: 't1' }],
      subscriptions: { t1: [sub('s1')] },
      flexible: { s1: [server] },
      migrations: {
        [server.id]: [
          migration('old', { startedOn: '2026-01-01T00:00:00Z', provider: 'azure' }),
          migration('new', { startedOn: '2026-02-01T00:00:00Z', provider: 'azure' }),
          migration('gone', { startedOn: '2026-03-01T00:00:00Z', provider: 'azure' }),
        ],
      },
    });
    state.hidden.add(`${server.id}|gone`);
    const model = new TreeModel(sources);
    const serverNode = await walk(model, ['azureRoot', 's:s1', 'flexible', 'azureServer']);
    const kids = await model.children(serverNode);
    assert.deepEqual(kids.map((k) => k.kind === 'migration' && k.migration.name), ['new', 'old']);
    assert.equal(model.parent(kids[0])?.id, serverNode.id);
    assert.equal(model.migrations().length, 2);
  });

  it('turns a failing level into a readable error node that can be retried', async () => {
    const target = conn('Target', 'target');
    const ref = toServerRef(target);
    const { sources, state } = fakeSources({ connections: [target], migrations: { [ref.id]: new Error('Nothing is listening on the target server localhost:5432.') } });
    const model = new TreeModel(sources);
    const node = await walk(model, ['directRoot', 'connection']);
    const [err] = await model.children(node);
    assert.equal(err.kind, 'error');
    assert.match(err.kind === 'error' ? err.message : '', /Nothing is listening/);
    state.migrations[ref.id] = [migration('m1')];
    model.refresh(node);
    const again = await model.children(node);
    assert.deepEqual(again.map((k) => k.kind), ['migration']);
  });

  it('loads each level once, and again only after a refresh', async () => {
    const target = conn('Target', 'target');
    const { sources, state } = fakeSources({ connections: [conn('Source', 'source', 5433), target] });
    const model = new TreeModel(sources);
    const direct = (await model.children())[1];
    const kids = await model.children(direct);
    assert.deepEqual(kids.map((k) => k.kind === 'connection' ? k.connection.label : k.kind), ['addConnection', 'Source', 'Target']);
    const t = kids[2];
    await Promise.all([model.children(t), model.children(t)]);
    assert.equal(state.calls.length, 1);
    let fired = 0;
    model.onDidChange(() => fired++);
    model.refresh(t);
    await model.children(t);
    assert.equal(state.calls.length, 2);
    assert.equal(fired, 1);
  });

  it('updates one migration in place and reports it for the status bar', async () => {
    const target = conn('Target', 'target');
    const ref = toServerRef(target);
    const { sources } = fakeSources({ connections: [target], migrations: { [ref.id]: [migration('m1', { migrationMode: 'Online' })] } });
    const model = new TreeModel(sources);
    const node = await walk(model, ['directRoot', 'connection']);
    await model.children(node);
    const updated = model.updateMigration(ref, waitingOnline('m1', { orders: 18 }));
    assert.ok(updated);
    assert.equal(model.migrations()[0].migration.currentStatus?.state, 'WaitingForUserAction');
    assert.equal(model.findTargetNode(ref)?.id, node.id);
    assert.equal(hiddenKey(ref, 'm1'), `${ref.id}|m1`);
  });
});
