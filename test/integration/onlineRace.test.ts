import assert from 'node:assert/strict';
import { DirectMigrationRun } from '../../src/direct/engine';
import { cutoverOnline, watchOnline } from '../../src/direct/online/control';
import { migrationPrefix } from '../../src/direct/online/names';
import { targetKeyOf } from '../../src/direct/store';
import { specFor, tempStore } from '../harness/migrationSpec';
import { sharedServer, uniqueDb } from '../harness/servers';
import { replicationObjects, SCHEMA } from './onlineFixture';

describe('direct online migration: a watcher that starts after another process cut over', function () {
  this.timeout(120_000);

  it('adopts the Succeeded record instead of writing its stale waiting state over it', async () => {
    const source = await sharedServer('15', 'source');
    const target = await sharedServer('16', 'target');
    const db = uniqueDb('onlrace');
    await source.psql('postgres', `CREATE DATABASE ${db}`);
    await source.psql(db, SCHEMA);
    const store = tempStore();
    const name = `onl-race-${process.pid}`;
    const spec = specFor(source, target, [db], name, { mode: 'Online' });
    const secrets = { sourcePassword: source.password, targetPassword: target.password };
    const m = await new DirectMigrationRun(spec, secrets, { store, throttleMs: 10 }).done;
    assert.equal(m.currentStatus?.state, 'WaitingForUserAction', m.currentStatus?.error);
    const ref = { store, targetKey: targetKeyOf(spec.target), name, secrets };
    // Another process cuts over while nobody watches...
    assert.equal((await cutoverOnline(ref)).currentStatus?.state, 'Succeeded');
    // ...then a watcher of the old run starts: it must end at once with the outcome on disk.
    assert.equal(await watchOnline(ref, { cutover: 'wait', everyMs: 100 }), 'Succeeded');
    assert.equal(store.load(ref.targetKey, name)?.migration.currentStatus?.state, 'Succeeded');
    assert.deepEqual(await replicationObjects(source, db, migrationPrefix(name)), []);
    assert.deepEqual(await replicationObjects(target, db, migrationPrefix(name)), []);
  });
});
