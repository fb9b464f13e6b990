import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { RecordStore, targetKeyOf, type MigrationRecord } from '../../src/direct/store';

const ref = { id: 'direct:h:5432@u', label: 'h', host: 'db.example', port: 5432, user: 'u', kind: 'direct' as const };

function record(state: string): MigrationRecord {
  return {
    version: 1,
    targetKey: targetKeyOf(ref),
    spec: { name: 'm', source: ref, target: ref, databases: ['a'], mode: 'Online', option: 'Migrate', overwrite: false },
    migration: { name: 'm', currentStatus: { state } },
    resume: {},
  };
}

describe('direct record store: outcomes written by another writer', () => {
  for (const ended of ['Canceled', 'Succeeded']) {
    it(`a stale "waiting for cutover" write does not undo ${ended}; the writer adopts it`, () => {
      const store = new RecordStore(mkdtempSync(path.join(os.tmpdir(), 'pgflex-store-')));
      store.save(record(ended));
      const stale = record('WaitingForUserAction');
      store.save(stale);
      assert.equal(store.load(targetKeyOf(ref), 'm')?.migration.currentStatus?.state, ended);
      assert.equal(stale.migration.currentStatus?.state, ended);
    });
  }

  it('a re-run still moves a Canceled record back to InProgress, then to waiting', () => {
    const store = new RecordStore(mkdtempSync(path.join(os.tmpdir(), 'pgflex-store-')));
    store.save(record('Canceled'));
    store.save(record('InProgress'));
    store.save(record('WaitingForUserAction'));
    assert.equal(store.load(targetKeyOf(ref), 'm')?.migration.currentStatus?.state, 'WaitingForUserAction');
  });
});
