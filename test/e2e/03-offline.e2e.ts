import assert from 'node:assert/strict';
import { current, step } from './session';
import { chooseDatabases, dbRow, header, openWizard, savedServer, setup, start, TARGET_LABEL, watchDetails } from './flows';
import { rowCounts, SAMPLE_DATABASES } from '../../scripts/sandbox/sampleDb';

describe('e2e: offline migration', () => {
  it('migrates shop and inventory offline: details fill in, Succeeded, data all on the target, no replication objects', async () => {
    const { servers, wb, page } = current();
    // Offline means the source's writes are stopped for the copy, as the wizard says.
    await servers.writer?.stop();
    let f!: Awaited<ReturnType<typeof openWizard>>;
    await step('offline wizard: setup, source, target', async () => {
      f = await openWizard();
      await setup(f, 'e2e-offline', 'Offline');
      await savedServer(f, 'source');
      await savedServer(f, 'target');
    });
    await step('offline wizard: databases and summary', async () => {
      await chooseDatabases(f, [...SAMPLE_DATABASES]);
      const summary = await f.locator('#summary').innerText();
      assert.match(summary, /Mode\s+Offline/);
      assert.match(summary, /Databases\s+shop, inventory/);
    });
    let d!: Awaited<ReturnType<typeof start>>;
    await step('offline: details page opens', async () => {
      d = await start(f, 'e2e-offline');
    });
    const expected = Object.fromEntries(await Promise.all(SAMPLE_DATABASES.map(async (db) => [db, await rowCounts(servers.source, db)] as const)));
    await step('offline: tables copied, Succeeded', async () => {
      const text = await watchDetails(d, (t) => /\bSucceeded\b/.test(header(t)), 'Succeeded');
      for (const db of SAMPLE_DATABASES) {
        const row = dbRow(text, db);
        assert.ok(row, `no row for ${db} on the details page`);
        assert.equal(row.State, 'Succeeded');
        assert.equal(Number(row.Copied), Object.keys(expected[db]).length, `tables copied for ${db}`);
        assert.equal(Number(row.Errors), 0);
      }
    });
    for (const db of SAMPLE_DATABASES) assert.deepEqual(await rowCounts(servers.target, db), expected[db], `row counts of ${db} on the target`);
    assert.equal(await servers.source.psql('postgres', 'SELECT count(*) FROM pg_replication_slots'), '0\n');
    for (const db of SAMPLE_DATABASES) {
      assert.equal(await servers.source.psql(db, 'SELECT count(*) FROM pg_publication'), '0\n');
      assert.equal(await servers.target.psql(db, 'SELECT count(*) FROM pg_subscription'), '0\n');
    }
    await step('offline: the tree shows it Succeeded', async () => {
      await page.locator('.part.sidebar .title-actions [aria-label="Refresh"]').first().click();
      const target = await wb.waitForTreeItem(new RegExp(`^${TARGET_LABEL}`));
      if ((await target.getAttribute('aria-expanded')) === 'false') await target.click();
      await wb.waitForTreeItem(/^e2e-offline\s*Succeeded/);
    });
  });
});
