import assert from 'node:assert/strict';
import { current, step } from './session';
import { chooseDatabases, dbRow, header, openWizard, replicationLeftovers, savedServer, setup, start, watchDetails } from './flows';

describe('e2e: cancel', () => {
  it('cancels an online migration waiting for cutover: Canceled, replication objects removed, the target database stays', async () => {
    const { servers } = current();
    await servers.restartWriter();
    let f!: Awaited<ReturnType<typeof openWizard>>;
    await step('cancel wizard: online, inventory', async () => {
      f = await openWizard();
      await setup(f, 'e2e-cancel', 'Online');
      await savedServer(f, 'source');
      await savedServer(f, 'target');
      await chooseDatabases(f, ['inventory'], true);
    });
    let d!: Awaited<ReturnType<typeof start>>;
    await step('cancel: waiting for cutover', async () => {
      d = await start(f, 'e2e-cancel');
      await watchDetails(d, (t) => dbRow(t, 'inventory')?.State === 'WaitingForCutoverTrigger', 'inventory waiting for cutover');
    });
    await step('cancel: confirm', async () => {
      await d.getByRole('button', { name: 'Cancel migration…' }).click();
      const dialog = d.getByRole('dialog');
      await dialog.waitFor();
      await dialog.getByRole('button', { name: 'Cancel migration' }).click();
      await dialog.waitFor({ state: 'detached' });
    });
    await step('cancel: Canceled', async () => {
      const text = await watchDetails(d, (t) => /\bCanceled\b/.test(header(t)), 'Canceled');
      assert.doesNotMatch(header(text), /could not be removed/);
    });
    await servers.writer?.stop();
    assert.deepEqual(await replicationLeftovers(['inventory']), []);
    assert.equal(await servers.target.psql('postgres', "SELECT count(*) FROM pg_database WHERE datname = 'inventory'"), '1\n', 'the target database stays after a cancel');
  });
});
