import assert from 'node:assert/strict';
import { parallelWorkersSql } from '../../src/direct/buildLoad';
import { sortMemoryFor, sortMemorySql } from '../../src/direct/buildMemory';
import { withClient } from '../../src/pg/connection';
import type { PgVersion } from '../harness/postgres';
import { sharedServer } from '../harness/servers';

describe('parallel workers of an index build, on real targets', function () {
  this.timeout(60_000);

  for (const version of ['11', '16'] as PgVersion[]) {
    it(`sets the count on PostgreSQL ${version}, never above the server's max_parallel_maintenance_workers`, async () => {
      const s = await sharedServer(version, 'target');
      await withClient(s.conn(), async (c) => {
        const show = async () => Number((await c.query('SHOW max_parallel_maintenance_workers')).rows[0].max_parallel_maintenance_workers);
        const server = await show();
        assert.ok(server >= 1, `the server allows ${server}`);
        await c.query(parallelWorkersSql(0));
        assert.equal(await show(), 0);
        await c.query(parallelWorkersSql(1));
        assert.equal(await show(), 1);
        await c.query(parallelWorkersSql(server + 5));
        assert.equal(await show(), server, 'capped by the server');
        // A btree build's sort memory, set beside its workers in one query, as the engine does.
        await c.query(`${parallelWorkersSql(1)}; ${sortMemorySql(sortMemoryFor('CREATE INDEX "i" ON "public"."t" USING "btree" ("a");', 1))}`);
        assert.equal((await c.query('SHOW maintenance_work_mem')).rows[0].maintenance_work_mem, '64MB');
        await c.query(sortMemorySql(sortMemoryFor('CREATE INDEX "g" ON "public"."t" USING "gin" ("doc");', 1)));
        assert.equal((await c.query('SHOW maintenance_work_mem')).rows[0].maintenance_work_mem, '1GB');
      });
    });
  }
});
