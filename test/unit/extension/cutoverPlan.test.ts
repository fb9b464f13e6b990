import assert from 'node:assert/strict';
import { cutoverRows, decideCutover } from '../../../src/extension/model/cutoverPlan';
import { waitingOnline } from './fakes';

describe('extension cutover confirmation', () => {
  const t = { warningSeconds: 60, errorSeconds: 300 };
  it('lists each waiting database with its latency and warns when it is not near zero', () => {
    const rows = cutoverRows(waitingOnline('m', { orders: 18, billing: 90, fresh: undefined }), t);
    assert.deepEqual(rows.map((r) => [r.database, r.description, !!r.warning]), [
      ['orders', 'latency 18 s', false],
      ['billing', 'latency 1.5 min', true],
      ['fresh', 'latency –', true],
    ]);
  });
  it('requires the explicit confirmation that writes are stopped, and at least one database', () => {
    const rows = cutoverRows(waitingOnline('m', { orders: 18, billing: 90 }), t);
    const no = decideCutover(rows, ['orders', 'billing'], false);
    assert.equal(no.ok, false);
    assert.match(no.ok ? '' : no.reason, /Writes to the source are stopped/);
    assert.equal(decideCutover(rows, [], true).ok, false);
    const all = decideCutover(rows, ['orders', 'billing'], true);
    assert.deepEqual(all.ok && all.databases, undefined);
    assert.equal(all.ok && all.warnings.length, 1);
    const some = decideCutover(rows, ['orders'], true);
    assert.deepEqual(some.ok && some.databases, ['orders']);
  });
});
