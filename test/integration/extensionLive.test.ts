// The extension's live updates with the real direct engine: a migration running in this
// process reaches the tree model (and so the tree and status bar) through the engine's change
// events, its end included, with no polling and no manual refresh.
import assert from 'node:assert/strict';
import type { Migration } from '../../src/core/model';
import { DirectProvider } from '../../src/direct/provider';
import type { Config } from '../../src/extension/config';
import type { Logger } from '../../src/extension/logger';
import { MigrationWatcher } from '../../src/extension/migrationWatcher';
import type { LiveWatch } from '../../src/extension/model/liveWatch';
import { TreeModel, type NodeOf, type TreeSources } from '../../src/extension/model/treeModel';
import { SignInRequiredError } from '../../src/extension/model/azureTypes';
import { loadSlowFixture, specFor, tempStore, until } from '../harness/migrationSpec';
import { sharedServer, uniqueDb } from '../harness/servers';

describe('extension live updates with the direct engine (real servers)', function () {
  this.timeout(120_000);

  it('a running migration updates its tree node as it copies and shows Succeeded once it ends, without polling', async () => {
    const source = await sharedServer('15', 'source');
    const target = await sharedServer('16', 'target');
    const db = uniqueDb('live');
    await loadSlowFixture(source, db, 20_000);
    // About 1 MB/s: the copy takes a few seconds, long enough to see progress pushed.
    const provider = new DirectProvider({ store: tempStore(), engine: { copyRateLimit: 1_000_000, throttleMs: 50 } });
    const spec = specFor(source, target, [db], `live-${process.pid}`);
    const sources: TreeSources = {
      azure: {
        tenants: async () => { throw new SignInRequiredError(); },
        subscriptions: async () => [], flexibleServers: async () => [], singleServers: async () => [], migrations: async () => [],
      },
      direct: {
        connections: () => [{ id: 'tgt', label: 'Target', role: 'target', host: spec.target.host, port: spec.target.port, user: spec.target.user, database: 'postgres', sslMode: 'disable' }],
        migrations: (t) => provider.list(t),
        slots: async () => [],
        warnBytes: () => 1024 ** 3,
      },
      subscriptionFilter: () => [],
      hidden: () => new Set(),
    };
    const model = new TreeModel(sources);
    const live: LiveWatch = (t, name, l) => (provider.run(t, name) ? provider.watch(t, name, l) : undefined);
    let gets = 0;
    const providerFor = () => ({ ...provider, get: (t: never, n: string) => { gets++; return provider.get(t, n); } }) as unknown as DirectProvider;
    const config = { onDidChange: () => ({ dispose: () => undefined }), refreshIntervalMs: 0 } as unknown as Config;
    const ended: NodeOf<'migration'>[] = [];
    const seen: Migration[] = [];
    const watcher = new MigrationWatcher(model, providerFor, config, { debug: () => undefined } as unknown as Logger, () => {
      const n = model.migrations()[0];
      if (n) seen.push(n.migration);
    }, (n) => ended.push(n), live);
    try {
      const run = await provider.start(spec, { sourcePassword: source.password, targetPassword: target.password });
      const [, direct] = await model.children();
      const connection = (await model.children(direct)).find((k) => k.kind === 'connection')!;
      const [node] = await model.children(connection);
      assert.equal(node.kind === 'migration' && node.migration.currentStatus?.state, 'InProgress');
      const m = await run.done;
      assert.equal(m.currentStatus?.state, 'Succeeded', m.currentStatus?.error);
      await until('the tree node to show Succeeded', () => model.migrations()[0]?.migration.currentStatus?.state === 'Succeeded', 2000);
      assert.deepEqual(ended.map((n) => n.migration.name), [spec.name], 'the end announced once');
      const completed = seen.map((x) => x.currentStatus?.currentSubStateDetails?.dbDetails?.[db]?.fullLoadCompletedTables ?? 0);
      assert.ok(new Set(completed).size >= 2, `progress pushed while copying (completed tables seen: ${completed.join(', ')})`);
      assert.ok(gets <= 1, `no polling (${gets} reads: the one after subscribing)`);
    } finally {
      watcher.dispose();
    }
  });
});
