import assert from 'node:assert/strict';
import { bytesText, etaSeconds, percentCopied, progressText, RateWindow, rateText, sumProgress, tableCounts } from '../../src/core/progress';
import { TableCopyAccount } from '../../src/direct/copyAccount';

const MB = 1024 * 1024;

describe('progress: rate over a sliding window and time left', () => {
  it('has no rate before the samples span the minimum, then the slope over the window', () => {
    const w = new RateWindow(10_000, 2_000);
    assert.equal(w.rate(), undefined);
    w.add(0, 0);
    assert.equal(w.rate(), undefined, 'one sample is no rate');
    w.add(1_000, 10 * MB);
    assert.equal(w.rate(), undefined, 'one second is too short to tell');
    w.add(2_000, 20 * MB);
    assert.equal(w.rate(), 10 * MB);
  });

  it('follows a slowdown: samples older than the window stop counting', () => {
    const w = new RateWindow(10_000, 2_000);
    for (let t = 0; t <= 10_000; t += 1_000) w.add(t, t * 10_000); // 10 MB/s-ish: 10 000 bytes per ms
    assert.equal(w.rate(), 10_000_000);
    // Then 1 000 bytes per ms for 20 s: the window now holds only the slow part.
    let v = 10_000 * 10_000;
    for (let t = 11_000; t <= 30_000; t += 1_000) {
      v += 1_000_000;
      w.add(t, v);
    }
    assert.equal(w.rate(), 1_000_000);
  });

  it('starts again when the total goes back (bytes of a failed table given back)', () => {
    const w = new RateWindow(10_000, 2_000);
    w.add(0, 0);
    w.add(5_000, 50);
    w.add(6_000, 10);
    assert.equal(w.rate(), undefined);
    w.reset();
    assert.equal(w.rate(), undefined);
  });

  it('ETA is what is left over the rate, and nothing when the rate is unknown or zero', () => {
    assert.equal(etaSeconds(100 * MB, 10 * MB), 10);
    assert.equal(etaSeconds(0, 10 * MB), 0);
    assert.equal(etaSeconds(100, undefined), undefined);
    assert.equal(etaSeconds(100, 0), undefined);
    assert.equal(etaSeconds(100, Number.NaN), undefined);
  });
});

describe('progress: sums and words', () => {
  it('adds the databases up, post-data only where known', () => {
    assert.equal(sumProgress([undefined]), undefined);
    const s = sumProgress([{ bytesTotal: 100, bytesCopied: 40, bytesPerSecond: 5, postDataTotal: 4, postDataBuilt: 1 }, { bytesTotal: 50, bytesCopied: 50 }, undefined]);
    assert.deepEqual(s, { bytesTotal: 150, bytesCopied: 90, postDataTotal: 4, postDataBuilt: 1 });
  });

  it('says bytes of the total, the rate and the time left, and nothing of a rate it does not know', () => {
    const p = { bytesTotal: 4 * 1024 * MB, bytesCopied: 1024 * MB, bytesPerSecond: 35 * MB, etaSeconds: 130 };
    assert.equal(percentCopied(p), 25);
    assert.equal(bytesText(p), '1.0 GB of 4.0 GB (25%)');
    assert.equal(rateText(p), '35 MB/s · about 2m 10s left');
    assert.equal(progressText(p), '1.0 GB of 4.0 GB (25%) · 35 MB/s · about 2m 10s left');
    assert.equal(progressText({ bytesTotal: 10, bytesCopied: 5 }), '5 B of 10 B (50%)');
    assert.equal(progressText({ bytesTotal: 10, bytesCopied: 10, postDataTotal: 8, postDataBuilt: 3 }), '10 B of 10 B (100%) · indexes and constraints 3/8 built');
    assert.equal(percentCopied({ bytesTotal: 0, bytesCopied: 0 }), 100);
  });

  it('counts tables as the service reports them', () => {
    assert.deepEqual(tableCounts({ fullLoadCompletedTables: 3, fullLoadQueuedTables: 1, fullLoadLoadingTables: 1 }), { done: 3, total: 5 });
    assert.equal(tableCounts({}), undefined);
  });
});

describe('progress: a table copied in parts counts up to its size', () => {
  it('counts streamed bytes up to each part’s share, then exactly the size when done', () => {
    const a = new TableCopyAccount(1000, 2);
    assert.equal(a.stream(0, 300), 300);
    assert.equal(a.stream(0, 400), 200, 'part 0 is capped at its share of 500');
    assert.equal(a.stream(0, 100), 0);
    assert.equal(a.stream(1, 100), 100);
    assert.equal(a.done(), 400);
    assert.equal(a.done(), 0);
  });

  it('gives back what it counted when the table fails', () => {
    const a = new TableCopyAccount(999, 3);
    const counted = a.stream(0, 200) + a.stream(1, 500) + a.stream(2, 1);
    assert.equal(counted, 200 + 333 + 1);
    assert.equal(a.failed(), -counted);
  });
});
