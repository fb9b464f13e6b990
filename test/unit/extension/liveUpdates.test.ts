import assert from 'node:assert/strict';
import type { Migration } from '../../../src/core/model';
import type { MigrationProvider, ServerRef } from '../../../src/core/provider';
import type { Config } from '../../../src/extension/config';
import type { Logger } from '../../../src/extension/logger';
import { MigrationWatcher } from '../../../src/extension/migrationWatcher';
import { toServerRef } from '../../../src/extension/model/connections';
import type { LiveWatch } from '../../../src/extension/model/liveWatch';
import { throttle } from '../../../src/extension/model/throttle';
import { TreeModel, type NodeOf } from '../../../src/extension/model/treeModel';
import { conn, fakeSources, migration } from './fakes';

async function until(what: string, ok: () => boolean, ms = 3000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}.`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A direct engine stand-in: "here" migrations push changes; the rest can only be read. */
function engine(target: ServerRef, here: Record<string, Migration>, elsewhere: Record<string, Migration>) {
  const listeners = new Map<string, Set<(m: Migration) => void>>();
  const gets: string[] = [];
  const live: LiveWatch = (t, name, l) => {
    if (t.id !== target.id || !here[name]) return undefined;
    const set = listeners.get(name) ?? new Set();
    listeners.set(name, set);
    set.add(l);
    return () => set.delete(l);
  };
  const provider = {
    get: async (_t: ServerRef, name: string) => {
      gets.push(name);
      return structuredClone(here[name] ?? elsewhere[name]);
    },
  } as unknown as MigrationProvider;
  const emit = (name: string, change: (m: Migration) => void) => {
    change(here[name]);
    for (const l of listeners.get(name) ?? []) l(here[name]);
  };
  return { live, provider, gets, emit, subscribers: (name: string) => listeners.get(name)?.size ?? 0 };
}

describe('extension live updates (direct migrations running in this host)', () => {
  it('throttle: the first value at once, the latest at the end of the window, urgent ones at once', async () => {
    const seen: number[] = [];
    const t = throttle<number>((v) => seen.push(v), 200, (v) => v < 0);
    t.push(1);
    t.push(2);
    t.push(3);
    assert.deepEqual(seen, [1], 'a burst calls once right away');
    await until('the trailing call', () => seen.length === 2);
    assert.deepEqual(seen, [1, 3], 'then once with the latest value');
    t.push(4);
    t.push(-1);
    assert.deepEqual(seen, [1, 3, -1], 'an urgent value does not wait');
    t.dispose();
    t.push(5);
    assert.deepEqual(seen, [1, 3, -1]);
  });

  it('pushes changes to the tree model and status bar without polling, shows the end at once, and keeps polling migrations that run elsewhere', async () => {
    const target = conn('Target', 'target');
    const ref = toServerRef(target);
    const running = migration('here');
    const other = migration('elsewhere');
    const e = engine(ref, { here: structuredClone(running) }, { elsewhere: structuredClone(other) });
    const { sources } = fakeSources({ connections: [target], migrations: { [ref.id]: [running, other] } });
    const model = new TreeModel(sources);
    let updates = 0;
    const ended: NodeOf<'migration'>[] = [];
    const config = { onDidChange: () => ({ dispose: () => undefined }), refreshIntervalMs: 0 } as unknown as Config;
    const log = { debug: () => undefined } as unknown as Logger;
    const watcher = new MigrationWatcher(model, () => e.provider, config, log, () => updates++, (n) => ended.push(n), e.live);
    try {
      const [, direct] = await model.children();
      const connection = (await model.children(direct)).find((k) => k.kind === 'connection')!;
      await model.children(connection);
      const stateOf = (name: string) => model.migrations().find((n) => n.migration.name === name)?.migration.currentStatus?.state;
      const tablesOf = () => model.migrations().find((n) => n.migration.name === 'here')?.migration.currentStatus?.currentSubStateDetails?.dbDetails?.app?.fullLoadCompletedTables;
      assert.equal(e.subscribers('here'), 1, 'the migration running here is followed');
      assert.equal(e.subscribers('elsewhere'), 0);

      const before = updates;
      for (let i = 1; i <= 5; i++) {
        e.emit('here', (m) => {
          m.currentStatus!.currentSubStateDetails!.dbDetails = { app: { databaseName: 'app', migrationState: 'InProgress', fullLoadCompletedTables: i } };
        });
      }
      await until('the latest change in the model', () => tablesOf() === 5);
      assert.ok(updates > before, 'the status bar is updated');
      assert.ok(updates - before <= 3, `a burst of 5 changes is throttled (${updates - before} updates)`);

      e.emit('here', (m) => {
        m.currentStatus!.state = 'Succeeded';
      });
      assert.equal(stateOf('here'), 'Succeeded', 'the end shows at once, without a refresh');
      assert.deepEqual(ended.map((n) => n.migration.name), ['here'], 'the end is announced once');
      assert.equal(e.subscribers('here'), 0, 'no longer followed once ended');

      e.gets.length = 0;
      await watcher.pollActive();
      assert.deepEqual(e.gets, ['elsewhere'], 'only the migration running elsewhere is polled');
      await watcher.pollActive();
      assert.deepEqual(ended.map((n) => n.migration.name), ['here'], 'polling does not announce the end again');
    } finally {
      watcher.dispose();
    }
  });
});
