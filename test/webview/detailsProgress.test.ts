import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { openWebview, SCREENSHOTS, until, type Handler, type WebviewPage } from './browser';
import { COPYING, ONLINE_WAITING, snapshot, VALIDATION_MIXED } from './detailsFixtures';

function host(ref: { provider: string; targetId: string; name: string }, snap: unknown): Record<string, Handler> {
  return { ready: () => ({ ref, snapshot: snap, refresh: { nextInSeconds: 30 } }), refresh: () => snap };
}

const direct = (name: string) => ({ provider: 'direct', targetId: 'direct:tgt.example:5432@admin', name });

describe('webview: details progress and what needs the user first', () => {
  let w: WebviewPage;
  before(() => mkdirSync(SCREENSHOTS, { recursive: true }));
  afterEach(async () => {
    assert.deepEqual(w.cspViolations, [], 'no CSP violations');
    assert.deepEqual(w.pageErrors, [], 'no page errors');
    await w.close();
  });

  it('shows a bar for the migration and one per database, with bytes, rate and time left', async () => {
    w = await openWebview({ bundle: 'detailsMain', handlers: host(direct('big-move'), snapshot(COPYING)) });
    await until(() => w.page.locator('#progress').isVisible(), 'progress section');
    const all = w.page.locator('#progress-migration');
    assert.equal(await all.locator('progress').getAttribute('value'), '25');
    assert.equal(await all.locator('progress').getAttribute('max'), '100');
    assert.equal(await all.locator('.progress-bytes').innerText(), '75 GB of 300 GB (25%)');
    assert.equal(await all.locator('.progress-rate').innerText(), '200 MB/s · about 19m 12s left');
    assert.equal(await all.locator('.progress-post').innerText(), 'indexes and constraints 20/60 built');
    const sales = w.page.locator('#progress-sales');
    assert.equal(await sales.locator('.progress-bytes').innerText(), '50 GB of 200 GB (25%)');
    assert.equal(await sales.locator('.progress-rate').innerText(), '150 MB/s · about 17m 4s left');
    assert.equal(await sales.locator('progress').getAttribute('aria-label'), 'sales: 25% of the bytes copied');
    // No rate known yet: no time left is made up.
    const archive = w.page.locator('#progress-archive');
    assert.equal(await archive.locator('.progress-rate').innerText(), 'measuring the rate…');
    assert.doesNotMatch(await archive.innerText(), /left/);
    assert.equal(await archive.locator('.progress-post').count(), 0, 'no post-data before its dump is read');
    // The progress leads: it comes before the databases table.
    const order = await w.page.evaluate(() => [...document.querySelectorAll('section')].map((s) => s.id));
    assert.ok(order.indexOf('progress') < order.indexOf('databases'), `progress above the databases: ${order.join(', ')}`);
    await w.page.screenshot({ path: path.join(SCREENSHOTS, 'details-progress.png'), fullPage: true });
    // Once copied, the rate and time left go; the post-data count stays.
    const later = structuredClone(COPYING);
    const s = later.currentStatus.currentSubStateDetails.dbDetails.sales.progress;
    s.bytesCopied = s.bytesTotal;
    delete s.bytesPerSecond;
    delete s.etaSeconds;
    s.postDataBuilt = 39;
    await w.send({ type: 'event', name: 'snapshot', payload: snapshot(later) });
    await until(async () => /39\/40/.test(await w.page.locator('#progress-sales').innerText()), 'post-data count updated');
    assert.equal(await w.page.locator('#progress-sales progress').getAttribute('value'), '100');
    assert.equal(await w.page.locator('#progress-sales .progress-rate').count(), 0);
  });

  it('shows the Azure service’s table counts and no bytes', async () => {
    const ref = { provider: 'azure', targetId: '/subscriptions/s/resourceGroups/rg/providers/Microsoft.DBforPostgreSQL/flexibleServers/flex1', name: 'flexmove' };
    const m = structuredClone(ONLINE_WAITING);
    m.currentStatus.currentSubStateDetails.dbDetails.billing.fullLoadCompletedTables = 1;
    m.currentStatus.currentSubStateDetails.dbDetails.billing.fullLoadQueuedTables = 3;
    w = await openWebview({ bundle: 'detailsMain', handlers: host(ref, snapshot(m)) });
    await until(() => w.page.locator('#progress').isVisible(), 'progress section');
    assert.equal(await w.page.locator('#progress-billing .progress-bytes').innerText(), 'tables 1/4 copied');
    assert.equal(await w.page.locator('#progress-billing progress').getAttribute('value'), '1');
    assert.equal(await w.page.locator('#progress-billing progress').getAttribute('max'), '4');
    assert.equal(await w.page.locator('#progress-migration .progress-bytes').innerText(), 'tables 13/16 copied');
    assert.doesNotMatch(await w.page.locator('#progress').innerText(), /B of|MB\/s|left/, 'no bytes, rate or time invented');
  });

  it('leads with the error and the failed and warning rules; the succeeded ones fold into one line that opens', async () => {
    w = await openWebview({ bundle: 'detailsMain', handlers: host(direct('checks'), snapshot(VALIDATION_MIXED)) });
    await until(() => w.page.locator('#validation').isVisible(), 'validation section');
    const order = await w.page.evaluate(() => [...document.querySelectorAll('section')].map((s) => s.id));
    assert.deepEqual(order.slice(0, 2), ['errors', 'validation'], `errors, then the rules that need the user: ${order.join(', ')}`);
    assert.ok(order.indexOf('validation') < order.indexOf('databases'));
    assert.match(await w.page.locator('#errors').innerText(), /No space left on device/);
    assert.equal(await w.page.locator('#databases .db-message').count(), 0, 'the error is not repeated below the table');
    const rules = w.page.locator('#validation > details.rule');
    assert.equal(await rules.count(), 3, 'failed, warning, and one folded line');
    assert.match(await rules.nth(0).locator('summary').innerText(), /Failed\s+ExtensionsValidation/);
    assert.equal(await rules.nth(0).getAttribute('open'), '', 'failed rule open');
    assert.match(await rules.nth(0).innerText(), /What to do: Drop timescaledb/);
    assert.match(await rules.nth(1).locator('summary').innerText(), /Warning\s+VersionValidation/);
    const folded = w.page.locator('#rules-succeeded');
    assert.match(await folded.locator('> summary').innerText(), /3 rules passed/);
    assert.equal(await folded.getAttribute('open'), null, 'succeeded rules folded');
    assert.equal(await folded.locator('details.rule').first().isVisible(), false);
    await folded.locator('> summary').click();
    await until(async () => (await folded.getAttribute('open')) !== null, 'folded line opened');
    assert.equal(await folded.locator('details.rule').count(), 3);
    assert.match(await folded.innerText(), /AuthenticationAndConnectivityValidation[\s\S]*DiskSpaceValidation[\s\S]*CollationsValidation/);
    // Opened stays open across a refresh.
    await w.send({ type: 'event', name: 'snapshot', payload: snapshot(VALIDATION_MIXED) });
    await w.send({ type: 'event', name: 'refresh', payload: { note: 'marker note' } });
    await until(async () => /marker note/.test(await w.page.locator('#refresh-status').innerText()), 'later event applied');
    assert.equal(await w.page.locator('#rules-succeeded').getAttribute('open'), '');
    await w.page.screenshot({ path: path.join(SCREENSHOTS, 'details-rules-folded.png'), fullPage: true });
  });
});
