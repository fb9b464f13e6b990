import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { RecordStore, runnerAlive, targetKeyOf, type MigrationRecord } from '../../src/direct/store';
import { WorkerBudget, runAll } from '../../src/direct/pool';
import { appNameFor } from '../../src/direct/sessions';
import { DirectProvider } from '../../src/direct/provider';

const ref = { id: 'direct:h:5432@u', label: 'h', host: 'db.example', port: 5432, user: 'u', kind: 'direct' as const };

function record(name: string, pid?: number): MigrationRecord {
  return {
    version: 1,
    targetKey: targetKeyOf(ref),
    spec: { name, source: ref, target: ref, databases: ['a'], mode: 'Offline', option: 'Migrate', overwrite: false },
    migration: { name, currentStatus: { state: 'InProgress' } },
    pid,
    hostname: os.hostname(),
    resume: {},
  };
}

describe('direct record store', () => {
  it('saves, loads and lists records per target, with no temporary files left', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'pgflex-store-'));
    const store = new RecordStore(dir);
    store.save(record('one'));
    store.save(record('two'));
    assert.equal(store.load(targetKeyOf(ref), 'one')?.migration.name, 'one');
    assert.deepEqual(store.list(targetKeyOf(ref)).map((r) => r.migration.name).sort(), ['one', 'two']);
    assert.deepEqual(readdirSync(path.join(dir, targetKeyOf(ref))).sort(), ['one.json', 'two.json']);
    assert.doesNotMatch(readFileSync(path.join(dir, targetKeyOf(ref), 'one.json'), 'utf8'), /password/i);
  });

  it('carries a cancel request between processes as a marker file', () => {
    const store = new RecordStore(mkdtempSync(path.join(os.tmpdir(), 'pgflex-store-')));
    assert.equal(store.cancelRequested('k', 'm'), false);
    assert.equal(store.cancelRequest('k', 'm'), undefined);
    store.requestCancel('k', 'm');
    assert.equal(store.cancelRequested('k', 'm'), true);
    assert.deepEqual(store.cancelRequest('k', 'm'), [], 'all databases');
    store.clearCancel('k', 'm');
    assert.equal(store.cancelRequested('k', 'm'), false);
    store.requestCancel('k', 'm', ['orders', 'billing']);
    assert.deepEqual(store.cancelRequest('k', 'm'), ['orders', 'billing'], 'only these');
  });

  it('carries a cutover request as a file beside the record, claimed once', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'pgflex-store-'));
    const store = new RecordStore(dir);
    assert.equal(store.claimCutoverRequest('k', 'm'), undefined, 'nothing pending');
    store.requestCutover('k', 'm', ['orders']);
    assert.equal(store.cutoverRequested('k', 'm'), true);
    assert.deepEqual(readdirSync(path.join(dir, 'k')), ['m.cutover'], 'the file other processes already write');
    assert.deepEqual(store.claimCutoverRequest('k', 'm'), ['orders']);
    assert.equal(store.cutoverRequested('k', 'm'), false);
    assert.equal(store.claimCutoverRequest('k', 'm'), undefined, 'claimed once');
    assert.deepEqual(readdirSync(path.join(dir, 'k')), []);
    store.requestCutover('k', 'm');
    assert.deepEqual(store.claimCutoverRequest('k', 'm'), [], 'all databases');
  });

  it('tells a live runner from a dead one', () => {
    assert.equal(runnerAlive(record('x', process.pid)), true);
    assert.equal(runnerAlive(record('x', 2 ** 22 + 12345)), false);
    assert.equal(runnerAlive(record('x')), false);
  });

  it('tags sessions with an application_name PostgreSQL keeps whole', () => {
    assert.equal(appNameFor('m1'), 'pgflex:m1');
    assert.equal(appNameFor('x'.repeat(80)).length, 63);
  });
});

describe('worker budget', () => {
  it('never runs more jobs than its size, and reports the first failure after the running ones settle', async () => {
    const budget = new WorkerBudget(2);
    let running = 0;
    let peak = 0;
    const seen: number[] = [];
    await assert.rejects(
      runAll(budget, [1, 2, 3, 4, 5, 6], async (n) => {
        running++;
        peak = Math.max(peak, running);
        await new Promise((resolve) => setTimeout(resolve, 5));
        seen.push(n);
        running--;
        if (n === 3) throw new Error('job 3 failed');
      }),
      /job 3 failed/,
    );
    assert.equal(peak, 2);
    assert.equal(running, 0);
    assert.ok(!seen.includes(6), 'jobs after the failure are not started');
  });
});

describe('DirectProvider without servers', () => {
  it('marks a migration whose process died as Failed (resumable), and cancel records it Canceled', async () => {
    const store = new RecordStore(mkdtempSync(path.join(os.tmpdir(), 'pgflex-store-')));
    const target = { ...ref, host: '127.0.0.1', port: 1 };
    const rec = record('orphan', 2 ** 22 + 4321);
    rec.targetKey = targetKeyOf(target);
    rec.spec = { ...rec.spec, target };
    store.save(rec);
    const p = new DirectProvider({ store });
    const m = await p.get(target, 'orphan');
    assert.equal(m.currentStatus?.state, 'Failed');
    assert.match(m.currentStatus?.error ?? '', /stopped before it finished.*resume/);
    const check = await p.checkName(target, 'orphan');
    assert.equal(check.ok, false);
    assert.match(check.reason!, /resume/);
    await p.cancel(target, 'orphan');
    assert.equal((await p.get(target, 'orphan')).currentStatus?.state, 'Canceled');
    await assert.rejects(p.cancel(target, 'orphan'), /already ended \(Canceled\)/);
    await assert.rejects(p.get(target, 'nope'), /No direct migration named "nope"/);
  });
});
