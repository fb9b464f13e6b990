import assert from 'node:assert/strict';
import { cutoverDatabase } from '../../src/direct/online/cutover';
import { LatencyMonitor } from '../../src/direct/online/latency';
import { migrationPrefix } from '../../src/direct/online/names';
import { prepareSource, removeReplication, startSubscription, type OnlineDb } from '../../src/direct/online/replicationObjects';
import { startServer, type TestServer } from '../harness/postgres';
import { copySnapshot, createDbs, dumpTables, replicationObjects, Writer } from './onlineFixture';

async function until(what: string, fn: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await fn())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('online replication through restarts and cancel (private servers)', function () {
  this.timeout(240_000);
  let source: TestServer;
  let target: TestServer;
  before(async () => {
    [source, target] = await Promise.all([startServer({ version: '16' }), startServer({ version: '16', logical: false })]);
  });
  after(async () => {
    await Promise.all([source?.destroy(), target?.destroy()]);
  });

  async function streaming(migration: string, dbName: string): Promise<{ db: OnlineDb; writer: Writer }> {
    await createDbs(source, target, dbName);
    const db: OnlineDb = { migration, database: dbName, source: source.conn('postgres', 'source'), target: target.conn('postgres', 'target') };
    const writer = new Writer(source, dbName).start();
    const prepared = await prepareSource(db);
    await copySnapshot(source, target, dbName, prepared.slot.snapshotName);
    await prepared.slot.release();
    await startSubscription(db, prepared.sourceMajor);
    await writer.waitOps(20);
    return { db, writer };
  }

  it('a restart of the source, then a crash of the target, while a writer runs: replication resumes by itself and nothing is lost', async () => {
    const { db, writer } = await streaming('restart', 'onl_restart');
    const monitor = new LatencyMonitor(db, 100);
    monitor.start();
    try {
      await until('the apply worker to run', async () => (await monitor.sample()).workerRunning);
      await source.restart('fast');
      await writer.waitOps(20);
      await until('the stream to resume after the source restart', async () => {
        const s = await monitor.sample();
        return s.workerRunning && s.slotActive === true && s.latency < 2;
      });
      await target.restart('immediate');
      await writer.waitOps(20);
      await until('the stream to resume after the target crash', async () => {
        const s = await monitor.sample();
        return s.workerRunning && s.slotActive === true && s.latency < 2;
      });
    } finally {
      await monitor.stop();
    }
    await writer.stop();
    const r = await cutoverDatabase(db);
    assert.equal(r.verification.state, 'Succeeded');
    assert.deepEqual(await dumpTables(target, db.database), await dumpTables(source, db.database));
    assert.ok(writer.errors.length > 0, 'the writer saw the source restart');
  });

  it('cancel mid-stream removes the subscription, slot, publication and heartbeat; the target database stays', async () => {
    const { db, writer } = await streaming('cancelmid', 'onl_cancel');
    await writer.stop();
    const report = await removeReplication(db);
    assert.deepEqual(report.problems, []);
    assert.equal(report.removed.length, 5);
    const prefix = migrationPrefix('cancelmid');
    assert.deepEqual(await replicationObjects(source, db.database, prefix), []);
    assert.deepEqual(await replicationObjects(target, db.database, prefix), []);
    assert.equal((await target.psql('postgres', `SELECT count(*) FROM pg_database WHERE datname = '${db.database}'`)).trim(), '1');
  });

  it('cancel while the source is down still removes the subscription, and names the slot it could not drop', async () => {
    const { db, writer } = await streaming('cancelsrcdown', 'onl_cancel_down');
    await writer.stop();
    await source.stop('fast');
    let report;
    try {
      report = await removeReplication(db);
    } finally {
      await source.start();
    }
    assert.ok(report.removed.some((r) => r.startsWith('subscription')), report.removed.join(', '));
    assert.ok(report.problems.some((p) => /replication slot/.test(p)), report.problems.join(' | '));
    const again = await removeReplication(db);
    assert.deepEqual(again.problems, []);
    assert.deepEqual(await replicationObjects(source, db.database, migrationPrefix('cancelsrcdown')), []);
  });
});
