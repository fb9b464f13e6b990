import assert from 'node:assert/strict';
import { retrySpec } from '../../../src/extension/model/retrySpec';
import { toServerRef } from '../../../src/extension/model/connections';
import { conn, migration } from './fakes';

describe('extension retry of a failed direct migration', () => {
  const source = conn('Source', 'source', 5433);
  const target = conn('Target', 'target', 5434);
  it('rebuilds the spec from the model and the saved connections, keeping the target databases', () => {
    const m = migration('m1', { state: 'Failed', migrationMode: 'Online', migrationOption: 'ValidateAndMigrate', dbsToMigrate: ['shop', 'crm'], sourceDbServerFullyQualifiedDomainName: 'localhost:5433' });
    const plan = retrySpec(m, toServerRef(target), [source, target], 4);
    assert.ok(plan.ok);
    assert.equal(plan.spec.source.port, 5433);
    assert.deepEqual(plan.spec.databases, ['shop', 'crm']);
    assert.equal(plan.spec.mode, 'Online');
    assert.equal(plan.spec.option, 'Migrate');
    assert.equal(plan.spec.overwrite, false);
    assert.equal(plan.targetConnectionId, target.id);
  });
  it('says what to do when the source is not a saved connection, or the migration is Azure', () => {
    const m = migration('m1', { state: 'Failed', sourceDbServerFullyQualifiedDomainName: 'elsewhere:5432' });
    const plan = retrySpec(m, toServerRef(target), [source, target]);
    assert.equal(plan.ok, false);
    assert.match(plan.ok ? '' : plan.reason, /not among your Direct connections/);
    const az = retrySpec(migration('a', { provider: 'azure', state: 'Failed' }), toServerRef(target), [source]);
    assert.match(az.ok ? '' : az.reason, /wizard/);
  });
});
