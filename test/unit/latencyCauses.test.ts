import assert from 'node:assert/strict';
import { parseApplyError } from '../../src/direct/online/latencyCauses';

describe('parseApplyError (the target log of a failing apply worker)', () => {
  it('takes the newest error with its relation from the CONTEXT line', () => {
    const log = [
      '2026-12-02 15:00:01.000 UTC [10] ERROR:  duplicate key value violates unique constraint "a_pkey"',
      '2026-12-02 15:00:01.000 UTC [10] DETAIL:  Key (id)=(1) already exists.',
      '2026-12-02 15:00:01.000 UTC [10] CONTEXT:  processing remote data for replication origin "pg_1" during message type "INSERT" for replication target relation "public.a" in transaction 7',
      '2026-12-02 15:00:02.000 UTC [11] ERROR:  duplicate key value violates unique constraint "b_pkey"',
      '2026-12-02 15:00:02.000 UTC [11] DETAIL:  Key (id)=(2) already exists.',
      '2026-12-02 15:00:02.000 UTC [11] CONTEXT:  processing remote data for replication origin "pg_1" during message type "INSERT" for replication target relation "s.b" in transaction 8',
      '2026-12-02 15:00:02.100 UTC [1] LOG:  background worker "logical replication worker" (PID 11) exited with exit code 1',
    ].join('\n');
    assert.deepEqual(parseApplyError(log), { table: 's.b', message: 'duplicate key value violates unique constraint "b_pkey"' });
  });

  it('says nothing for a log without apply errors', () => {
    assert.equal(parseApplyError('LOG:  database system is ready to accept connections\nERROR:  relation "x" does not exist'), undefined);
  });
});
