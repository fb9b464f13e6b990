import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { openWebview, SCREENSHOTS, until, type Handler, type WebviewPage } from './browser';
import { OFFLINE, ONLINE_WAITING, snapshot, VALIDATION_FAILED } from './detailsFixtures';

function detailsHost(ref: { provider: string; targetId: string; name: string }, snap: unknown, extra: Record<string, Handler> = {}): Record<string, Handler> {
  return {
    ready: () => ({ ref, snapshot: snap, refresh: { nextInSeconds: 30 } }),
    refresh: () => snap,
    cutover: () => ({ message: 'Cutover requested.' }),
    cancel: () => ({ message: 'Cancel requested. Databases already created on the target stay there: drop them when you no longer need them.' }),
    copyJson: () => ({ message: 'Copied the migration as JSON.' }),
    applyFix: () => ({ message: 'Added postgis, pg_trgm to azure.extensions.' }),
    retry: () => ({ message: 'Retrying the tables that failed.' }),
    restartInWizard: () => ({}),
    openInTree: () => ({}),
    openTarget: () => ({}),
    ...extra,
  };
}

const samples = (values: number[]) => values.map((seconds, i) => ({ at: 1_000_000 + i * 30_000, seconds }));

describe('webview: details', () => {
  let w: WebviewPage;
  before(() => mkdirSync(SCREENSHOTS, { recursive: true }));
  afterEach(async () => {
    assert.deepEqual(w.cspViolations, [], 'no CSP violations');
    assert.deepEqual(w.pageErrors, [], 'no page errors');
    await w.close();
  });

  it('renders an offline migration in progress: header, table counts, per-table detail, data shown as text', async () => {
    const ref = { provider: 'direct', targetId: 'direct:tgt.example:5432@admin', name: 'orders-move' };
    w = await openWebview({ bundle: 'detailsMain', handlers: detailsHost(ref, snapshot(OFFLINE)) });
    await until(() => w.page.locator('#db-table').isVisible(), 'database table');
    assert.equal(w.posted[0].method, 'ready');
    assert.deepEqual(await w.state(), { ref }, 'state holds only the ref');
    assert.equal(await w.page.locator('#state').innerText(), 'InProgress');
    assert.equal(await w.page.locator('#substate').innerText(), 'MigratingData');
    const facts = await w.page.locator('#facts').innerText();
    assert.match(facts, /Offline/);
    assert.match(facts, /Validate and Migrate/);
    assert.match(facts, /2026-11-24 08:00:00 UTC/);
    assert.match(facts, /1h 12m/, 'duration up to the fetch time');
    assert.match(facts, /src\.example:5432 \(admin\)/, 'direct server shown as host:port (user)');
    const row = await w.page.locator('#db-table tr[data-db="orders"]').innerText();
    assert.match(row, /InProgress\s+3\s+1\s+2\s+1/);
    assert.equal(await w.page.locator('#cutover').count(), 0, 'no cutover for offline');
    assert.equal(await w.page.locator('#cancel').count(), 1, 'cancel while in progress');
    assert.equal(await w.page.locator('#azure-limits').count(), 0, 'no Azure limits for direct');
    assert.match(await w.page.locator('#refresh-status').innerText(), /30 s/);
    await w.page.locator('#tables-orders summary').click();
    const tables = await w.page.locator('#tables-orders').innerText();
    assert.match(tables, /permission denied for table <b>secret<\/b>/, 'error text shown literally');
    assert.equal(await w.page.locator('img').count(), 0, 'no markup injected from data');
    // Refresh keeps the opened table detail open.
    await w.page.locator('#refresh').click();
    await until(() => w.requests('refresh').length === 1, 'refresh request');
    await until(async () => (await w.page.locator('#tables-orders').getAttribute('open')) !== null, 'detail still open');
    // Cancel asks first and reminds about the target databases.
    await w.page.locator('#cancel').click();
    await until(() => w.page.locator('#cancel-dialog').isVisible(), 'cancel dialog');
    assert.match(await w.page.locator('#cancel-dialog').innerText(), /drop them yourself/);
    await w.page.locator('#cancel-confirm').click();
    await until(() => w.requests('cancel').length === 1, 'cancel posted');
    assert.deepEqual(w.requests('cancel')[0], { confirmed: true });
    await until(async () => /drop them/.test(await w.page.locator('#action-msg').innerText()), 'cancel result shown');
    await w.page.screenshot({ path: path.join(SCREENSHOTS, 'details-offline.png'), fullPage: true });
    // Once finished, a migration that carried roles lists them, and what is left to do, in its checklist.
    const done = { ...JSON.parse(JSON.stringify(OFFLINE)), migrateRoles: 'True', roles: { created: ['app_reader', 'alice'], existing: [], unowned: [], warnings: ['Role "alice" signs in, but its password could not be read.'] } };
    done.currentStatus.state = 'Succeeded';
    done.currentStatus.currentSubStateDetails.currentSubState = 'Completed';
    done.currentStatus.currentSubStateDetails.dbDetails.orders.warnings = ['Database "orders": the setting log_min_duration_statement=1000 was not applied on the target.'];
    await w.send({ type: 'event', name: 'snapshot', payload: snapshot(done) });
    await until(() => w.page.locator('#checklist').isVisible(), 'checklist');
    assert.equal(await w.page.locator('.db-warning').innerText(), 'orders: Database "orders": the setting log_min_duration_statement=1000 was not applied on the target.');
    const list = await w.page.locator('#checklist').innerText();
    assert.match(list, /✓ Roles created on the target: app_reader, alice\. Owners and grants were kept\./);
    assert.match(list, /☐ Role "alice" signs in, but its password could not be read\./);
  });

  it('renders an online migration waiting for cutover: CDC counters, latency, sparkline, Azure limits; cutover needs the checkbox', async () => {
    const ref = { provider: 'azure', targetId: '/subscriptions/s/resourceGroups/rg/providers/Microsoft.DBforPostgreSQL/flexibleServers/flex1', name: 'flexmove' };
    w = await openWebview({ bundle: 'detailsMain', handlers: detailsHost(ref, snapshot(ONLINE_WAITING, { orders: samples([40, 20, 5, 0]), billing: samples([300, 200, 150]) })) });
    await until(() => w.page.locator('#db-table').isVisible(), 'database table');
    const orders = await w.page.locator('#db-table tr[data-db="orders"]').innerText();
    assert.match(orders, /420\s+37\s+2\s+0 s/, 'CDC counters and latency in seconds');
    assert.match(await w.page.locator('#db-table tr[data-db="billing"]').innerText(), /2\.5 min/, 'latency in minutes over a minute');
    assert.equal(await w.page.locator('#db-table tr[data-db="orders"] svg.spark polyline').count(), 1, 'sparkline drawn');
    assert.match(await w.page.locator('#azure-limits').innerText(), /7 days.*72 hours.*2026-12-01 08:00:00 UTC/);
    // Cancel one of two streaming databases: the others go on streaming.
    await w.page.locator('#cancel').click();
    await until(() => w.page.locator('#cancel-dialog').isVisible(), 'cancel dialog');
    assert.equal(await w.page.locator('#cancel-databases vscode-checkbox').count(), 2);
    await w.page.locator('#cancel-databases vscode-checkbox[data-db="billing"]').click();
    assert.equal(await w.page.locator('#cancel-confirm').innerText(), 'Cancel 1 of 2 databases');
    await w.page.locator('#cancel-confirm').click();
    await until(() => w.requests('cancel').length === 1, 'cancel posted');
    assert.deepEqual(w.requests('cancel')[0], { confirmed: true, databases: ['orders'] });
    await until(async () => (await w.page.locator('#cancel-dialog').count()) === 0, 'cancel dialog closed');
    await w.page.locator('#cutover').click();
    await until(() => w.page.locator('#cutover-dialog').isVisible(), 'cutover dialog');
    const dialog = await w.page.locator('#cutover-dialog').innerText();
    assert.match(dialog, /orders\s+0 s/);
    assert.match(dialog, /billing\s+2\.5 min/);
    assert.match(await w.page.locator('#cutover-warning').innerText(), /billing is not caught up/);
    assert.equal(await w.page.locator('#cutover-confirm').getAttribute('disabled'), '', 'confirm disabled until the box is ticked');
    await w.page.locator('#cutover-confirm').click({ force: true });
    assert.equal(w.requests('cutover').length, 0, 'nothing posted without the checkbox');
    await w.page.screenshot({ path: path.join(SCREENSHOTS, 'details-cutover.png') });
    await w.page.keyboard.press('Escape');
    await until(async () => (await w.page.locator('#cutover-dialog').count()) === 0, 'Escape closes the dialog');
    assert.equal(w.requests('cutover').length, 0);
    await w.page.locator('#cutover').click();
    await until(() => w.page.locator('#cutover-dialog').isVisible(), 'cutover dialog again');
    await w.page.locator('#writes-stopped').focus();
    await w.page.keyboard.press('Space');
    await until(async () => (await w.page.locator('#cutover-confirm').getAttribute('disabled')) === null, 'confirm enabled');
    await w.page.locator('#cutover-confirm').click();
    await until(() => w.requests('cutover').length === 1, 'cutover posted');
    assert.deepEqual(w.requests('cutover')[0], { databases: ['orders', 'billing'], confirmed: true });
    await until(async () => (await w.page.locator('#cutover-dialog').count()) === 0, 'dialog closed after the cutover is posted');
    // A pushed snapshot (auto-refresh) updates the page.
    const done = JSON.parse(JSON.stringify(ONLINE_WAITING));
    done.currentStatus.state = 'Succeeded';
    done.currentStatus.currentSubStateDetails.currentSubState = 'Completed';
    await w.send({ type: 'event', name: 'snapshot', payload: snapshot(done) });
    await w.send({ type: 'event', name: 'refresh', payload: { note: 'Automatic refresh stopped: the migration is Succeeded.' } });
    await until(async () => (await w.page.locator('#state').innerText()) === 'Succeeded', 'state updated');
    assert.match(await w.page.locator('#checklist').innerText(), /ANALYZE/);
    assert.match(await w.page.locator('#refresh-status').innerText(), /stopped/);
    assert.equal(await w.page.locator('#cutover').count(), 0, 'no cutover once done');
    assert.equal(await w.page.locator('#open-target').count(), 1, 'open target after success');
  });

  it('renders failed validation: rules with states, times, corrective action, one-click fix; copy as JSON', async () => {
    const ref = { provider: 'azure', targetId: '/subscriptions/s/resourceGroups/rg/providers/Microsoft.DBforPostgreSQL/flexibleServers/flex1', name: 'validateonly' };
    w = await openWebview({ bundle: 'detailsMain', handlers: detailsHost(ref, snapshot(VALIDATION_FAILED)) });
    await until(() => w.page.locator('#validation').isVisible(), 'validation section');
    const section = await w.page.locator('#validation').innerText();
    assert.match(section, /1 succeeded, 1 warnings, 1 failed/);
    assert.match(section, /Started 2026-11-24 08:00:10 UTC/);
    assert.match(section, /3m 0s/, 'validation duration');
    assert.match(section, /What to do: Add postgis and pg_trgm/, 'failed rule open with its corrective action');
    assert.match(section, /Error code 603108/);
    assert.match(section, /C\.UTF-8/, 'warning open too');
    assert.equal(await w.page.locator('#cancel').count(), 0, 'no cancel once ended');
    assert.equal(await w.page.locator('#retry').count(), 0, 'retry only for direct');
    await w.page.screenshot({ path: path.join(SCREENSHOTS, 'details-validation.png'), fullPage: true });
    await w.page.locator('vscode-button.fix').click();
    await until(() => w.requests('applyFix').length === 1, 'fix posted');
    assert.deepEqual(w.requests('applyFix')[0], { fixId: 'allowlist-extensions', args: { extensions: 'postgis,pg_trgm' } });
    await until(async () => /azure\.extensions/.test(await w.page.locator('#action-msg').innerText()), 'fix result shown');
    await w.page.locator('#copy-json').click();
    await until(() => w.requests('copyJson').length === 1, 'copy posted');
    await w.page.locator('#restart').click();
    await until(() => w.requests('restartInWizard').length === 1, 'restart posted');
  });

  it('a failed direct migration offers Retry and shows its error; no cancel', async () => {
    const ref = { provider: 'direct', targetId: 'direct:tgt.example:5432@admin', name: 'orders-move' };
    const failed = JSON.parse(JSON.stringify(OFFLINE));
    failed.currentStatus.state = 'Failed';
    failed.currentStatus.error = 'Copying public.orders failed on the target server tgt.example:5432: disk full. Free space, then retry.';
    w = await openWebview({ bundle: 'detailsMain', handlers: detailsHost(ref, snapshot(failed)) });
    await until(() => w.page.locator('#migration-error').isVisible(), 'error shown');
    assert.match(await w.page.locator('#migration-error').innerText(), /disk full/);
    assert.equal(await w.page.locator('#cancel').count(), 0);
    await w.page.locator('#retry').click();
    await until(() => w.requests('retry').length === 1, 'retry posted');
    await until(async () => /Retrying/.test(await w.page.locator('#action-msg').innerText()), 'retry result shown');
  });

  it('keeps the keyboard focus on the Cutover button while status updates redraw the page', async () => {
    const ref = { provider: 'direct', targetId: 'tgt.example:5432', name: 'move' };
    w = await openWebview({ bundle: 'detailsMain', handlers: detailsHost(ref, snapshot(ONLINE_WAITING)) });
    await until(() => w.page.locator('#cutover').isVisible(), 'the Cutover button');
    await w.page.locator('#cutover').focus();
    const later = JSON.parse(JSON.stringify(ONLINE_WAITING));
    later.currentStatus.currentSubStateDetails.dbDetails.billing.latency = 3;
    await w.send({ type: 'event', name: 'snapshot', payload: snapshot(later) });
    await until(async () => /3 s/.test(await w.page.locator('#db-table tr[data-db="billing"]').innerText()), 'the new latency shown');
    assert.equal(await w.page.evaluate('document.activeElement.id'), 'cutover', 'focus kept on Cutover');
  });

  it('shows the host error when the migration cannot be loaded, and rejects a malformed snapshot', async () => {
    const ref = { provider: 'direct', targetId: 'direct:gone:5432@x', name: 'lost' };
    w = await openWebview({
      bundle: 'detailsMain',
      handlers: { ...detailsHost(ref, undefined), ready: () => ({ ref, refresh: {}, error: 'The target server of "lost" is no longer in the Migrations view.' }) },
    });
    await until(() => w.page.locator('#load-error').isVisible(), 'error shown');
    assert.match(await w.page.locator('#load-error').innerText(), /no longer in the Migrations view/);
    await w.send({ type: 'event', name: 'snapshot', payload: { migration: { name: 42 }, fetchedAt: 1, latency: {} } });
    // Messages arrive in order: once this one shows, the malformed one has been handled.
    await w.send({ type: 'event', name: 'refresh', payload: { note: 'marker note' } });
    await until(async () => /marker note/.test(await w.page.locator('#refresh-status').innerText()), 'later event applied');
    assert.equal(await w.page.locator('#db-table').count(), 0, 'malformed snapshot ignored');
    assert.equal(await w.page.locator('#load-error').count(), 1);
  });
  it('says why an online database lags: what stops it first, then what slows it, with the command to run', async () => {
    const ref = { provider: 'direct', targetId: 'direct:tgt.example:5432@admin', name: 'flexmove' };
    const m = structuredClone(ONLINE_WAITING) as unknown as { currentStatus: { currentSubStateDetails: { dbDetails: Record<string, Record<string, unknown>> } } };
    m.currentStatus.currentSubStateDetails.dbDetails.billing.latencyCauses = [
      { kind: 'full-identity-scan', severity: 'warning', side: 'target', table: 'public.events', summary: 'public.events has REPLICA IDENTITY FULL and no index the target can use for it.', action: 'Add a primary key to public.events.' },
      { kind: 'target-lock', severity: 'error', side: 'target', pid: 4242, ageSeconds: 95, table: 'public.orders', query: 'LOCK TABLE orders <script>', summary: 'A session on the target (pid 4242) holds a lock on public.orders that the apply worker waits for.', action: 'End that session.', command: 'SELECT pg_terminate_backend(4242)' },
    ];
    w = await openWebview({ bundle: 'detailsMain', handlers: detailsHost(ref, snapshot(m, { billing: samples([300, 200, 150]) })) });
    await until(() => w.page.locator('#causes-billing').isVisible(), 'latency causes');
    assert.equal(await w.page.locator('#causes-orders').count(), 0, 'no causes section for a database without causes');
    const items = w.page.locator('#causes-billing li');
    assert.equal(await items.count(), 2);
    assert.match(await items.nth(0).innerText(), /^Stopped \(target\): A session on the target \(pid 4242\) holds a lock on public\.orders/);
    assert.match(await items.nth(0).innerText(), /Query: LOCK TABLE orders <script>/, 'query shown as text');
    assert.equal(await items.nth(0).locator('code.cause-command').innerText(), 'SELECT pg_terminate_backend(4242);');
    assert.match(await items.nth(1).innerText(), /^Slowed \(target\): public\.events has REPLICA IDENTITY FULL/);
    await w.page.screenshot({ path: path.join(SCREENSHOTS, 'details-latency-causes.png'), fullPage: true });
  });
  it('cutover readiness: how long each database has been at zero, an open transaction on the source, what the cutover copies again', async () => {
    const ref = { provider: 'direct', targetId: 'direct:tgt.example:5432@admin', name: 'flexmove' };
    const m = structuredClone(ONLINE_WAITING) as unknown as { currentStatus: { currentSubStateDetails: { dbDetails: Record<string, Record<string, unknown>> } } };
    const dbs = m.currentStatus.currentSubStateDetails.dbDetails;
    dbs.orders.caughtUpSince = new Date(Date.now() - 125_000).toISOString();
    dbs.orders.cutoverCopies = { unloggedTables: 2, unloggedBytes: 12 * 1024 * 1024, largeObjects: 340, largeObjectBytes: 5 * 1024 * 1024 };
    dbs.billing.cutoverCopies = { unloggedTables: 0, unloggedBytes: 0, largeObjects: 0, largeObjectBytes: 0 };
    dbs.billing.latencyCauses = [{ kind: 'long-transaction', severity: 'warning', side: 'source', pid: 77, ageSeconds: 600, summary: 'A transaction has been open on the source for 600 s (pid 77).', action: 'End it.', command: 'SELECT pg_terminate_backend(77)' }];
    w = await openWebview({ bundle: 'detailsMain', handlers: detailsHost(ref, snapshot(m)) });
    await until(() => w.page.locator('#cutover').isVisible(), 'cutover button');
    await w.page.locator('#cutover').click();
    await until(() => w.page.locator('#cutover-readiness').isVisible(), 'readiness list');
    const items = await w.page.locator('#cutover-readiness li').allInnerTexts();
    assert.equal(items.length, 5, items.join('\n'));
    assert.match(items[0], /^✓ orders: latency at zero for 2m/);
    assert.match(items[1], /^✓ orders: the cutover will copy 2 unlogged tables \(12 MB\) and 340 large objects \(5\.0 MB\) again/);
    assert.match(items[2], /^! billing: not caught up \(latency 2\.5 min\)/);
    assert.match(items[3], /^! billing: A transaction has been open on the source for 600 s \(pid 77\)\. Changes it commits after the cutover are lost.*pg_terminate_backend\(77\)/);
    assert.match(items[4], /^✓ billing: nothing to copy again at cutover/);
    await w.page.screenshot({ path: path.join(SCREENSHOTS, 'details-cutover-readiness.png') });
  });
  it('the latency chart: the last 15 minutes on a time axis, the warning and error thresholds, changes applied per second', async () => {
    const ref = { provider: 'direct', targetId: 'direct:tgt.example:5432@admin', name: 'flexmove' };
    const snap = snapshot(ONLINE_WAITING) as ReturnType<typeof snapshot> & { thresholds?: unknown };
    const now = snap.fetchedAt;
    // billing: 90 s behind, falling, while applying 200 changes a second.
    snap.latency = { billing: [0, 1, 2, 3, 4, 5].map((i) => ({ at: now - (5 - i) * 60_000, seconds: 120 - i * 6, applied: i * 12_000 })) };
    snap.thresholds = { warningSeconds: 30, errorSeconds: 100 };
    w = await openWebview({ bundle: 'detailsMain', handlers: detailsHost(ref, snap) });
    await until(() => w.page.locator('#chart-billing').isVisible(), 'latency chart');
    const caption = await w.page.locator('#chart-billing .chart-caption').innerText();
    assert.match(caption, /billing: latency 1\.5 min · 200 changes applied per second · warning at 30 s, error at 1\.7 min/);
    const ticks = await w.page.locator('#chart-billing svg text.tick').allTextContents();
    for (const t of ['-15 min', '-10 min', '-5 min', 'now', 'warning 30 s', 'error 1.7 min', '0/s']) assert.ok(ticks.includes(t), `${t} in ${ticks.join(', ')}`);
    assert.equal(await w.page.locator('#chart-billing line.threshold').count(), 2);
    assert.equal(await w.page.locator('#chart-billing polyline.latency').count(), 1);
    assert.equal(await w.page.locator('#chart-billing polyline.rate').count(), 1);
    assert.equal(await w.page.locator('#chart-orders').count(), 0, 'no chart without samples');
    await w.page.screenshot({ path: path.join(SCREENSHOTS, 'details-latency-chart.png'), fullPage: true });
  });
});
