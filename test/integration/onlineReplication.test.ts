import assert from 'node:assert/strict';
import { cutoverDatabase } from '../../src/direct/online/cutover';
import { findLeftovers, removeLeftovers } from '../../src/direct/online/leftovers';
import { LatencyMonitor, measureOnce } from '../../src/direct/online/latency';
import { migrationPrefix } from '../../src/direct/online/names';
import { prepareSource, startSubscription, type OnlineDb } from '../../src/direct/online/replicationObjects';
import { available, type PgVersion } from '../harness/postgres';
import { sharedServer, uniqueDb } from '../harness/servers';
import { copySnapshot, createDbs, dumpTables, replicationObjects, sequenceValue, Writer } from './onlineFixture';

async function until(what: string, fn: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await fn())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const pairs: [PgVersion, PgVersion][] = [['11', '16'], ['15', '16'], ['16', '16']];

describe('online replication primitives (slot with snapshot, subscription, latency, cutover)', function () {
  this.timeout(180_000);
  for (const [sv, tv] of pairs) {
    if (!available(sv)) continue;
    it(`PG${sv} → PG${tv}: a writer runs throughout; after cutover the target equals the source and nothing is left`, async () => {
      const source = await sharedServer(sv, 'source');
      const target = await sharedServer(tv, 'target');
      const dbName = uniqueDb(`onl${sv}`);
      const migration = `prim-${sv}-${process.pid}`;
      await createDbs(source, target, dbName);
      const db: OnlineDb = { migration, database: dbName, source: source.conn('postgres', 'source'), target: target.conn('postgres', 'target') };
      const writer = new Writer(source, dbName).start();
      await writer.waitOps(10);
      const prepared = await prepareSource(db);
      assert.match(prepared.slot.snapshotName, /\S/);
      await writer.waitOps(10);
      await copySnapshot(source, target, dbName, prepared.slot.snapshotName);
      await prepared.slot.release();
      await startSubscription(db, prepared.sourceMajor);
      const monitor = new LatencyMonitor(db, 100);
      monitor.start();
      try {
        await writer.waitOps(30);
        // The source's statistics (incoming changes) are flushed up to a second after the
        // target's: wait for a sample where both sides have reported.
        let s = await monitor.sample();
        await until('the stream to catch up with a beat, both sides counting changes', async () => {
          s = await monitor.sample();
          return s.workerRunning && s.appliedChanges > 0 && s.latency < 5 && s.cdcDeleteCounter > 0 && (s.incomingChanges ?? 0) >= s.appliedChanges * 0.5;
        });
        assert.ok(s.cdcInsertCounter > 0 && s.cdcUpdateCounter > 0 && s.cdcDeleteCounter > 0, JSON.stringify(s));
        assert.ok((s.incomingChanges ?? 0) >= s.appliedChanges * 0.5, JSON.stringify(s));
      } finally {
        await monitor.stop();
      }
      const once = await measureOnce(db);
      assert.ok(once.latency < 2, `one-shot latency ${once.latency}`);
      await writer.stop();
      const result = await cutoverDatabase(db);
      assert.deepEqual(result.problems, []);
      assert.equal(result.verification.state, 'Succeeded');
      assert.ok(result.cutoverSeconds < 10, `cutover took ${result.cutoverSeconds} s`);
      assert.deepEqual(await dumpTables(target, dbName), await dumpTables(source, dbName));
      assert.equal(await sequenceValue(target, dbName), await sequenceValue(source, dbName));
      const prefix = migrationPrefix(migration);
      assert.deepEqual(await replicationObjects(source, dbName, prefix), []);
      assert.deepEqual(await replicationObjects(target, dbName, prefix), []);
      assert.deepEqual(await findLeftovers({ source: db.source, target: db.target }, migration), []);
    });
  }

  it('findLeftovers names an abandoned slot, publication and subscription; removeLeftovers removes them', async () => {
    const source = await sharedServer('16', 'source');
    const target = await sharedServer('16', 'target');
    const dbName = uniqueDb('onlleft');
    const migration = `left-${process.pid}`;
    await createDbs(source, target, dbName);
    const db: OnlineDb = { migration, database: dbName, source: source.conn('postgres', 'source'), target: target.conn('postgres', 'target') };
    const prepared = await prepareSource(db);
    await copySnapshot(source, target, dbName, prepared.slot.snapshotName);
    await prepared.slot.release();
    await startSubscription(db, prepared.sourceMajor);
    // A crash here would leave everything behind: the scan must find each object.
    const found = await findLeftovers({ source: db.source, target: db.target }, migration);
    const kinds = found.map((l) => `${l.server}:${l.kind}`).sort();
    assert.deepEqual(kinds, ['source:heartbeat', 'source:publication', 'source:slot', 'target:heartbeat', 'target:subscription']);
    assert.ok(found.find((l) => l.kind === 'slot')?.retainedWalBytes !== undefined);
    const { problems } = await removeLeftovers({ source: db.source, target: db.target }, found);
    assert.deepEqual(problems, []);
    assert.deepEqual(await findLeftovers({ source: db.source, target: db.target }, migration), []);
    assert.deepEqual(await replicationObjects(source, dbName, migrationPrefix(migration)), []);
  });
});
