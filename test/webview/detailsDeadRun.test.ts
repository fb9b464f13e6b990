import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { openWebview, SCREENSHOTS, until, type Handler, type WebviewPage } from './browser';
import { snapshot } from './detailsFixtures';

/** An online migration whose CLI was killed while copying, as DirectProvider.get() returns it. */
const DEAD_ONLINE = {
  name: 'shop-live', provider: 'direct', migrationMode: 'Online', migrationOption: 'Migrate', startedOn: '2026-11-24T08:00:00Z',
  sourceDbServerResourceId: 'direct:src.example:5432@admin', targetDbServerResourceId: 'direct:tgt.example:5432@admin',
  dbsToMigrate: ['shop'],
  runner: { host: 'laptop', pid: 4242, state: 'dead' },
  leftovers: [
    { server: 'source', kind: 'slot', name: 'pgflex_shop_live_shop', database: 'shop', retainedWalBytes: 3 * 1024 ** 3, active: false, walStatus: 'extended' },
    { server: 'source', kind: 'publication', name: 'pgflex_shop_live_shop', database: 'shop' },
    { server: 'source', kind: 'heartbeat', name: 'pgflex_shop_live_shop', database: 'shop' },
  ],
  currentStatus: {
    state: 'Failed',
    error: 'The process running this migration (pid 4242 on laptop) stopped while it was copying. Its replication slot and publication stay on the source.',
    currentSubStateDetails: {
      currentSubState: 'MigratingData',
      dbDetails: { shop: { databaseName: 'shop', migrationState: 'Failed', fullLoadCompletedTables: 2, fullLoadQueuedTables: 1, fullLoadLoadingTables: 1, fullLoadErroredTables: 0 } },
    },
  },
};

describe('webview: details of a migration whose process died', () => {
  let w: WebviewPage;
  before(() => mkdirSync(SCREENSHOTS, { recursive: true }));
  afterEach(async () => {
    assert.deepEqual(w.cspViolations, [], 'no CSP violations');
    assert.deepEqual(w.pageErrors, [], 'no page errors');
    await w.close();
  });

  it('shows Failed, the dead process, each leftover with the WAL its slot holds (a warning over warnBytes) and the cleanup action', async () => {
    const ref = { provider: 'direct', targetId: 'direct:tgt.example:5432@admin', name: 'shop-live' };
    let snap: unknown = { ...snapshot(DEAD_ONLINE), leftoverWarnBytes: 1024 ** 3 };
    const handlers: Record<string, Handler> = {
      ready: () => ({ ref, snapshot: snap, refresh: { note: 'Automatic refresh stopped: the migration is Failed.' } }),
      refresh: () => snap,
      cleanupLeftovers: () => {
        snap = snapshot({ ...DEAD_ONLINE, leftovers: [] });
        return { message: 'Removed 3 pgflex replication objects from src.example:5432 and tgt.example:5432.' };
      },
    };
    w = await openWebview({ bundle: 'detailsMain', handlers });
    await until(() => w.page.locator('#leftovers').isVisible(), 'leftovers section');
    assert.equal(await w.page.locator('#state').innerText(), 'Failed');
    assert.match(await w.page.locator('#migration-error').innerText(), /pid 4242 on laptop\) stopped while it was copying/);
    assert.match(await w.page.locator('#facts').innerText(), /Process\s+pid 4242 on laptop \(gone\)/);
    const slotRow = await w.page.locator('#leftover-table tr[data-leftover="source:slot:pgflex_shop_live_shop:shop"]').innerText();
    assert.match(slotRow, /slot\s+pgflex_shop_live_shop\s+source\s+shop\s+3\.0 GB\s+no\s+extended/);
    assert.equal(await w.page.locator('#leftover-table tbody tr').count(), 3, 'slot, publication and heartbeat row listed');
    assert.match(await w.page.locator('#leftover-warning').innerText(), /pgflex_shop_live_shop holds 3\.0 GB of WAL: more than pgflex\.leftovers\.warnBytes \(1\.0 GB\)/);
    assert.equal(await w.page.locator('#cancel').count(), 0, 'a Failed run offers no cancel');
    await w.page.screenshot({ path: path.join(SCREENSHOTS, 'details-dead-run.png'), fullPage: true });

    await w.page.locator('#cleanup-leftovers').click();
    await until(() => w.requests('cleanupLeftovers').length === 1, 'cleanup asked of the host');
    await until(async () => /Removed 3 pgflex replication objects/.test(await w.page.locator('#action-msg').innerText()), 'cleanup result shown');
    await w.page.locator('#refresh').click();
    await until(async () => (await w.page.locator('#leftovers').count()) === 0, 'no leftovers section once removed');
  });

  it('shows no warning for a small slot', async () => {
    const ref = { provider: 'direct', targetId: 'direct:tgt.example:5432@admin', name: 'shop-live' };
    const small = { ...DEAD_ONLINE, leftovers: [{ ...DEAD_ONLINE.leftovers[0], retainedWalBytes: 5 * 1024 ** 2 }] };
    const snap = { ...snapshot(small), leftoverWarnBytes: 1024 ** 3 };
    w = await openWebview({ bundle: 'detailsMain', handlers: { ready: () => ({ ref, snapshot: snap, refresh: {} }), refresh: () => snap } });
    await until(() => w.page.locator('#leftovers').isVisible(), 'leftovers section');
    assert.match(await w.page.locator('#leftover-table').innerText(), /5\.0 MB/);
    assert.equal(await w.page.locator('#leftover-warning').count(), 0);
  });
});
