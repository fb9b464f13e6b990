// The panel hosts (src/extension/panels) in plain Node over a fake `vscode` and fake services:
// password handling, the start flow, the details actions and auto-refresh, restore.
import assert from 'node:assert/strict';
import Module from 'node:module';
import path from 'node:path';
import type { Migration } from '../../src/core/model';
import type { MigrationProvider, MigrationSpec, Secrets, ServerRef } from '../../src/core/provider';
import type { PanelServices } from '../../src/extension/panels/services';
import type { WizardDraft } from '../../src/contract/protocol';
import { newDraft } from '../../src/contract/draft';

// Route `import 'vscode'` to the fake before the panels load.
const fakePath = path.join(__dirname, 'fakeVscode.ts');
const M = Module as unknown as { _resolveFilename: (req: string, ...rest: unknown[]) => string };
const original = M._resolveFilename;
M._resolveFilename = (req, ...rest) => (req === 'vscode' ? fakePath : original(req, ...rest));
const fake = require('./fakeVscode') as typeof import('./fakeVscode');
const panels = require('../../src/extension/panels') as typeof import('../../src/extension/panels');
M._resolveFilename = original;

const SECRET = 'Sup3r-secret!';
const SAVED_PW = 'stored-pw';
const WRONG_PW = 'wrong-pw';

function onlineMigration(state: string, latency: number): Migration {
  return {
    name: 'm1', provider: 'direct', migrationMode: 'Online', dbsToMigrate: ['orders'],
    currentStatus: {
      state,
      currentSubStateDetails: {
        currentSubState: state === 'Succeeded' ? 'Completed' : 'WaitingForCutoverTrigger',
        dbDetails: { orders: { databaseName: 'orders', migrationState: state === 'Succeeded' ? 'Succeeded' : 'WaitingForCutoverTrigger', latency } },
        validationDetails: { serverLevelValidationDetails: [{ type: 'ServerParametersValidation', state: 'Failed', fix: { id: 'fix-1', title: 'Fix it' } }] },
      },
    },
  };
}

function world() {
  const logs: string[] = [];
  const calls: { method: string; args: unknown[] }[] = [];
  let current = onlineMigration('WaitingForUserAction', 12);
  const provider: MigrationProvider = {
    kind: 'direct',
    checkName: async (_t, name) => ({ ok: name !== 'taken', reason: name === 'taken' ? 'taken' : undefined }),
    create: async (spec: MigrationSpec, secrets: Secrets) => { calls.push({ method: 'create', args: [spec, secrets] }); return { name: spec.name, provider: 'direct' }; },
    get: async () => { calls.push({ method: 'get', args: [] }); return current; },
    list: async () => [],
    cutover: async (_t, name, dbs) => { calls.push({ method: 'cutover', args: [name, dbs] }); },
    cancel: async (_t, name) => { calls.push({ method: 'cancel', args: [name] }); },
  };
  const target: ServerRef = { id: 'direct:tgt.example:5432@admin', label: 'tgt', host: 'tgt.example', port: 5432, user: 'admin', kind: 'direct' };
  const drafts: WizardDraft[] = [];
  const services: PanelServices = {
    extensionUri: fake.Uri.file('/ext') as never,
    log: { info: (m) => logs.push(m), warn: (m) => logs.push(m), error: (m) => logs.push(m) },
    provider: (k) => (k === 'direct' ? provider : undefined),
    listConnections: async () => [{ id: 'c1', label: 'src', role: 'source', host: 'src.example', port: 5432, user: 'admin', database: 'postgres', sslMode: 'prefer', hasPassword: true }],
    getPassword: async (id) => (id === 'c1' ? SAVED_PW : undefined),
    testConnection: async (server, password, role) => {
      calls.push({ method: 'testConnection', args: [server, password, role] });
      return password === WRONG_PW ? { ok: false, message: `The ${role} server rejected the password.` } : { ok: true, message: 'Connected: PostgreSQL 16.4' };
    },
    listDatabases: async (_s, sp, _t, tp) => { calls.push({ method: 'listDatabases', args: [sp, tp] }); return [{ name: 'orders', existsOnTarget: false }, { name: 'template1', existsOnTarget: true }]; },
    listDrafts: async () => drafts,
    saveDraft: async (d) => { drafts.push(d); },
    deleteDraft: async (id) => { calls.push({ method: 'deleteDraft', args: [id] }); },
    resolveTarget: async () => target,
    revealInTree: async (ref) => { calls.push({ method: 'revealInTree', args: [ref] }); },
    applyFix: async (_ref, fix) => { calls.push({ method: 'applyFix', args: [fix] }); return `Applied ${fix.title}.`; },
    refreshIntervalSeconds: () => 30,
    panels: {
      openWizard: async (prefill) => { calls.push({ method: 'openWizard', args: [prefill] }); },
      openDetails: async (t, m) => { panels.DetailsPanel.open(services, { provider: m.provider ?? 'direct', targetId: t.id, name: m.name }); },
    },
  };
  return { logs, calls, services, setMigration: (m: Migration) => { current = m; } };
}

async function waitFor(what: string, ok: () => boolean, ms = 3000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}.`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

let nextId = 1;
const req = (method: string, params: unknown = {}) => ({ type: 'request', id: nextId++, method, params });

function draft(): WizardDraft {
  return {
    ...newDraft('d1'), name: 'm1', databases: ['orders'],
    source: { how: 'saved', connectionId: 'c1', host: 'src.example', port: 5432, user: 'admin', database: 'postgres', sslMode: 'prefer' },
    target: { how: 'new', host: 'tgt.example', port: 5432, user: 'admin', database: 'postgres', sslMode: 'prefer' },
  };
}

describe('panel hosts (fake vscode)', () => {
  afterEach(() => {
    for (const p of fake.created) p.dispose();
    fake.created.length = 0;
  });

  it('serves a strict CSP with a fresh nonce per load and only dist/webview and media as resource roots', () => {
    const w = world();
    panels.WizardPanel.open(w.services);
    const p = fake.created[0];
    const roots = (p.options.localResourceRoots ?? []).map((u) => u.fsPath).sort();
    assert.deepEqual(roots, [path.join('/ext', 'dist', 'webview'), path.join('/ext', 'media')]);
    const html = p.webview._html;
    assert.match(html, /default-src 'none'/);
    const nonce = /script-src 'nonce-([^']+)'/.exec(html)?.[1];
    assert.ok(nonce && nonce.length >= 16);
    assert.match(html, new RegExp(`<script nonce="${nonce}" src="[^"]+/dist/webview/wizardMain\\.js"`));
    assert.doesNotMatch(html, /<script(?![^>]*src=)/, 'no inline script');
    p.dispose();
    panels.WizardPanel.open(w.services);
    const again = /script-src 'nonce-([^']+)'/.exec(fake.created[1].webview._html)?.[1];
    assert.notEqual(again, nonce, 'a new nonce per load');
  });

  it('wizard: a typed password is used for that server only, saved passwords come from secret storage, start creates and hands over', async () => {
    const w = world();
    const wiz = panels.WizardPanel.open(w.services);
    const d = draft();
    const init = await wiz.handleMessage(req('ready'));
    assert.equal(init?.ok, true);
    await wiz.handleMessage(req('testConnection', { role: 'source', server: d.source }));
    assert.equal(w.calls.find((c) => c.method === 'testConnection')?.args[1], SAVED_PW, 'saved connection password from SecretStorage');
    await wiz.handleMessage(req('testConnection', { role: 'target', server: d.target, password: SECRET }));
    assert.equal(w.calls.filter((c) => c.method === 'testConnection')[1].args[1], SECRET);
    const other = { ...d.target, host: 'elsewhere.example' };
    await wiz.handleMessage(req('testConnection', { role: 'target', server: other }));
    assert.equal(w.calls.filter((c) => c.method === 'testConnection')[2].args[1], undefined, 'password not reused for another server');
    const dbs = await wiz.handleMessage(req('listDatabases', { source: d.source, target: d.target }));
    assert.deepEqual((dbs as { result: { name: string }[] }).result.map((x) => x.name), ['orders'], 'template databases filtered by the host too');
    const bad = await wiz.handleMessage(req('start', { draft: { ...d, databases: [] } }));
    assert.equal(bad?.ok, false);
    assert.match((bad as { error: string }).error, /at least one database/);
    const res = await wiz.handleMessage(req('start', { draft: d }));
    assert.equal(res?.ok, true, JSON.stringify(res));
    const create = w.calls.find((c) => c.method === 'create')!;
    assert.deepEqual(create.args[1], { sourcePassword: SAVED_PW, targetPassword: SECRET });
    assert.equal((create.args[0] as MigrationSpec).target.id, 'direct:tgt.example:5432@admin');
    assert.equal(fake.created[0].disposed, true, 'wizard closed');
    assert.ok(fake.notifications.some((n) => /Migration "m1" started/.test(n)));
    assert.deepEqual(w.calls.find((c) => c.method === 'revealInTree')?.args[0], { provider: 'direct', targetId: 'direct:tgt.example:5432@admin', name: 'm1' });
    assert.equal(fake.created[1].viewType, 'pgflex.details', 'details opened');
    assert.ok(w.calls.some((c) => c.method === 'deleteDraft'));
    assert.doesNotMatch(w.logs.join('\n'), new RegExp(`${SECRET}|${SAVED_PW}`), 'no password in the log');
  });

  it('wizard: a wrong password is not kept; a new one replaces it; an emptied field falls back to the saved password; the side is named', async () => {
    const w = world();
    const wiz = panels.WizardPanel.open(w.services);
    const d = draft();
    await wiz.handleMessage(req('ready'));
    const tested = () => w.calls.filter((c) => c.method === 'testConnection').at(-1)!.args;
    const test = async (params: Record<string, unknown>) => (await wiz.handleMessage(req('testConnection', { role: 'source', server: d.source, ...params }))) as { ok: boolean; result: { ok: boolean } };
    assert.equal((await test({ password: WRONG_PW })).result.ok, false);
    assert.equal(tested()[2], 'source', 'the side is passed on, for "the source server" in messages');
    assert.equal((await test({})).result.ok, true, 'a failed password is not kept: the saved one is used');
    assert.equal(tested()[1], SAVED_PW);
    const dbs = await wiz.handleMessage(req('listDatabases', { source: d.source, target: d.target }));
    assert.equal(dbs?.ok, true);
    assert.equal(w.calls.filter((c) => c.method === 'listDatabases').at(-1)!.args[0], SAVED_PW, 'listing uses the saved password, not the failed one');
    await test({ password: 'typed-1' });
    await test({ password: 'typed-2' });
    assert.equal(tested()[1], 'typed-2', 'a newly typed password replaces the kept one');
    await test({});
    assert.equal(tested()[1], 'typed-2', 'a password that worked is kept while the field is empty');
    await test({ password: '' });
    assert.equal(tested()[1], SAVED_PW, 'an emptied field falls back to the saved password');
    await test({ password: 'typed-3' });
    const res = await wiz.handleMessage(req('start', { draft: d }));
    assert.equal(res?.ok, true, JSON.stringify(res));
    assert.equal((w.calls.find((c) => c.method === 'create')!.args[1] as Secrets).sourcePassword, 'typed-3');
    assert.equal(w.calls.filter((c) => c.method === 'testConnection').find((c) => c.args[1] === undefined), undefined, 'every test had a password');
  });

  it('wizard: rejects unknown methods and bad params; prefill is given once; a closed wizard reopens with its draft', async () => {
    const w = world();
    const wiz = panels.WizardPanel.open(w.services, { name: 'from-tree', provider: 'direct' });
    const r1 = await wiz.handleMessage(req('dropTables'));
    assert.match((r1 as { error: string }).error, /unknown request/);
    const r2 = await wiz.handleMessage(req('checkName', { name: 5, provider: 'direct' }));
    assert.match((r2 as { error: string }).error, /checkName params\.name: expected a string/);
    const first = (await wiz.handleMessage(req('ready'))) as { result: { prefill?: WizardDraft } };
    assert.equal(first.result.prefill?.name, 'from-tree');
    assert.equal(first.result.prefill?.mode, 'Offline', 'prefill completed with defaults');
    const second = (await wiz.handleMessage(req('ready'))) as { result: { prefill?: WizardDraft } };
    assert.equal(second.result.prefill, undefined, 'a reloaded page keeps its own state');
    await wiz.handleMessage(req('draftChanged', { draft: { ...draft(), name: 'half' } }));
    fake.created[0].dispose();
    const re = panels.WizardPanel.open(w.services);
    const r3 = (await re.handleMessage(req('ready'))) as { result: { prefill?: WizardDraft; reopened?: boolean } };
    assert.equal(r3.result.prefill?.name, 'half');
    assert.equal(r3.result.reopened, true);
  });

  it('details: snapshot with latency samples, cutover needs confirmation, fixes by id, copy JSON, cancel refused once ended', async () => {
    const w = world();
    const ref = { provider: 'direct' as const, targetId: 'direct:tgt.example:5432@admin', name: 'm1' };
    const det = panels.DetailsPanel.open(w.services, ref);
    const ready = (await det.handleMessage(req('ready'))) as { result: { snapshot: { latency: Record<string, unknown[]> }; refresh: { nextInSeconds?: number } } };
    assert.equal(ready.result.refresh.nextInSeconds, 30, 'auto-refresh at the setting interval');
    assert.equal(ready.result.snapshot.latency.orders.length, 1);
    assert.equal(panels.DetailsPanel.open(w.services, ref), det, 'one panel per migration');
    await det.handleMessage(req('refresh'));
    const snap = (await det.handleMessage(req('refresh'))) as { result: { latency: Record<string, unknown[]> } };
    assert.ok(snap.result.latency.orders.length >= 3, 'samples accumulate for the sparkline');
    const no = await det.handleMessage(req('cutover', { databases: ['orders'], confirmed: false }));
    assert.match((no as { error: string }).error, /writes to the source are stopped/);
    assert.equal(w.calls.filter((c) => c.method === 'cutover').length, 0);
    const yes = await det.handleMessage(req('cutover', { databases: ['orders'], confirmed: true }));
    assert.equal(yes?.ok, true);
    assert.deepEqual(w.calls.find((c) => c.method === 'cutover')?.args, ['m1', ['orders']]);
    const nofix = await det.handleMessage(req('applyFix', { fixId: 'made-up' }));
    assert.match((nofix as { error: string }).error, /no longer offered/);
    const fix = (await det.handleMessage(req('applyFix', { fixId: 'fix-1' }))) as { result: { message: string } };
    assert.equal(fix.result.message, 'Applied Fix it.');
    await det.handleMessage(req('copyJson'));
    assert.equal(JSON.parse(fake.clipboard.at(-1)!).name, 'm1');
    const restart = await det.handleMessage(req('restartInWizard'));
    assert.equal(restart?.ok, true);
    const prefill = w.calls.find((c) => c.method === 'openWizard')?.args[0] as { provider: string; from: Migration; targetServer: ServerRef };
    assert.deepEqual([prefill.provider, prefill.from.name, prefill.targetServer.id], ['direct', 'm1', 'direct:tgt.example:5432@admin'], 'restart goes through the Panels seam with the migration and its target');
    w.setMigration(onlineMigration('Succeeded', 0));
    const done = (await det.handleMessage(req('refresh'))) as { result: { analyzed?: boolean } };
    assert.equal(done.result.analyzed, true, 'the direct engine ran ANALYZE');
    const refreshEvents = fake.created[0].posted.filter((m) => (m as { name?: string }).name === 'refresh');
    assert.match(JSON.stringify(refreshEvents.at(-1)), /Automatic refresh stopped: the migration is Succeeded/);
    const cancel = await det.handleMessage(req('cancel', { confirmed: true }));
    assert.match((cancel as { error: string }).error, /already ended \(Succeeded\)/);
    const retry = await det.handleMessage(req('retry'));
    assert.match((retry as { error: string }).error, /direct migrations only/, 'retry needs the service');
  });

  it('details: a migration running in this window pushes its changes to the page at once (throttled), and its end stops the refresh', async () => {
    const w = world();
    const listeners = new Set<(m: Migration) => void>();
    w.services.watch = (_t, name, l) => {
      if (name !== 'm1') return undefined;
      listeners.add(l);
      return () => listeners.delete(l);
    };
    const ref = { provider: 'direct' as const, targetId: 'direct:tgt.example:5432@admin', name: 'm1' };
    const det = panels.DetailsPanel.open(w.services, ref);
    await det.handleMessage(req('ready'));
    assert.equal(listeners.size, 1, 'subscribed to the running migration');
    const posted = fake.created[0].posted as { name?: string; payload?: { migration?: Migration } }[];
    const snapshots = () => posted.filter((m) => m.name === 'snapshot');
    const latest = () => snapshots().at(-1)?.payload?.migration?.currentStatus?.currentSubStateDetails?.dbDetails?.orders?.latency;
    const push = (m: Migration) => {
      w.setMigration(m);
      for (const l of listeners) l(m);
    };
    for (const latency of [5, 4, 3]) push(onlineMigration('WaitingForUserAction', latency));
    await waitFor('the pushed change on the page', () => latest() === 3);
    assert.ok(snapshots().length <= 2, `a burst is throttled (${snapshots().length} snapshots)`);
    push(onlineMigration('Succeeded', 0));
    await waitFor('the end on the page', () => snapshots().at(-1)?.payload?.migration?.currentStatus?.state === 'Succeeded');
    await waitFor('the refresh note', () => /Automatic refresh stopped: the migration is Succeeded/.test(JSON.stringify(posted.filter((m) => m.name === 'refresh').at(-1))));
    assert.equal(listeners.size, 0, 'no longer followed once ended');
    assert.equal(w.calls.filter((c) => c.method === 'get').length, snapshots().length + 1, 'each push read the migration once (plus ready)');
  });

  it('restores a details panel from its saved ref and refuses a malformed state', async () => {
    const w = world();
    panels.registerPanelSerializers(w.services);
    const s = fake.serializers.get('pgflex.details')!;
    const good = new fake.FakePanel('pgflex.details', 'x', {});
    await s.deserializeWebviewPanel(good, { ref: { provider: 'direct', targetId: 'direct:tgt.example:5432@admin', name: 'm1' } });
    assert.equal(good.title, 'm1');
    assert.match(good.webview._html, /detailsMain\.js/);
    assert.ok(panels.DetailsPanel.find({ provider: 'direct', targetId: 'direct:tgt.example:5432@admin', name: 'm1' }));
    const bad = new fake.FakePanel('pgflex.details', 'x', {});
    await s.deserializeWebviewPanel(bad, { ref: { provider: 'oracle' } });
    assert.equal(bad.disposed, true);
    good.dispose();
    const wiz = new fake.FakePanel('pgflex.wizard', 'x', {});
    await fake.serializers.get('pgflex.wizard')!.deserializeWebviewPanel(wiz, { draft: {} });
    assert.match(wiz.webview._html, /wizardMain\.js/);
    wiz.dispose();
  });
});
