import assert from 'node:assert/strict';
import { DirectMigrationRun } from '../../src/direct/engine';
import { migrationPrefix } from '../../src/direct/online/names';
import { specFor, tempStore } from '../harness/migrationSpec';
import { sharedServer, uniqueDb } from '../harness/servers';
import { replicationObjects } from './onlineFixture';

describe('direct online migration refuses tables without a key (real servers)', function () {
  this.timeout(120_000);

  it('fails before publishing, names the table and the fix, creates no replication object, and the source keeps taking UPDATE and DELETE', async () => {
    const source = await sharedServer('15', 'source');
    const target = await sharedServer('16', 'target');
    const db = uniqueDb('onlkeyless');
    await source.psql('postgres', `CREATE DATABASE ${db}`);
    await source.psql(db, `CREATE TABLE keyed (id int PRIMARY KEY, v text);
      CREATE TABLE "Event Log" (at timestamptz, what text);
      CREATE TABLE full_ri (a int, b text); ALTER TABLE full_ri REPLICA IDENTITY FULL;
      INSERT INTO keyed VALUES (1, 'a'); INSERT INTO "Event Log" VALUES (now(), 'x'); INSERT INTO full_ri VALUES (1, 'y');`);
    const name = `onl-keyless-${process.pid}`;
    const spec = specFor(source, target, [db], name, { mode: 'Online' });
    const run = new DirectMigrationRun(spec, { sourcePassword: source.password, targetPassword: target.password }, { store: tempStore(), throttleMs: 10 });
    const m = await run.done;
    assert.equal(m.currentStatus?.state, 'Failed');
    const error = m.currentStatus?.error ?? '';
    assert.match(error, /public\."Event Log"/);
    assert.match(error, /ALTER TABLE public\."Event Log" REPLICA IDENTITY FULL;/);
    assert.doesNotMatch(error, /full_ri|keyed/);
    assert.deepEqual(await replicationObjects(source, db, migrationPrefix(name)), []);
    // The source application is unharmed: writes on the keyless table still work.
    await source.psql(db, `UPDATE "Event Log" SET what = 'z'; DELETE FROM "Event Log";`);
  });
});
