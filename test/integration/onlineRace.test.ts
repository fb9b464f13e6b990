import { processStartToken } from '../../src/direct/liveness';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { DirectMigrationRun } from '../../src/direct/engine';
import { cutoverOnline, watchOnline } from '../../src/direct/online/control';
import { migrationPrefix } from '../../src/direct/online/names';
import { targetKeyOf } from '../../src/direct/store';
import { specFor, tempStore, until } from '../harness/migrationSpec';
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

  it('a run that goes on watching keeps its pid on the record; a cutover whose watcher vanished before taking it is done by the asker', async () => {
    const source = await sharedServer('15', 'source');
    const target = await sharedServer('16', 'target');
    const db = uniqueDb('onlhand');
    await source.psql('postgres', `CREATE DATABASE ${db}`);
    await source.psql(db, SCHEMA);
    const store = tempStore();
    const name = `onl-hand-${process.pid}`;
    const spec = specFor(source, target, [db], name, { mode: 'Online' });
    const secrets = { sourcePassword: source.password, targetPassword: target.password };
    const m = await new DirectMigrationRun(spec, secrets, { store, throttleMs: 10, keepWatching: true }).done;
    assert.equal(m.currentStatus?.state, 'WaitingForUserAction', m.currentStatus?.error);
    const ref = { store, targetKey: targetKeyOf(spec.target), name, secrets };
    // Between the copy and its watcher the record still names this process.
    assert.equal(store.load(ref.targetKey, name)?.pid, process.pid);

    // A watcher in another process that dies without taking the request.
    const other = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    const rec = store.load(ref.targetKey, name)!;
    rec.pid = other.pid;
    rec.startToken = processStartToken(other.pid!);
    store.save(rec);
    const asked = cutoverOnline(ref);
    await until('the cutover request', () => existsSync(path.join(store.dir, ref.targetKey, `${name}.cutover`)));
    other.kill('SIGKILL');
    const after = await asked;
    assert.equal(after.currentStatus?.state, 'Succeeded', JSON.stringify(after.currentStatus));
    assert.equal(existsSync(path.join(store.dir, ref.targetKey, `${name}.cutover`)), false);
    assert.deepEqual(await replicationObjects(source, db, migrationPrefix(name)), []);
  });
});
