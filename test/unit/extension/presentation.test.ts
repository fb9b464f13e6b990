import assert from 'node:assert/strict';
import { migrationContextValue, migrationDescription, migrationTooltip, newestFirst, stateLook } from '../../../src/extension/model/migrationPresentation';
import { migration, waitingOnline } from './fakes';

describe('extension migration presentation', () => {
  it('encodes provider, mode and state in the contextValue the menus match', () => {
    assert.equal(migrationContextValue(waitingOnline('m', { orders: 1 })), 'migration.direct.online.waitingForCutover');
    assert.equal(migrationContextValue(migration('m')), 'migration.direct.offline.inProgress');
    assert.equal(migrationContextValue(migration('m', { state: 'Failed', provider: 'azure' })), 'migration.azure.offline.failed');
    assert.equal(migrationContextValue(migration('m', { state: 'ValidationFailed' })), 'migration.direct.offline.validationFailed');
    assert.equal(migrationContextValue(migration('m', { state: 'WaitingForUserAction', substate: 'WaitingForTargetDBOverwriteConfirmation' })), 'migration.direct.offline.waitingForUser');
  });

  it('picks a theme icon and colour per state', () => {
    assert.deepEqual(stateLook(migration('m', { state: 'Succeeded' })), { icon: 'pass', color: 'testing.iconPassed', label: 'Succeeded' });
    assert.equal(stateLook(migration('m')).icon, 'sync~spin');
    assert.equal(stateLook(migration('m', { state: 'SomethingNew' })).icon, 'question');
  });

  it('describes state, mode, databases and duration', () => {
    const m = migration('m', { state: 'Succeeded', dbsToMigrate: ['a', 'b', 'c', 'd'], startedOn: '2026-01-01T10:00:00Z', endedOn: '2026-01-01T10:03:12Z' });
    assert.equal(migrationDescription(m, Date.parse('2026-02-01T00:00:00Z')), 'Succeeded · Offline · a, b, c +1 · 3m 12s');
    const running = migration('r', { startedOn: '2026-01-01T10:00:00Z' });
    assert.match(migrationDescription(running, Date.parse('2026-01-01T10:00:42Z')), /42s$/);
  });

  it('adds how far the copy has come while it runs: percent, rate and time left; post-data after; table counts from the service', () => {
    const GB = 1024 ** 3;
    const now = Date.parse('2026-01-01T10:00:42Z');
    const copying = migration('r', { startedOn: '2026-01-01T10:00:00Z' });
    copying.progress = { bytesTotal: 300 * GB, bytesCopied: 75 * GB, bytesPerSecond: 200 * 1024 ** 2, etaSeconds: 1152 };
    assert.equal(migrationDescription(copying, now), 'In progress · Offline · app · 42s · 25% · 200 MB/s · 19m 12s left');
    assert.match(migrationTooltip(copying, now), /Copied: 75 GB of 300 GB \(25%\) · 200 MB\/s · about 19m 12s left/);
    copying.progress = { bytesTotal: 300 * GB, bytesCopied: 10 * GB };
    assert.match(migrationDescription(copying, now), /· 3%$/, 'no rate known: no time left shown');
    copying.progress = { bytesTotal: 300 * GB, bytesCopied: 300 * GB, postDataTotal: 60, postDataBuilt: 20 };
    assert.match(migrationDescription(copying, now), /· indexes and constraints 20\/60 built$/);
    const azure = migration('z', { provider: 'azure', startedOn: '2026-01-01T10:00:00Z' });
    azure.currentStatus!.currentSubStateDetails = { dbDetails: { a: { fullLoadCompletedTables: 3, fullLoadLoadingTables: 2 } } };
    assert.match(migrationDescription(azure, now), /· tables 3\/5$/);
    const ended = migration('e', { state: 'Succeeded', startedOn: '2026-01-01T10:00:00Z', endedOn: '2026-01-01T10:00:42Z' });
    ended.progress = { bytesTotal: 5, bytesCopied: 5 };
    assert.match(migrationDescription(ended, now), /42s$/, 'nothing once ended');
  });

  it('puts a per-database table in the tooltip, escaping names', () => {
    const t = migrationTooltip(waitingOnline('my_mig', { orders: 18, 'bil*ling': 90 }), Date.parse('2026-01-01T10:05:00Z'));
    assert.match(t, /\| orders \| WaitingForCutoverTrigger \|  \| 18 s \|/);
    assert.match(t, /bil\\\*ling/);
    assert.match(t, /my\\_mig/);
  });

  it('sorts newest first', () => {
    const list = [migration('a', { startedOn: '2026-01-01T00:00:00Z' }), migration('b', { startedOn: '2026-03-01T00:00:00Z' }), migration('c')];
    assert.deepEqual(list.sort(newestFirst).map((m) => m.name), ['b', 'a', 'c']);
  });
});
