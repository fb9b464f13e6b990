import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { openWebview, SCREENSHOTS, until, type WebviewPage } from './browser';
import { SOURCE_CONN, TARGET_CONN, wizardHost } from './wizardFixtures';

async function typeInto(w: WebviewPage, id: string, value: string): Promise<void> {
  await w.page.locator(`#${id} input`).fill(value);
}
async function stepOf(w: WebviewPage): Promise<string | null> {
  return w.page.locator('#step').getAttribute('data-step');
}
async function atStep(w: WebviewPage, step: string): Promise<void> {
  await until(async () => (await stepOf(w)) === step, `the ${step} tab`);
}
async function pick(w: WebviewPage, id: string, value: string): Promise<void> {
  await w.page.locator(`#${id}`).click();
  await w.page.locator(`#${id} vscode-option[value="${value}"]`).click();
}
async function nextEnabled(w: WebviewPage): Promise<boolean> {
  return (await w.page.locator('#next').getAttribute('disabled')) === null;
}
async function clickNext(w: WebviewPage): Promise<void> {
  await until(() => nextEnabled(w), 'Next to be enabled');
  await w.page.locator('#next').click();
}

/** Setup (name m1) → Source. */
async function toSource(w: WebviewPage): Promise<void> {
  await until(() => w.page.locator('#name').isVisible(), 'the Setup tab');
  await typeInto(w, 'name', 'm1');
  await clickNext(w);
  await atStep(w, 'source');
}

/** On Source: a new connection as user admin, then Connect. */
async function connectNewSource(w: WebviewPage, host: string, password: string): Promise<void> {
  await typeInto(w, 'source-host', host);
  await typeInto(w, 'source-user', 'admin');
  await typeInto(w, 'source-password', password);
  await w.page.locator('#connect-source').click();
}

/** Setup → Source (saved) → Target (saved) → Databases. */
async function toDatabases(w: WebviewPage): Promise<void> {
  await until(() => w.page.locator('#name').isVisible(), 'the Setup tab');
  await typeInto(w, 'name', 'orders-move');
  await clickNext(w);
  await atStep(w, 'source');
  await w.page.locator('#source-how vscode-radio[value="saved"]').click();
  await pick(w, 'source-saved', SOURCE_CONN.id);
  await until(async () => /Connected/.test(await w.page.locator('#source-result').innerText()), 'source connected');
  await clickNext(w);
  await atStep(w, 'target');
  await w.page.locator('#target-how vscode-radio[value="saved"]').click();
  await pick(w, 'target-saved', TARGET_CONN.id);
  await until(async () => /Connected/.test(await w.page.locator('#target-result').innerText()), 'target connected');
  await clickNext(w);
  await atStep(w, 'databases');
  await until(() => w.page.locator('#db-table tbody tr').count(), 'database rows');
}

async function checkDb(w: WebviewPage, name: string): Promise<void> {
  // By accessible name, as a screen reader (and the e2e suite) finds it.
  await w.page.getByRole('checkbox', { name: `Migrate ${name}`, exact: true }).click();
}

describe('webview: wizard', () => {
  let w: WebviewPage;
  afterEach(async () => {
    assert.deepEqual(w.cspViolations, [], 'no CSP violations');
    assert.deepEqual(w.pageErrors, [], 'no page errors');
    await w.close();
  });

  it('Setup: handshakes with ready and validates the migration name as typed, availability debounced', async () => {
    w = await openWebview({ bundle: 'wizardMain', handlers: wizardHost() });
    await until(() => w.page.locator('#name').isVisible(), 'the Setup tab');
    assert.equal(w.posted[0].method, 'ready', 'first message is the ready request');
    assert.equal(await stepOf(w), 'setup');
    assert.equal(await nextEnabled(w), false, 'Next disabled without a name');
    assert.equal(await w.page.locator('#tab-source').getAttribute('aria-disabled'), 'true', 'later tabs locked');
    await typeInto(w, 'name', '-bad');
    await until(async () => /starts with a hyphen/.test(await w.page.locator('#name-status').innerText()), 'hyphen error');
    await typeInto(w, 'name', 'bad_name');
    await until(async () => /only letters, digits and hyphens/.test(await w.page.locator('#name-status').innerText()), 'charset error');
    assert.equal(await nextEnabled(w), false);
    await w.page.locator('#name input').fill('');
    await w.page.locator('#name input').pressSequentially('orders-move');
    await until(() => nextEnabled(w), 'Next enabled for a valid name');
    await until(() => w.requests('checkName').some((p) => p.name === 'orders-move'), 'debounced availability check');
    assert.ok(w.requests('checkName').length <= 3, `availability checked per pause, not per keystroke (${w.requests('checkName').length} checks)`);
    // Online shows the logical-replication note with the restart warning.
    await w.page.locator('#mode vscode-radio[value="Online"]').click();
    await until(async () => /restart/.test(await w.page.locator('#mode-note').innerText()), 'online note');
    await w.page.locator('#option vscode-radio[value="Migrate"]').click();
    await until(async () => /advise validating/.test(await w.page.locator('#option-note').innerText()), 'validate advice');
    mkdirSync(SCREENSHOTS, { recursive: true });
    await w.page.screenshot({ path: path.join(SCREENSHOTS, 'wizard-setup.png') });
    const state = (await w.state()) as { draft: { name: string; mode: string; option: string } };
    assert.equal(state.draft.name, 'orders-move');
    assert.equal(state.draft.mode, 'Online');
    assert.equal(state.draft.option, 'Migrate');
  });

  it('Source: a new connection is checked field by field, the connect error shows inline, the password never reaches state', async () => {
    w = await openWebview({ bundle: 'wizardMain', handlers: wizardHost() });
    await toSource(w);
    assert.match(await w.page.locator('#problems').innerText(), /Enter the source server's host name/);
    await connectNewSource(w, 'bad.example', 's3cret-pw');
    await until(async () => /Nothing is listening/.test(await w.page.locator('#source-result').innerText()), 'inline connect error');
    assert.equal(await nextEnabled(w), false, 'cannot continue after a failed connect');
    const sent = w.requests('testConnection').at(-1)!;
    assert.equal(sent.password, 's3cret-pw', 'password sent to the host once, with the test');
    assert.equal((sent.server as { host: string }).host, 'bad.example');
    await typeInto(w, 'source-host', 'good.example');
    assert.doesNotMatch(await w.page.locator('#source-result').innerText(), /Nothing is listening/, 'stale result cleared when the host changes');
    await w.page.locator('#connect-source').click();
    await until(async () => /Connected: PostgreSQL 16.4/.test(await w.page.locator('#source-result').innerText()), 'connected');
    await until(() => nextEnabled(w), 'Next enabled');
    const state = JSON.stringify(await w.state());
    assert.doesNotMatch(state, /s3cret-pw/, 'no password in webview state');
    // Keyboard: arrow keys move between tabs, Enter opens one.
    await w.page.locator('#tab-source').focus();
    await w.page.keyboard.press('ArrowLeft');
    // The tab list may re-render as the connect result lands: wait for the focus to settle.
    await until(async () => (await w.page.evaluate('document.activeElement.id')) === 'tab-setup', 'focus on the Setup tab');
    await w.page.keyboard.press('Enter');
    await atStep(w, 'setup');
  });

  it('keyboard focus on a tab stays there when an answer from the host redraws the tabs', async () => {
    let answer!: () => void;
    const held = new Promise<void>((resolve) => (answer = resolve));
    w = await openWebview({
      bundle: 'wizardMain',
      handlers: wizardHost({ testConnection: async () => (await held, { ok: true, message: 'Connected: PostgreSQL 16.4', version: '16.4' }) }),
    });
    await toSource(w);
    await connectNewSource(w, 'good.example', 'pw');
    await until(() => w.requests('testConnection').length === 1, 'the test sent');
    await w.page.locator('#tab-setup').focus();
    answer();
    await until(async () => /Connected: PostgreSQL 16.4/.test(await w.page.locator('#source-result').innerText()), 'connected');
    assert.equal(await w.page.evaluate('document.activeElement.id'), 'tab-setup', 'focus kept on the tab the user was on');
    await w.page.keyboard.press('ArrowRight');
    assert.equal(await w.page.evaluate('document.activeElement.id'), 'tab-source');
  });

  it('Source: a password typed for a failed test is not re-sent after the field is emptied or a saved connection is picked', async () => {
    w = await openWebview({ bundle: 'wizardMain', handlers: wizardHost() });
    await toSource(w);
    await connectNewSource(w, 'bad.example', 'wrong-pw');
    await until(() => w.requests('testConnection').length === 1, 'first test');
    assert.equal(w.requests('testConnection')[0].password, 'wrong-pw');
    await until(async () => /Nothing is listening/.test(await w.page.locator('#source-result').innerText()), 'inline connect error');
    await typeInto(w, 'source-password', '');
    await w.page.locator('#connect-source').click();
    await until(() => w.requests('testConnection').length === 2, 'second test');
    assert.equal(w.requests('testConnection')[1].password, '', 'an emptied field tells the host to forget the kept password');
    await typeInto(w, 'source-password', 'wrong-pw');
    await w.page.locator('#source-how vscode-radio[value="saved"]').click();
    await pick(w, 'source-saved', SOURCE_CONN.id);
    await until(async () => /Connected/.test(await w.page.locator('#source-result').innerText()), 'saved source connected');
    const sent = w.requests('testConnection').at(-1)!;
    assert.equal((sent.server as { connectionId?: string }).connectionId, SOURCE_CONN.id);
    assert.notEqual(sent.password, 'wrong-pw', 'the saved connection is tested with its stored password, not the one typed before');
    assert.equal(await w.page.locator('#source-password').evaluate((e) => (e as HTMLInputElement).value), '', 'the field is emptied');
  });

  it('Databases: user databases with sizes, at most 8, overwrite notice needs confirming; Summary starts the migration', async () => {
    w = await openWebview({ bundle: 'wizardMain', handlers: wizardHost() });
    await toDatabases(w);
    const names = await w.page.locator('#db-table tbody tr td:nth-child(2)').allInnerTexts();
    assert.ok(!names.includes('postgres'), 'system database not offered');
    assert.ok(names.includes('orders'));
    assert.match(await w.page.locator('#db-table').innerText(), /700 MB/, 'size shown');
    assert.equal(await nextEnabled(w), false, 'nothing selected yet');
    for (const n of ['app1', 'app2', 'app3', 'app4', 'app5', 'app6', 'app7', 'app8']) await checkDb(w, n);
    await until(async () => (await w.page.locator('#db-count').innerText()) === '8 of 8 selected', '8 selected');
    await checkDb(w, 'orders');
    await until(() => w.page.locator('#db-limit').isVisible(), 'limit message');
    assert.match(await w.page.locator('#db-limit').innerText(), /at most 8/);
    assert.equal(await w.page.locator('#db-count').innerText(), '8 of 8 selected');
    await checkDb(w, 'app8');
    await checkDb(w, 'billing');
    await until(() => w.page.locator('#overwrite-notice').isVisible(), 'overwrite notice');
    assert.match(await w.page.locator('#overwrite-notice').innerText(), /billing already exists on the target/);
    assert.equal(await nextEnabled(w), false, 'overwrite must be confirmed');
    await w.page.locator('#overwrite').click();
    assert.equal(await w.page.locator('#migrate-roles-note').count(), 0);
    await w.page.locator('#migrate-roles').click();
    await until(() => w.page.locator('#migrate-roles-note').isVisible(), 'roles note');
    await clickNext(w);
    await atStep(w, 'summary');
    const summary = await w.page.locator('#summary').innerText();
    assert.match(summary, /Migrate roles, owners and grants\s+Yes/);
    assert.match(summary, /orders-move/);
    assert.match(summary, /src\.example:5432 as admin/);
    assert.match(summary, /billing/);
    await w.page.screenshot({ path: path.join(SCREENSHOTS, 'wizard-summary.png') });
    await w.page.locator('#save').click();
    await until(() => w.requests('saveDraft').length === 1, 'saveDraft posted');
    await w.page.locator('#start').click();
    await until(() => w.requests('start').length === 1, 'start posted');
    const draft = w.requests('start')[0].draft as { name: string; databases: string[]; overwrite: boolean; migrateRoles?: boolean; source: { connectionId: string } };
    assert.equal(draft.name, 'orders-move');
    assert.deepEqual([...draft.databases].sort(), ['app1', 'app2', 'app3', 'app4', 'app5', 'app6', 'app7', 'billing']);
    assert.equal(draft.overwrite, true);
    assert.equal(draft.migrateRoles, true);
    assert.equal(draft.source.connectionId, SOURCE_CONN.id);
    assert.doesNotMatch(JSON.stringify(w.requests('saveDraft')), /password/i, 'saved draft carries no password');
  });

  it('restores its draft from state: resumes at the first step that needs the host again, fields kept', async () => {
    const draft = {
      id: 'd1', step: 'databases', provider: 'direct', name: 'restored-one', sourceType: 'AWS_RDS', option: 'Validate', mode: 'Online',
      source: { how: 'new', host: 'db.example', port: 5433, user: 'admin', database: 'postgres', sslMode: 'require' },
      target: { how: 'new', host: 't.example', port: 5432, user: 'admin', database: 'postgres', sslMode: 'require' },
      databases: ['orders'], overwrite: false,
    };
    w = await openWebview({ bundle: 'wizardMain', handlers: wizardHost(), state: { draft } });
    await atStep(w, 'source');
    assert.equal(await w.page.locator('#source-host').getAttribute('value'), 'db.example');
    assert.equal(await w.page.locator('#tab-setup .tab-num').innerText(), '✓', 'Setup shown as done');
    // A malformed host message is dropped; the page keeps working.
    await w.send({ type: 'response', id: 'x' });
    await w.send({ type: 'event', name: 'connections', payload: [{ id: 1 }] });
    await w.page.locator('#connect-source').click();
    await until(async () => /Connected/.test(await w.page.locator('#source-result').innerText()), 'connected after bad messages');
  });
});
