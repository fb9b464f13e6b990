import assert from 'node:assert/strict';
import { LEVEL_BACKGROUND, latencyStatus, levelOf } from '../../../src/extension/model/latencyStatus';
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
});
