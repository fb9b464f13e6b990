import assert from 'node:assert/strict';
import { formatDuration, formatLatency, quoteIdent } from '../../src/core/format';

describe('formatting', () => {
  it('shows latency in seconds under a minute and minutes above, like the portal', () => {
    assert.equal(formatLatency(0), '0 s');
    assert.equal(formatLatency(12.34), '12.3 s');
    assert.equal(formatLatency(90), '1.5 min');
    assert.equal(formatLatency(undefined), '–');
  });
  it('formats durations', () => {
    assert.equal(formatDuration(5_000), '5s');
    assert.equal(formatDuration(65_000), '1m 5s');
    assert.equal(formatDuration(3_660_000), '1h 1m');
  });
  it('quotes identifiers only where needed', () => {
    assert.equal(quoteIdent('orders'), 'orders');
    assert.equal(quoteIdent('Order Items'), '"Order Items"');
    assert.equal(quoteIdent('user'), '"user"');
    assert.equal(quoteIdent('a"b'), '"a""b"');
  });
});
