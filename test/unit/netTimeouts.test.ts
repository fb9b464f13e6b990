import assert from 'node:assert/strict';
import { DEFAULT_NET_TIMEOUTS, keepaliveWindowSeconds, libpqKeepaliveParams, netTimeouts, pgSocketOptions } from '../../src/core/netTimeouts';
import { clientConfig, explainPgError, parseConnUrl } from '../../src/pg/connection';
import { libpqEnv } from '../../src/pg/libpqEnv';
import { retriesText } from '../../src/core/format';

describe('network timeouts', () => {
  it('notices a dead idle peer within a minute by default', () => {
    assert.ok(keepaliveWindowSeconds(DEFAULT_NET_TIMEOUTS) <= 60);
    assert.ok(DEFAULT_NET_TIMEOUTS.copyStallMs <= 60_000);
  });

  it('gives every pg client keepalives and a connect timeout', () => {
    const cfg = clientConfig(parseConnUrl('postgres://u@h:5/db'));
    assert.equal(cfg.keepAlive, true);
    assert.equal(cfg.keepAliveInitialDelayMillis, DEFAULT_NET_TIMEOUTS.keepaliveIdleMs);
    assert.equal(cfg.connectionTimeoutMillis, DEFAULT_NET_TIMEOUTS.connectTimeoutMs);
    assert.equal(libpqEnv(parseConnUrl('postgres://u@h:5/db'), {}).PGCONNECT_TIMEOUT, '20');
  });

  it('writes libpq keepalive parameters in seconds', () => {
    assert.deepEqual(libpqKeepaliveParams({ ...DEFAULT_NET_TIMEOUTS, keepaliveIdleMs: 2000, keepaliveIntervalMs: 400, keepaliveCount: 2 }), [
      'keepalives=1', 'keepalives_idle=2', 'keepalives_interval=1', 'keepalives_count=2',
    ]);
  });

  it('takes overrides from PGFLEX_NET_TIMEOUTS and names what it cannot read', () => {
    const t = netTimeouts({ PGFLEX_NET_TIMEOUTS: 'copyStallMs=1500, connectTimeoutMs=2000' });
    assert.equal(t.copyStallMs, 1500);
    assert.equal(pgSocketOptions(t).connectionTimeoutMillis, 2000);
    assert.equal(t.keepaliveIdleMs, DEFAULT_NET_TIMEOUTS.keepaliveIdleMs);
    assert.throws(() => netTimeouts({ PGFLEX_NET_TIMEOUTS: 'stallMs=5' }), /"stallMs", which is not one of keepaliveIdleMs/);
    assert.throws(() => netTimeouts({ PGFLEX_NET_TIMEOUTS: 'copyStallMs=soon' }), /copyStallMs must be a positive whole number/);
  });

  it('says how many steps were retried and the last reason', () => {
    assert.equal(retriesText(1, ['Copying table public.t was retried.']), '1 step was retried after a broken connection; the last: Copying table public.t was retried.');
    assert.equal(retriesText(3), '3 steps were retried after a broken connection.');
  });
});

describe('a connection that went dead', () => {
  it('is named with its server and what to do, not taken for a connect timeout', () => {
    const c = parseConnUrl('postgres://u@db.example.com:6432/d', undefined, 'source');
    const e = explainPgError(Object.assign(new Error('read ETIMEDOUT'), { code: 'ETIMEDOUT' }), c);
    assert.equal(e.kind, 'timeout');
    assert.match(e.message, /^The connection to the source server db\.example\.com:6432 went dead \(read ETIMEDOUT: no answer to TCP keepalives\)\. Check the network/);
    assert.match(explainPgError(Object.assign(new Error('connect ETIMEDOUT 10.0.0.1:6432'), { code: 'ETIMEDOUT' }), c).message, /did not answer within 20 s/);
  });
});
