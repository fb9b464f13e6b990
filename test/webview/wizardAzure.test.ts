import assert from 'node:assert/strict';
import path from 'node:path';
import { mkdirSync } from 'node:fs';
import { openWebview, SCREENSHOTS, until, type WebviewPage } from './browser';
import { wizardHost } from './wizardFixtures';

const SUB = { id: 'sub-1', name: 'Contoso production' };
const SINGLE = { id: '/subscriptions/sub-1/resourceGroups/rg-db/providers/Microsoft.DBforPostgreSQL/servers/single1', name: 'single1', resourceGroup: 'rg-db', fqdn: 'single1.postgres.database.azure.com', kind: 'azure-single', location: 'westeurope', version: '11', sku: 'GP_Gen5_4', adminLogin: 'pgadmin@single1' };
const FLEX = { id: '/subscriptions/sub-1/resourceGroups/rg-db/providers/Microsoft.DBforPostgreSQL/flexibleServers/flex1', name: 'flex1', resourceGroup: 'rg-db', fqdn: 'flex1.postgres.database.azure.com', kind: 'azure-flexible', location: 'westeurope', version: '16', sku: 'Standard_D4ds_v5', adminLogin: 'flexadmin' };

async function pick(w: WebviewPage, id: string, value: string): Promise<void> {
  await until(() => w.page.locator(`#${id} vscode-option[value="${value}"]`).count(), `option ${value} in #${id}`);
  await w.page.locator(`#${id}`).click();
  await w.page.locator(`#${id} vscode-option[value="${value}"]`).click();
}
async function nextWhenEnabled(w: WebviewPage): Promise<void> {
  await until(async () => (await w.page.locator('#next').getAttribute('disabled')) === null, 'Next enabled');
  await w.page.locator('#next').click();
}

describe('webview: wizard (Azure, drafts, prefill, themes)', () => {
  let w: WebviewPage;
  afterEach(async () => {
    assert.deepEqual(w.cspViolations, [], 'no CSP violations');
    assert.deepEqual(w.pageErrors, [], 'no page errors');
    await w.close();
  });

  it('Azure: lowercase name rule, subscription → resource group → server pickers fill the server details and admin login', async () => {
    w = await openWebview({
      bundle: 'wizardMain',
      handlers: wizardHost({
        ready: () => ({ connections: [], drafts: [], azure: { available: true, signedIn: true }, sourceTypes: ['PostgreSQLSingleServer', 'OnPremises'] }),
        listSubscriptions: () => [SUB],
        listResourceGroups: () => ['rg-db', 'rg-web'],
        listServers: (p) => (p.kind === 'azure-single' ? [SINGLE] : [FLEX]),
      }),
    });
    await until(() => w.page.locator('#name').isVisible(), 'Setup');
    await w.page.locator('#provider vscode-radio[value="azure"]').click();
    await w.page.locator('#name input').fill('flex-move');
    await until(async () => /lowercase letter/.test(await w.page.locator('#name-status').innerText()), 'ARM name rule');
    await w.page.locator('#name input').fill('flexmove');
    await nextWhenEnabled(w);
    await pick(w, 'source-sub', SUB.id);
    await pick(w, 'source-rg', 'rg-db');
    await pick(w, 'source-server', SINGLE.id);
    await until(async () => /westeurope/.test(await w.page.locator('#step').innerText()), 'server details');
    assert.equal(await w.page.locator('#source-user').getAttribute('value'), 'pgadmin@single1', 'admin login filled');
    assert.equal(w.requests('listServers')[0].kind, 'azure-single', 'Single Server sources listed as such');
    await w.page.locator('#connect-source').click();
    await until(async () => /Connected/.test(await w.page.locator('#source-result').innerText()), 'source connected');
    const tested = w.requests('testConnection')[0] as { server: { host: string; azure: { serverId: string } }; password?: string };
    assert.equal(tested.server.host, SINGLE.fqdn);
    assert.equal(tested.server.azure.serverId, SINGLE.id);
    assert.equal(tested.password, undefined, 'empty password: the host may use Entra');
    await nextWhenEnabled(w);
    await pick(w, 'target-sub', SUB.id);
    await pick(w, 'target-rg', 'rg-db');
    await pick(w, 'target-server', FLEX.id);
    assert.equal(w.requests('listServers').at(-1)!.kind, 'azure-flexible', 'targets are Flexible Servers');
    await until(async () => (await w.page.locator('#target-user').getAttribute('value')) === 'flexadmin', 'target admin filled');
    mkdirSync(SCREENSHOTS, { recursive: true });
    await w.page.screenshot({ path: path.join(SCREENSHOTS, 'wizard-azure-target.png') });
  });

  it('"Save for later" drafts are offered on Setup and resume with their fields', async () => {
    const saved = {
      id: 'draft-7', step: 'target', provider: 'direct', name: 'later-one', sourceType: 'AWS_RDS', option: 'Validate', mode: 'Offline',
      source: { how: 'new', host: 'rds.example', port: 5432, user: 'master', database: 'postgres', sslMode: 'require' },
      target: { how: 'new', host: '', port: 5432, user: '', database: 'postgres', sslMode: 'prefer' },
      databases: [], overwrite: false, savedAt: '2026-11-20T16:30:00.000Z',
    };
    w = await openWebview({
      bundle: 'wizardMain',
      handlers: wizardHost({
        ready: () => ({ connections: [], drafts: [{ id: 'draft-7', name: 'later-one', savedAt: saved.savedAt }], azure: { available: false, signedIn: false }, sourceTypes: ['OnPremises', 'AWS_RDS'] }),
        loadDraft: (p) => { assert.equal(p.id, 'draft-7'); return saved; },
      }),
    });
    await until(() => w.page.locator('vscode-button.draft').isVisible(), 'draft offered');
    assert.match(await w.page.locator('vscode-button.draft').innerText(), /later-one.*2026-11-20 16:30 UTC/);
    await w.page.locator('vscode-button.draft').click();
    await until(async () => (await w.page.locator('#step').getAttribute('data-step')) === 'source', 'resumed where a connect is needed');
    assert.equal(await w.page.locator('#source-host').getAttribute('value'), 'rds.example');
    const state = (await w.state()) as { draft: { name: string; sourceType: string; id: string } };
    assert.deepEqual([state.draft.name, state.draft.sourceType, state.draft.id], ['later-one', 'AWS_RDS', 'draft-7']);
  });

  it('"Restart in wizard" prefill fills every field except passwords (light theme)', async () => {
    const prefill = {
      id: 'p1', step: 'setup', provider: 'direct', name: 'orders-move-2', sourceType: 'OnPremises', option: 'ValidateAndMigrate', mode: 'Online',
      source: { how: 'new', host: 'src.example', port: 5432, user: 'admin', database: 'postgres', sslMode: 'require' },
      target: { how: 'new', host: 'tgt.example', port: 5432, user: 'admin', database: 'postgres', sslMode: 'require' },
      databases: ['orders'], overwrite: false,
    };
    w = await openWebview({
      bundle: 'wizardMain', theme: 'light',
      handlers: wizardHost({ ready: () => ({ prefill, connections: [], drafts: [], azure: { available: false, signedIn: false }, sourceTypes: ['OnPremises'] }) }),
      state: { draft: { ...prefill, name: 'older-draft' } },
    });
    await until(async () => (await w.page.locator('#name').getAttribute('value')) === 'orders-move-2', 'prefilled name wins over older state');
    assert.equal(await w.page.locator('#mode vscode-radio[value="Online"]').getAttribute('aria-checked'), 'true');
    await w.page.locator('#next').click();
    await until(async () => (await w.page.locator('#step').getAttribute('data-step')) === 'source', 'source');
    assert.equal(await w.page.locator('#source-host').getAttribute('value'), 'src.example');
    assert.equal(await w.page.locator('#source-password input').inputValue(), '', 'no password prefilled');
    await until(async () => (await w.page.locator('#source-how vscode-radio[value="new"]').getAttribute('aria-checked')) === 'true', 'radio rendered');
    await until(async () => /require/.test(await w.page.locator('#source-ssl .selected-value').innerText()), 'SSL mode shown');
    await w.page.screenshot({ path: path.join(SCREENSHOTS, 'wizard-source-light.png') });
  });

  it('a wizard closed unfinished comes back with its fields and a "Start over"; the host gets each draft without passwords', async () => {
    const prefill = {
      id: 'c1', step: 'setup', provider: 'direct', name: 'half-done', sourceType: 'OnPremises', option: 'ValidateAndMigrate', mode: 'Offline',
      source: { how: 'new', host: 'src.example', port: 5432, user: 'admin', database: 'postgres', sslMode: 'prefer' },
      target: { how: 'new', host: '', port: 5432, user: '', database: 'postgres', sslMode: 'prefer' },
      databases: [], overwrite: false,
    };
    w = await openWebview({
      bundle: 'wizardMain',
      handlers: wizardHost({ ready: () => ({ prefill, reopened: true, connections: [], drafts: [], azure: { available: false, signedIn: false }, sourceTypes: ['OnPremises'] }) }),
    });
    await until(() => w.page.locator('#start-over').isVisible(), 'reopened notice');
    assert.equal(await w.page.locator('#name').getAttribute('value'), 'half-done');
    await w.page.locator('#next').click();
    await until(async () => (await w.page.locator('#step').getAttribute('data-step')) === 'source', 'source');
    await w.page.locator('#source-password input').fill('pw-never-in-drafts');
    await w.page.locator('#source-host input').fill('src2.example');
    await until(() => w.requests('draftChanged').some((p) => (p.draft as { source: { host: string } }).source.host === 'src2.example'), 'draft sent to the host');
    assert.doesNotMatch(JSON.stringify(w.requests('draftChanged')), /pw-never-in-drafts/);
    await w.page.locator('#tab-setup').click();
    await until(async () => (await w.page.locator('#step').getAttribute('data-step')) === 'setup', 'setup');
  });

  it('"Start over" on a reopened wizard clears every field', async () => {
    const prefill = {
      id: 'c2', step: 'setup', provider: 'direct', name: 'half-done', sourceType: 'AWS_RDS', option: 'Validate', mode: 'Online',
      source: { how: 'new', host: 'src.example', port: 5432, user: 'admin', database: 'postgres', sslMode: 'prefer' },
      target: { how: 'new', host: '', port: 5432, user: '', database: 'postgres', sslMode: 'prefer' },
      databases: [], overwrite: false,
    };
    w = await openWebview({
      bundle: 'wizardMain',
      handlers: wizardHost({ ready: () => ({ prefill, reopened: true, connections: [], drafts: [], azure: { available: false, signedIn: false }, sourceTypes: ['OnPremises', 'AWS_RDS'] }) }),
    });
    await until(() => w.page.locator('#start-over').isVisible(), 'reopened notice');
    await w.page.locator('#start-over').click();
    await until(async () => ((await w.state()) as { draft: { name: string } }).draft.name === '', 'name cleared');
    const d = ((await w.state()) as { draft: { id: string; mode: string; source: { host: string } } }).draft;
    assert.notEqual(d.id, 'c2', 'a new draft id');
    assert.equal(d.mode, 'Offline');
    assert.equal(d.source.host, '');
    assert.equal(await w.page.locator('#start-over').count(), 0);
  });

  it('high contrast: borders come from contrastBorder and focus is visible on tabs', async () => {
    w = await openWebview({ bundle: 'wizardMain', theme: 'high-contrast', handlers: wizardHost() });
    await until(() => w.page.locator('#name').isVisible(), 'Setup');
    const border = await w.page.evaluate("getComputedStyle(document.querySelector('#tabs')).borderBottomColor");
    assert.equal(border, 'rgb(111, 195, 223)', 'tab bar border uses --vscode-contrastBorder');
    await w.page.locator('#tab-setup').focus();
    await w.page.keyboard.press('Tab');
    await w.page.keyboard.press('Shift+Tab');
    const outline = await w.page.evaluate("getComputedStyle(document.querySelector('#tab-setup')).outlineColor");
    assert.equal(outline, 'rgb(243, 133, 24)', 'focus ring uses --vscode-focusBorder');
    await w.page.screenshot({ path: path.join(SCREENSHOTS, 'wizard-setup-hc.png') });
  });
});
