// The details panel's auto-refresh rules (plain Node; lives with the webview suite it serves).
import assert from 'node:assert/strict';
import { RefreshSchedule } from '../../src/extension/panels/refreshSchedule';

const running = { ok: true, changed: true, terminal: false, visible: true };

describe('details auto-refresh schedule', () => {
  it('refreshes at the setting interval while the migration runs and changes', () => {
    const s = new RefreshSchedule(30);
    assert.equal(s.next(running), 30);
    assert.equal(s.next(running), 30);
  });

  it('stops when the migration ended, the panel is hidden, or the setting is off', () => {
    assert.equal(new RefreshSchedule(30).next({ ...running, terminal: true }), undefined);
    assert.equal(new RefreshSchedule(30).next({ ...running, visible: false }), undefined);
    assert.equal(new RefreshSchedule(0).next(running), undefined);
  });

  it('backs off on errors (doubling, capped) and while nothing changes, and recovers', () => {
    const s = new RefreshSchedule(30);
    const fail = { ...running, ok: false };
    assert.deepEqual([s.next(fail), s.next(fail), s.next(fail), s.next(fail)], [60, 120, 240, 300]);
    assert.equal(s.next(running), 30, 'a success resets the backoff');
    const still = { ...running, changed: false };
    assert.deepEqual([s.next(still), s.next(still), s.next(still), s.next(still), s.next(still), s.next(still)], [45, 60, 75, 90, 105, 120]);
    assert.equal(s.next(running), 30);
    assert.equal(new RefreshSchedule(300).next(fail), 300, 'never beyond max(5 min, interval)');
  });
});
