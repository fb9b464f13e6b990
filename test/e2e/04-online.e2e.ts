import assert from 'node:assert/strict';
import { current, step } from './session';
import { chooseDatabases, dbRow, header, openWizard, replicationLeftovers, sampleTables, savedServer, setup, start, watchDetails } from './flows';
import { rowCounts, SAMPLE_DATABASES } from '../../scripts/sandbox/sampleDb';

describe('e2e: online migration', () => {
  it('migrates shop and inventory online: tables copied, latency, status bar, Cutover, Succeeded, data on the target, no replication objects', async () => {
    const { servers, wb, page } = current();
    await servers.restartWriter();
    let f!: Awaited<ReturnType<typeof openWizard>>;
    await step('online wizard: setup, source, target', async () => {
      f = await openWizard();
      await setup(f, 'e2e-online', 'Online');
      await savedServer(f, 'source');
      await savedServer(f, 'target');
    });
    await step('online wizard: databases (overwrite) and summary', async () => {
      await chooseDatabases(f, [...SAMPLE_DATABASES], true);
      assert.match(await f.locator('#summary').innerText(), /Mode\s+Online/);
    });
    let d!: Awaited<ReturnType<typeof start>>;
    await step('online: details page opens', async () => {
      d = await start(f, 'e2e-online');
    });
    await step('online: tables copied, waiting for cutover', async () => {
      const text = await watchDetails(d, (t) => SAMPLE_DATABASES.every((db) => dbRow(t, db)?.State === 'WaitingForCutoverTrigger'), 'both databases waiting for cutover');
      for (const db of SAMPLE_DATABASES) {
        const tables = Object.keys(await rowCounts(servers.source, db)).length;
        assert.ok(Number(dbRow(text, db)?.Copied) >= tables, `${db}: ${dbRow(text, db)?.Copied} tables copied, the source has ${tables}`);
      }
    });
    await step('online: latency measured', async () => {
      await watchDetails(d, (t) => SAMPLE_DATABASES.every((db) => /\d/.test(dbRow(t, db)?.Latency ?? '')), 'a latency for each database');
    });
    await step('online: status bar latency item', async () => {
      await page.locator('.part.statusbar .statusbar-item[aria-label*="e2e-online"]').waitFor();
    });
    await step('online: cutover dialog', async () => {
      // The user stops the application's writes before cutting over.
      await servers.writer?.stop();
      await d.getByRole('button', { name: 'Cutover…' }).click();
      const dialog = d.getByRole('dialog');
      await dialog.waitFor();
      await dialog.getByRole('checkbox', { name: /Writes to the source are stopped/ }).click();
      await dialog.getByRole('button', { name: 'Cut over' }).click();
      await dialog.waitFor({ state: 'detached' });
    });
    await step('online: Succeeded', async () => {
      await watchDetails(d, (t) => /\bSucceeded\b/.test(header(t)), 'Succeeded after the cutover');
      // The latency item goes once no online migration waits for cutover any more.
      await page.locator('.part.statusbar .statusbar-item[aria-label*="e2e-online"]').waitFor({ state: 'hidden', timeout: 90_000 });
    });
    for (const db of SAMPLE_DATABASES) {
      const source = sampleTables(await rowCounts(servers.source, db));
      const target = sampleTables(await rowCounts(servers.target, db));
      assert.deepEqual(target, source, `row counts of ${db} on the target after cutover`);
    }
    assert.deepEqual(await replicationLeftovers(SAMPLE_DATABASES), []);
    await step('online: the tree shows it Succeeded', async () => {
      await page.locator('.part.sidebar .title-actions [aria-label="Refresh"]').first().click();
      await wb.waitForTreeItem(/^e2e-online\s*Succeeded/);
    });
  });
});
