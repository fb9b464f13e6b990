import assert from 'node:assert/strict';
import { DirectMigrationRun } from '../../src/direct/engine';
import { dataOf, normalisedDump, pgflexSessions, schemaOf } from '../harness/compare';
import { loadFixture, richFixtures, specFor, tempStore } from '../harness/migrationSpec';
import { sharedServer, uniqueDb } from '../harness/servers';

describe('direct offline migration of the feature-rich database (real servers)', function () {
  this.timeout(180_000);

  for (const [from, to] of [['11', '16'], ['15', '15']] as const) {
    it(`migrates PostgreSQL ${from} → ${to}: target schema and every table's data equal the source's`, async () => {
      const source = await sharedServer(from, 'source');
      const target = await sharedServer(to, 'target');
      const db = uniqueDb(`rich${from}to${to}`);
      await loadFixture(source, db, richFixtures(source));
      const seen: string[] = [];
      const run = new DirectMigrationRun(specFor(source, target, [db], `rich-${from}-${to}-${process.pid}`, { verify: 'checksums' }), { sourcePassword: source.password, targetPassword: target.password }, { store: tempStore(), throttleMs: 10 });
      seen.push(run.tracker.snapshot().currentStatus?.currentSubStateDetails?.currentSubState ?? '');
      run.tracker.onChange((m) => seen.push(m.currentStatus?.currentSubStateDetails?.currentSubState ?? ''));
      const m = await run.done;
      assert.equal(m.currentStatus?.state, 'Succeeded', m.currentStatus?.error);
      assert.equal(m.currentStatus?.currentSubStateDetails?.currentSubState, 'Completed');
      for (const s of ['PerformingPreRequisiteSteps', 'MigratingData', 'CompletingMigration', 'Completed']) assert.ok(seen.includes(s), `substate ${s} reported`);
      console.log(`      (${from} → ${to} phases: ${JSON.stringify(m.currentStatus!.currentSubStateDetails!.dbDetails![db].phaseSeconds)})`);
      const d = m.currentStatus!.currentSubStateDetails!.dbDetails![db];
      assert.equal(d.migrationState, 'Succeeded');
      assert.equal(d.fullLoadErroredTables, 0);
      assert.equal(d.fullLoadCompletedTables, d.tables!.length);
      assert.ok(d.tables!.length >= 15, `tables copied: ${d.tables!.length}`);
      assert.equal(d.verification?.state, 'Succeeded');
      assert.equal(d.verification?.mode, 'checksums');

      const [ss, ts] = await Promise.all([schemaOf(source.conn(db)), schemaOf(target.conn(db))]);
      for (const k of Object.keys(ss)) assert.deepEqual(ts[k], ss[k], `schema part "${k}" differs`);
      const [sd, td] = await Promise.all([dataOf(source.conn(db)), dataOf(target.conn(db))]);
      assert.deepEqual(td, sd);
      assert.ok(Object.keys(sd).length >= 15);
      if (to === '15') assert.equal(await normalisedDump(target.conn(db)), await normalisedDump(source.conn(db)));
      assert.deepEqual(await pgflexSessions(source.conn()), []);
      assert.deepEqual(await pgflexSessions(target.conn()), []);
    });
  }
});
