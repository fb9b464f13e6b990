import assert from 'node:assert/strict';
import { appliedRates, niceMax } from '../../webview/details/latencyChart';

describe('latency chart arithmetic', () => {
  it('changes applied per second come from the counter between samples; samples without it are skipped', () => {
    const rates = appliedRates([
      { at: 0, seconds: 1, applied: 0 },
      { at: 2000, seconds: 1, applied: 1000 },
      { at: 3000, seconds: 0, applied: 1000 },
      { at: 4000, seconds: 0 },
      { at: 5000, seconds: 0, applied: 1500 },
    ]);
    assert.deepEqual(rates, [{ at: 2000, perSecond: 500 }, { at: 3000, perSecond: 0 }]);
  });

  it('axis maxima are round: 1, 2 or 5 times a power of ten', () => {
    assert.deepEqual([0.3, 1, 1.1, 3, 7, 12, 260, 0].map(niceMax), [0.5, 1, 2, 5, 10, 20, 500, 1]);
  });
});
