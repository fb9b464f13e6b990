// The progress notification of a migration started in this window (stub vscode, scripted engine events).
import assert from 'node:assert/strict';
import path from 'node:path';
import type { Migration } from '../../../src/core/model';
import type { ServerRef } from '../../../src/core/provider';
import type { LiveWatch } from '../../../src/extension/model/liveWatch';
import { noticeStep } from '../../../src/extension/model/progressNotice';
import { migration } from './fakes';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const stub = require(path.join(ROOT, 'bench', 'activation-vscode-stub.cjs'));
stub.install();

const GB = 1024 ** 3;
const copying = (copied: number, extra: Partial<NonNullable<Migration['progress']>> = {}): Migration => ({
  ...migration('big'),
  progress: { bytesTotal: 100 * GB, bytesCopied: copied * GB, ...extra },
});

describe('extension progress notification', () => {
  it('steps the bar by the percent copied, never back, with bytes, rate and time left; post-data once copied', () => {
    let s = noticeStep(migration('big', { substate: 'PerformingPreRequisiteSteps' }), 0);
    assert.deepEqual(s, { message: 'PerformingPreRequisiteSteps', increment: 0, percent: 0, done: false });
    s = noticeStep(copying(25, { bytesPerSecond: 100 * 1024 ** 2, etaSeconds: 768 }), s.percent);
    assert.deepEqual(s, { message: '25 GB of 100 GB (25%) · 100 MB/s · about 12m 48s left', increment: 25, percent: 25, done: false });
    s = noticeStep(copying(60), s.percent);
    assert.equal(s.increment, 35);
    assert.equal(s.message, '60 GB of 100 GB (60%)', 'no rate: no time left');
    s = noticeStep(copying(100, { postDataTotal: 30, postDataBuilt: 12 }), s.percent);
    assert.deepEqual(s, { message: '100 GB copied · indexes and constraints 12/30 built', increment: 40, percent: 100, done: false });
    const ended = { ...copying(100), currentStatus: { state: 'Succeeded' } };
    assert.deepEqual(noticeStep(ended, 100), { message: 'Succeeded', increment: 0, percent: 100, done: true });
    assert.equal(noticeStep(migration('o', { state: 'WaitingForUserAction', substate: 'WaitingForCutoverTrigger' }), 100).done, true);
  });

  describe('followInNotification', () => {
    const target: ServerRef = { id: 'direct:t:5432@postgres', label: 'Target', host: 't', port: 5432, user: 'postgres', kind: 'direct' };
    const original = stub.vscode.window.withProgress;
    let listener: ((m: Migration) => void) | undefined;
    let subscribed = 0;
    const watch: LiveWatch = (_t, name, l) => {
      if (name !== 'big') return undefined;
      subscribed += 1;
      listener = l;
      return () => {
        subscribed -= 1;
        listener = undefined;
      };
    };
    let notices: { title: string; cancellable: boolean; reports: { message?: string; increment?: number }[]; cancel(): void; closed: boolean }[];
    beforeEach(() => {
      notices = [];
      subscribed = 0;
      stub.vscode.window.withProgress = (o: { title: string; cancellable: boolean }, task: (p: unknown, t: unknown) => Promise<void>) => {
        const cancelers: (() => void)[] = [];
        const n = { title: o.title, cancellable: o.cancellable, reports: [] as { message?: string; increment?: number }[], cancel: () => cancelers.forEach((f) => f()), closed: false };
        notices.push(n);
        return task({ report: (r: { message?: string; increment?: number }) => n.reports.push(r) }, { isCancellationRequested: false, onCancellationRequested: (f: () => void) => cancelers.push(f) }).then(() => {
          n.closed = true;
        });
      };
    });
    after(() => {
      stub.vscode.window.withProgress = original;
    });
    const { followInNotification } = require('../../../src/extension/progressNotification') as typeof import('../../../src/extension/progressNotification');
    const settle = () => new Promise((r) => setImmediate(r));

    it('reports the engine’s changes and closes when the migration ends; a migration not running here gets none', async () => {
      followInNotification(watch, target, 'elsewhere', async () => undefined);
      await settle();
      assert.equal(notices[0].closed, true, 'nothing to follow: closed at once');
      followInNotification(watch, target, 'big', async () => assert.fail('no cancel asked'));
      assert.equal(notices[1].title, 'Migration "big"');
      assert.equal(notices[1].cancellable, true);
      listener!(copying(40, { bytesPerSecond: GB, etaSeconds: 60 }));
      listener!({ ...copying(100), currentStatus: { state: 'Succeeded' } });
      await settle();
      assert.deepEqual(notices[1].reports, [{ message: '40 GB of 100 GB (40%) · 1.0 GB/s · about 1m 0s left', increment: 40 }, { message: 'Succeeded', increment: 60 }]);
      assert.equal(notices[1].closed, true);
      assert.equal(subscribed, 0, 'unsubscribed');
    });

    it('Cancel asks to cancel the migration; kept running, the notification comes back', async () => {
      const asked: string[] = [];
      let answer: 'keep' | 'cancel' = 'keep';
      followInNotification(watch, target, 'big', async (m) => {
        asked.push(m.name);
        if (answer === 'cancel') listener?.({ ...copying(50), currentStatus: { state: 'Canceled' } });
      });
      listener!(copying(50));
      notices[0].cancel();
      await settle();
      assert.deepEqual(asked, ['big']);
      assert.equal(notices[0].closed, true);
      assert.equal(notices.length, 2, 'the user kept it running: followed again');
      assert.equal(subscribed, 1);
      answer = 'cancel';
      notices[1].cancel();
      await settle();
      assert.deepEqual(asked, ['big', 'big']);
      assert.equal(notices.length, 2, 'canceled: not followed again');
      assert.equal(subscribed, 0);
    });
  });
});
