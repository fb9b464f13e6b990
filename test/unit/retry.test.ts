import assert from 'node:assert/strict';
import { PgConnectError } from '../../src/pg/connection';
import { isConnectionError, retryDelayMs, retryPolicy, withRetry } from '../../src/direct/retry';

const fast = { attempts: 3, baseDelayMs: 1, maxDelayMs: 4 };
const reset = () => Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });

describe('retry policy', () => {
  it('takes broken connections for retryable, and errors about the data or the SQL not', () => {
    for (const e of [
      reset(),
      Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }),
      Object.assign(new Error('no data moved for 60 s'), { code: 'ETIMEDOUT' }),
      Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }),
      Object.assign(new Error('connection failure'), { code: '08006' }),
      new Error('Connection terminated unexpectedly'),
      new PgConnectError('The source server h:5 did not answer within 20 s.', 'timeout', 'h:5'),
      new PgConnectError('The source server h:5 closed the connection', 'other', 'h:5', '57P01'),
    ]) assert.equal(isConnectionError(e), true, String(e));
    for (const e of [
      Object.assign(new Error('duplicate key value violates unique constraint'), { code: '23505' }),
      Object.assign(new Error('invalid input syntax for type integer'), { code: '22P02' }),
      Object.assign(new Error('canceling statement due to statement timeout'), { code: '57014' }),
      // a SQLSTATE wins over words in the message: the server spoke about the statement
      Object.assign(new Error('Connection terminated in a trigger message'), { code: 'P0001' }),
      new PgConnectError('The source server rejected the password', 'auth', 'h:5', '28P01'),
      new Error('The migration is stopping; no new session is opened.'),
      undefined,
      'ECONNRESET',
    ]) assert.equal(isConnectionError(e), false, String(e));
  });

  it('doubles the pause from the base up to the ceiling', () => {
    const p = { attempts: 6, baseDelayMs: 1000, maxDelayMs: 5000 };
    assert.deepEqual([2, 3, 4, 5, 6].map((a) => retryDelayMs(a, p)), [1000, 2000, 4000, 5000, 5000]);
  });

  it('runs a step again after a broken connection and reports each retry', async () => {
    const heard: number[] = [];
    let calls = 0;
    const r = await withRetry(async (attempt) => {
      calls++;
      if (attempt < 3) throw reset();
      return 'ok';
    }, { policy: fast, onRetry: (a) => heard.push(a) });
    assert.equal(r, 'ok');
    assert.equal(calls, 3);
    assert.deepEqual(heard, [2, 3]);
  });

  it('gives up after the last attempt with the last error', async () => {
    let calls = 0;
    await assert.rejects(withRetry(async (a) => {
      calls++;
      throw Object.assign(new Error(`reset ${a}`), { code: 'ECONNRESET' });
    }, { policy: fast }), /reset 3/);
    assert.equal(calls, 3);
  });

  it('never retries a data error', async () => {
    let calls = 0;
    await assert.rejects(withRetry(async () => {
      calls++;
      throw Object.assign(new Error('value too long'), { code: '22001' });
    }, { policy: fast }), /value too long/);
    assert.equal(calls, 1);
  });

  it('stops waiting and retrying once the run is canceled', async () => {
    const ac = new AbortController();
    let calls = 0;
    const t0 = Date.now();
    const p = withRetry(async () => {
      calls++;
      throw reset();
    }, { policy: { attempts: 5, baseDelayMs: 10_000, maxDelayMs: 10_000 }, signal: ac.signal });
    setImmediate(() => ac.abort());
    await assert.rejects(p, /ECONNRESET/);
    assert.equal(calls, 1);
    assert.ok(Date.now() - t0 < 2000, `stopped after ${Date.now() - t0} ms`);
  });

  it('reads PGFLEX_RETRY and refuses what it cannot use', () => {
    assert.deepEqual(retryPolicy({ PGFLEX_RETRY: 'attempts=2, baseDelayMs=50' }), { attempts: 2, baseDelayMs: 50, maxDelayMs: 8000 });
    assert.deepEqual(retryPolicy({}), { attempts: 4, baseDelayMs: 1000, maxDelayMs: 8000 });
    assert.throws(() => retryPolicy({ PGFLEX_RETRY: 'attempts=0' }), /attempts=N/);
    assert.throws(() => retryPolicy({ PGFLEX_RETRY: 'tries=3' }), /not one of/);
  });
});
