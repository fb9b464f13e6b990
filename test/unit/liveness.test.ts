import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import os from 'node:os';
import { currentRunner, judgeRunner, processStartToken, type Here } from '../../src/direct/liveness';
import { effectiveMigration } from '../../src/direct/runnerView';
import { targetKeyOf, type MigrationRecord } from '../../src/direct/store';

const ref = { id: 'direct:db.example:5432@u', label: 'db', host: 'db.example', port: 5432, user: 'u', kind: 'direct' as const };

function record(mode: 'Offline' | 'Online', stamp: Partial<MigrationRecord>, state = 'InProgress'): MigrationRecord {
  return {
    version: 1,
    targetKey: targetKeyOf(ref),
    spec: { name: 'm1', source: ref, target: ref, databases: ['a'], mode, option: 'Migrate', overwrite: false },
    migration: { name: 'm1', migrationMode: mode, currentStatus: { state } },
    resume: {},
    ...stamp,
  };
}

/** A machine where pid 100 runs, started at tick 5000, and every other pid is free. */
const fakeHere: Here = {
  hostname: 'box',
  tokens: true,
  startToken: (pid) => (pid === 100 ? 'boot:5000' : undefined),
  exists: (pid) => pid === 100,
};

describe('runner liveness', () => {
  it('judges a recorded runner alive, dead, reused or elsewhere', () => {
    assert.equal(judgeRunner({ pid: 100, hostname: 'box', startToken: 'boot:5000' }, fakeHere), 'alive');
    assert.equal(judgeRunner({ pid: 101, hostname: 'box', startToken: 'boot:4000' }, fakeHere), 'dead', 'no such pid');
    assert.equal(judgeRunner({ pid: 100, hostname: 'box', startToken: 'boot:4000' }, fakeHere), 'dead', 'the pid now belongs to a later process');
    assert.equal(judgeRunner({ pid: 100, hostname: 'laptop', startToken: 'boot:1' }, fakeHere), 'elsewhere', 'another host is not judged by pid');
    assert.equal(judgeRunner({ hostname: 'box' }, fakeHere), 'none');
    assert.equal(judgeRunner({ pid: 100, hostname: 'box' }, fakeHere), 'alive', 'an older record without a token goes by the pid');
    assert.equal(judgeRunner({ pid: 100, hostname: 'box', startToken: 'x' }, { ...fakeHere, tokens: false }), 'alive', 'no tokens here: by the pid');
  });

  it('reads real start tokens (Linux /proc): this process is alive, an ended child is dead', async () => {
    assert.equal(judgeRunner(currentRunner()), 'alive');
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 10000)']);
    await new Promise((resolve) => child.once('spawn', resolve));
    const stamp = { pid: child.pid!, hostname: os.hostname(), startToken: processStartToken(child.pid!) };
    assert.equal(judgeRunner(stamp), 'alive');
    assert.equal(judgeRunner({ ...stamp, startToken: `${stamp.startToken}0` }), 'dead', 'same pid, another start: a reused pid');
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    assert.equal(judgeRunner(stamp), 'dead');
  });

  it('shows a dead offline run as Failed with "run it again to resume", an online one with what to remove', () => {
    const dead = { pid: 101, hostname: 'box', startToken: 'boot:4000' };
    const off = effectiveMigration(record('Offline', dead), fakeHere);
    assert.equal(off.currentStatus?.state, 'Failed');
    assert.match(off.currentStatus?.error ?? '', /pid 101 on box.*Run it again with the same name to resume/);
    assert.deepEqual(off.runner, { host: 'box', pid: 101, state: 'dead' });
    const withDb = record('Offline', dead);
    withDb.migration.currentStatus!.currentSubStateDetails = { dbDetails: { a: { databaseName: 'a', migrationState: 'InProgress', migrationOperation: 'Copying' }, b: { databaseName: 'b', migrationState: 'Succeeded' } } };
    const dbs = effectiveMigration(withDb, fakeHere).currentStatus?.currentSubStateDetails?.dbDetails;
    assert.equal(dbs?.a.migrationState, 'Failed', 'its databases stopped with it');
    assert.equal(dbs?.a.migrationOperation, undefined);
    assert.equal(dbs?.b.migrationState, 'Succeeded');
    assert.equal(withDb.migration.currentStatus?.currentSubStateDetails?.dbDetails?.a.migrationState, 'InProgress', 'the record itself is not changed');
    const on = effectiveMigration(record('Online', dead), fakeHere);
    assert.equal(on.currentStatus?.state, 'Failed');
    assert.match(on.currentStatus?.error ?? '', /replication slot and publication.*pgflex cancel --target 'postgres:\/\/u@db\.example:5432\/postgres\?sslmode=prefer' --name m1/);
  });

  it('leaves a live run, a run on another host, a stream without a watcher and an ended run as they are', () => {
    const alive = effectiveMigration(record('Offline', { pid: 100, hostname: 'box', startToken: 'boot:5000' }), fakeHere);
    assert.equal(alive.currentStatus?.state, 'InProgress');
    const away = effectiveMigration(record('Offline', { pid: 7, hostname: 'laptop' }), fakeHere);
    assert.equal(away.currentStatus?.state, 'InProgress');
    assert.deepEqual(away.runner, { host: 'laptop', pid: 7, state: 'elsewhere' });
    const streaming = effectiveMigration(record('Online', { hostname: 'box' }, 'WaitingForUserAction'), fakeHere);
    assert.equal(streaming.currentStatus?.state, 'WaitingForUserAction');
    assert.equal(streaming.runner?.state, 'none');
    const ended = effectiveMigration(record('Offline', { pid: 101, hostname: 'box' }, 'Succeeded'), fakeHere);
    assert.equal(ended.currentStatus?.state, 'Succeeded');
  });
});
