import assert from 'node:assert/strict';
import { BuildLoad, parallelWorkersSql } from '../../src/direct/buildLoad';

describe('parallel workers of index builds (BuildLoad)', () => {
  it('gives none while tables still copy, whatever is queued', () => {
    const load = new BuildLoad(8);
    load.queued();
    assert.equal(load.workersForNext(), 0);
  });

  it('gives a build the jobs left over by the post-data work running or queued, itself included', () => {
    const load = new BuildLoad(4);
    load.copying = false;
    const a = load.queued();
    assert.equal(load.workersForNext(), 3, 'alone: three spare jobs');
    const b = load.queued();
    load.queued();
    assert.equal(load.workersForNext(), 1);
    load.queued();
    assert.equal(load.workersForNext(), 0, 'as many jobs as work: none spare');
    load.queued();
    assert.equal(load.workersForNext(), 0, 'more work than jobs: still none, never negative');
    a();
    b();
    b(); // ending twice counts once
    assert.equal(load.workersForNext(), 1);
  });

  it('on two cores, gives one worker only to the last thing left', () => {
    const load = new BuildLoad(2);
    load.copying = false;
    const a = load.queued();
    const b = load.queued();
    assert.equal(load.workersForNext(), 0);
    a();
    assert.equal(load.workersForNext(), 1);
    b();
  });

  it('turns the count into session settings capped by the server', () => {
    assert.equal(parallelWorkersSql(0), 'SET max_parallel_maintenance_workers = 0');
    assert.equal(parallelWorkersSql(-1), 'SET max_parallel_maintenance_workers = 0');
    assert.match(parallelWorkersSql(3), /^RESET max_parallel_maintenance_workers; SELECT set_config\('max_parallel_maintenance_workers', least\(3, current_setting\('max_parallel_maintenance_workers'\)::int\)::text, false\)$/);
  });
});
