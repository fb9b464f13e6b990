/** Retry-After as the lean ARM GET reads it: the same headers and forms the SDK pipeline honours. */
import assert from 'node:assert/strict';
import { retryAfter } from '../../src/azure/leanGet';

describe('azure lean GET: Retry-After', () => {
  it('reads milliseconds headers first, then seconds, then an HTTP date', () => {
    assert.equal(retryAfter({ 'retry-after-ms': '250', 'retry-after': '9' }), 250);
    assert.equal(retryAfter({ 'x-ms-retry-after-ms': '40' }), 40);
    assert.equal(retryAfter({ 'retry-after': '3' }), 3000);
    const inTwo = retryAfter({ 'retry-after': new Date(Date.now() + 2000).toUTCString() }) ?? -1;
    assert.ok(inTwo > 0 && inTwo <= 2000, `${inTwo}`);
    assert.equal(retryAfter({ 'retry-after': new Date(Date.now() - 5000).toUTCString() }), 0);
  });

  it('gives nothing for a missing or unreadable header, so the exponential back-off applies', () => {
    assert.equal(retryAfter({}), undefined);
    assert.equal(retryAfter({ 'retry-after': 'soon' }), undefined);
  });
});
