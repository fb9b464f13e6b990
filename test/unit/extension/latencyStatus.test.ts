import assert from 'node:assert/strict';
import type { LatencyCause } from '../../../src/core/model';
import { LEVEL_BACKGROUND, latencyStatus, levelOf } from '../../../src/extension/model/latencyStatus';
import { migrationTooltip } from '../../../src/extension/model/migrationPresentation';
import { migration, waitingOnline } from './fakes';

const t = { warningSeconds: 60, errorSeconds: 300 };
const k = (m: ReturnType<typeof migration>) => ({ migration: m, target: `target-of-${m.name}` });

describe('extension status bar latency mapping', () => {
  it('is hidden when no online migration waits for cutover', () => {
    const s = latencyStatus([k(migration('off', { state: 'InProgress' })), k(migration('done', { state: 'Succeeded', migrationMode: 'Online' }))], t);
    assert.equal(s.visible, false);
  });

  it('shows the worst database latency, like the portal, and opens that migration', () => {
    const s = latencyStatus([k(waitingOnline('m1', { orders: 18, billing: 2 })), k(waitingOnline('m2', { users: 5 }))], t);
    assert.equal(s.visible, true);
    assert.equal(s.text, '$(sync) orders 18 s');
    assert.equal(s.level, 'ok');
    assert.equal(s.open?.target, 'target-of-m1');
    assert.match(s.tooltip, /m1 \/ orders: 18 s/);
    assert.match(s.tooltip, /m2 \/ users: 5 s/);
  });

  it('colours by the latency thresholds from the settings', () => {
    assert.equal(latencyStatus([k(waitingOnline('m', { orders: 18 }))], t).level, 'ok');
    const warn = latencyStatus([k(waitingOnline('m', { orders: 90 }))], t);
    assert.equal(warn.text, '$(sync) orders 1.5 min');
    assert.equal(warn.level, 'warning');
    assert.equal(LEVEL_BACKGROUND[warn.level], 'statusBarItem.warningBackground');
    assert.equal(latencyStatus([k(waitingOnline('m', { orders: 300 }))], t).level, 'error');
    assert.equal(levelOf(10, { warningSeconds: 5, errorSeconds: 20 }), 'warning');
  });

  it('treats an unknown latency as the one to look at', () => {
    const s = latencyStatus([k(waitingOnline('m', { orders: 3, fresh: undefined }))], t);
    assert.equal(s.text, '$(sync) fresh –');
    assert.equal(s.level, 'warning');
  });

  it('names the first cause of each lagging database, in the status bar hover and the tree hover', () => {
    const m = waitingOnline('m', { orders: 240, billing: 0 });
    const slow: LatencyCause = { kind: 'full-identity-scan', severity: 'warning', side: 'target', summary: 'events scans.', action: 'Add a key.' };
    const stop: LatencyCause = { kind: 'long-transaction', severity: 'error', side: 'source', summary: 'A transaction has been open for 600 s (pid 77).', action: 'End it.', command: 'SELECT pg_terminate_backend(77)' };
    m.currentStatus!.currentSubStateDetails!.dbDetails!.orders.latencyCauses = [slow, stop];
    const s = latencyStatus([k(m)], t);
    assert.match(s.tooltip, /orders: 4 min \(warning\) — Stopped \(source\): A transaction has been open for 600 s \(pid 77\)\. End it\./);
    assert.doesNotMatch(s.tooltip, /billing: 0 s —/);
    const hover = migrationTooltip(m, Date.now());
    assert.match(hover, /Why the latency:/);
    assert.ok(hover.indexOf('pid 77') < hover.indexOf('events scans'), 'what stops the stream comes first');
  });
});
