import assert from 'node:assert/strict';
import { current, step } from './session';
import { closeEditor, openWizard, setup } from './flows';

describe('e2e: wizard error case', () => {
  it('a wrong source password shows the message inline and nothing is created', async () => {
    const { servers, page } = current();
    const dbsBefore = await servers.target.psql('postgres', 'SELECT datname FROM pg_database ORDER BY 1');
    let f!: Awaited<ReturnType<typeof openWizard>>;
    await step('wizard: setup', async () => {
      f = await openWizard();
      await setup(f, 'e2e-wrong-password', 'Offline');
      await f.locator('#step[data-step=source]').waitFor();
    });
    await step('wizard: wrong source password shown inline', async () => {
      await f.getByRole('radio', { name: 'A new connection' }).click();
      await f.getByRole('textbox', { name: 'Host' }).fill('127.0.0.1');
      await f.getByRole('textbox', { name: 'Port' }).fill(String(servers.source.port));
      await f.getByRole('textbox', { name: 'Administrator login' }).fill('postgres');
      await f.getByRole('combobox').click();
      await f.getByRole('option', { name: 'disable' }).click();
      await f.getByRole('textbox', { name: 'Password' }).fill('not-the-password');
      await f.getByRole('button', { name: 'Connect to source' }).click();
      const alert = f.locator('#source-result[role=alert]');
      await alert.waitFor();
      assert.match((await alert.textContent()) ?? '', /rejected the password for user "postgres"/);
      await f.locator('#next[disabled]').waitFor();
    });
    await step('wizard closed: nothing created', async () => {
      await closeEditor('New migration');
      assert.equal(await servers.target.psql('postgres', 'SELECT datname FROM pg_database ORDER BY 1'), dbsBefore);
      for (const db of ['shop', 'inventory']) {
        assert.equal(await servers.source.psql(db, 'SELECT count(*) FROM pg_publication'), '0\n');
      }
      assert.equal(await servers.source.psql('postgres', 'SELECT count(*) FROM pg_replication_slots'), '0\n');
      const rows = await page.locator('.part.sidebar [role="treeitem"]').allTextContents();
      assert.ok(!rows.some((r) => r.includes('e2e-wrong-password')), `the tree lists a migration that was never created: ${rows.join(' | ')}`);
    });
  });
});
