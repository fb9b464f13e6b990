/**
 * Runs inside a real VS Code extension host with the extension installed, against real
 * PostgreSQL servers the runner started and handed over as sandbox connections
 * (PGFLEX_SANDBOX_CONNECTIONS): activation, contributed commands, the tree, and a direct
 * migration driven through the extension's commands.
 */
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import pg from 'pg';
import type { PgflexContext } from '../../../src/extension/context';
import type { DetailsPanel, WizardPanel } from '../../../src/extension/panels';
import type { WizardDraft } from '../../../src/contract/protocol';
import type { NodeOf, TreeNode } from '../../../src/extension/model/treeModel';
import type { SavedConnection } from '../../../src/extension/model/connections';
import { toServerRef } from '../../../src/extension/model/connections';

const EXTENSION_ID = 'pgflex.pgflex';

interface Api { context: PgflexContext; panels: { WizardPanel: typeof WizardPanel; DetailsPanel: typeof DetailsPanel } }

/** One step with its own deadline, so a hang names the step instead of the whole test. */
async function step<T>(what: string, p: Thenable<T> | Promise<T>, ms = 30_000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([Promise.resolve(p), new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`Step "${what}" did not finish within ${ms / 1000} s.`)), ms); })]);
  } finally {
    clearTimeout(timer);
  }
}

async function until<T>(what: string, fn: () => Promise<T | undefined> | T | undefined, ms = 120_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`Timed out after ${ms / 1000} s waiting for ${what}.`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe('pgflex in the VS Code extension host', () => {
  let ctx: PgflexContext;
  let api: Api;
  let source: SavedConnection;
  let target: SavedConnection;

  before(async () => {
    const ext = vscode.extensions.getExtension<Api>(EXTENSION_ID);
    assert.ok(ext, `${EXTENSION_ID} is not installed in this VS Code`);
    api = await ext.activate();
    ctx = api.context;
    // The sandbox connections are imported right after activation.
    [source, target] = await until('the sandbox connections', () => {
      const list = ctx.connections.list();
      const s = list.find((c) => c.role === 'source');
      const t = list.find((c) => c.role === 'target');
      return s && t ? [s, t] as const : undefined;
    }, 20_000);
  });

  it('registers every contributed command', async () => {
    const contributed = (vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON.contributes.commands as { command: string }[]).map((c) => c.command);
    const all = new Set(await vscode.commands.getCommands(true));
    const missing = contributed.filter((c) => !all.has(c));
    assert.deepEqual(missing, []);
    assert.ok(contributed.length >= 18);
  });

  it('builds the tree against the real servers: Direct shows both connections and the target loads', async () => {
    await vscode.commands.executeCommand('pgflex.migrations.focus');
    const [, direct] = await ctx.model.children();
    const kids = await ctx.model.children(direct);
    const labels = kids.map((k) => (k.kind === 'connection' ? k.connection.label : k.kind));
    assert.ok(labels.includes('addConnection'));
    assert.ok(labels.includes(source.label) && labels.includes(target.label), labels.join(', '));
    const targetNode = kids.find((k): k is NodeOf<'connection'> => k.kind === 'connection' && k.connection.id === target.id)!;
    const migrations = await ctx.model.children(targetNode);
    assert.ok(migrations.every((m) => m.kind !== 'error'), JSON.stringify(migrations));
  });

  it('builds the Azure part of the tree from ARM: subscription, Flexible and Single Servers; Migrate now prefills the wizard', async () => {
    const [azure] = await ctx.model.children();
    const subs = await step('subscriptions', ctx.model.children(azure), 60_000);
    const sub = subs.find((k) => k.kind === 'subscription');
    assert.ok(sub, `no subscription node: ${JSON.stringify(subs)}`);
    const [flexGroup, singleGroup] = await ctx.model.children(sub);
    const flex = await step('Flexible Servers', ctx.model.children(flexGroup), 60_000);
    const server = flex.find((k): k is NodeOf<'azureServer'> => k.kind === 'azureServer');
    assert.ok(server, JSON.stringify(flex));
    assert.equal(server.server.name, 'flex-target');
    assert.equal(server.server.version, '16');
    const migrations = await step('its migrations', ctx.model.children(server), 60_000);
    assert.ok(migrations.every((m) => m.kind !== 'error'), JSON.stringify(migrations));
    const single = (await step('Single Servers', ctx.model.children(singleGroup), 60_000)).find((k): k is NodeOf<'azureServer'> => k.kind === 'azureServer');
    assert.equal(single?.server.name, 'single-source');
    await step('Migrate now', vscode.commands.executeCommand('pgflex.migrateNow', single));
    const wizard = await until('the wizard', () => api.panels.WizardPanel.currentPanel(), 20_000);
    const r = await step('ready', wizard.handleMessage({ type: 'request', id: 1, method: 'ready', params: {} }));
    assert.ok(r && r.ok, JSON.stringify(r));
    const prefill = (r.result as { prefill?: WizardDraft }).prefill;
    assert.equal(prefill?.provider, 'azure');
    assert.equal(prefill?.source.how, 'azure');
    assert.equal(prefill?.source.azure?.serverName, 'single-source');
    wizard.panel.dispose();
  });

  it('drives a direct offline migration through the commands to Succeeded, and the data is on the target', async () => {
    const name = `ext-host-${Date.now()}`;
    const targetRef = toServerRef(target);
    const [sourcePassword, targetPassword] = await Promise.all([ctx.connections.password(source.id), ctx.connections.password(target.id)]);
    await step('create', ctx.direct.create(
      { name, source: toServerRef(source), target: targetRef, databases: [source.database], mode: 'Offline', option: 'ValidateAndMigrate', overwrite: true },
      { sourcePassword, targetPassword },
    ));
    const targetNode = ctx.model.findTargetNode(targetRef)!;
    await step('refresh the target', vscode.commands.executeCommand('pgflex.refreshNode', targetNode));
    const node = await until('the migration in the tree', async () => (await ctx.model.children(targetNode)).find((k): k is NodeOf<'migration'> => k.kind === 'migration' && k.migration.name === name));
    await until('Succeeded', async () => {
      await step('refresh the migration', vscode.commands.executeCommand('pgflex.refreshMigration', node));
      const m = ctx.model.migrations().find((n) => n.migration.name === name)?.migration;
      if (m?.currentStatus?.state === 'Failed') throw new Error(`The migration failed: ${m.currentStatus.error}`);
      return m?.currentStatus?.state === 'Succeeded' ? m : undefined;
    });

    const client = new pg.Client({ host: target.host, port: target.port, user: target.user, password: targetPassword, database: source.database });
    await step('connect to the target', client.connect());
    try {
      const r = await client.query<{ n: string }>('select count(*) as n from public.orders');
      assert.equal(Number(r.rows[0].n), 1000);
    } finally {
      await client.end();
    }

    const current = ctx.model.migrations().find((n) => n.migration.name === name)!;
    await step('copy the name', vscode.commands.executeCommand('pgflex.copyName', current));
    // A headless browser (code-server) has no readable clipboard; a desktop VS Code does.
    if (vscode.env.uiKind === vscode.UIKind.Desktop) assert.equal(await step('read the clipboard', vscode.env.clipboard.readText()), name);

    await step('open the details', vscode.commands.executeCommand('pgflex.openDetails', current));
    await until('the details panel', () => vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith('pgflex.details')), 20_000);

    await step('remove from the list', vscode.commands.executeCommand('pgflex.removeFromList', current));
    await until('the migration to leave the list', async () => !(await ctx.model.children(targetNode)).some((k: TreeNode) => k.kind === 'migration' && k.migration.name === name) || undefined);
  });

  it('drives the wizard host side by its messages to a finished direct migration, selected in the tree', async () => {
    const targetRef = toServerRef(target);
    const targetNode = ctx.model.findTargetNode(targetRef)!;
    await step('New Migration on the target', vscode.commands.executeCommand('pgflex.newMigration', targetNode));
    const wizard = await until('the wizard', () => api.panels.WizardPanel.currentPanel(), 20_000);
    let id = 100;
    const ask = async <T>(method: string, params: unknown = {}): Promise<T> => {
      const r = await step(method, wizard.handleMessage({ type: 'request', id: ++id, method, params }), 120_000);
      if (!r || !r.ok) throw new Error(`${method}: ${r && !r.ok ? r.error : 'no response'}`);
      return r.result as T;
    };
    const ready = await ask<{ prefill?: WizardDraft; connections: { id: string }[] }>('ready');
    assert.ok(ready.prefill, 'New Migration on a target prefills the wizard');
    assert.equal(ready.prefill.target.connectionId, target.id);
    const draft: WizardDraft = {
      ...ready.prefill,
      name: `wizard-${Date.now()}`,
      option: 'Migrate',
      mode: 'Offline',
      overwrite: true,
      source: { how: 'saved', connectionId: source.id, host: source.host, port: source.port, user: source.user, database: source.database, sslMode: source.sslMode },
    };
    const tested = await ask<{ ok: boolean; message: string }>('testConnection', { role: 'source', server: draft.source });
    assert.equal(tested.ok, true, tested.message);
    const dbs = await ask<{ name: string; existsOnTarget: boolean }[]>('listDatabases', { source: draft.source, target: draft.target });
    assert.ok(dbs.some((d) => d.name === source.database), JSON.stringify(dbs));
    assert.ok(!dbs.some((d) => ['postgres', 'template0', 'template1'].includes(d.name)));
    draft.databases = [source.database];
    const started = await ask<{ name: string }>('start', { draft: { ...draft, step: 'summary' } });
    assert.equal(started.name, draft.name);
    const m = await until('the wizard migration to succeed', async () => {
      const cur = await ctx.direct.get(targetRef, draft.name);
      if (cur.currentStatus?.state === 'Failed') throw new Error(`The migration failed: ${cur.currentStatus.error}`);
      return cur.currentStatus?.state === 'Succeeded' ? cur : undefined;
    });
    assert.deepEqual(m.dbsToMigrate ?? Object.keys(m.currentStatus?.currentSubStateDetails?.dbDetails ?? {}), [source.database]);
    await until('the migration in the tree', async () => (await ctx.model.children(targetNode)).some((k) => k.kind === 'migration' && k.migration.name === draft.name) || undefined);
    await until('its details panel', () => api.panels.DetailsPanel.find({ provider: 'direct', targetId: targetRef.id, name: draft.name }), 20_000);
  });

  it('keeps the status bar item hidden while no online migration waits for cutover', () => {
    assert.equal(ctx.model.migrations().some((n) => n.migration.migrationMode === 'Online' && n.migration.currentStatus?.state === 'WaitingForUserAction'), false);
    assert.equal(ctx.statusBar.current.visible, false);
  });

  it('shows the latency in the status bar while an online migration waits for cutover, and hides it once the migration ends', async () => {
    const name = `online-${Date.now()}`;
    const targetRef = toServerRef(target);
    const [sourcePassword, targetPassword] = await Promise.all([ctx.connections.password(source.id), ctx.connections.password(target.id)]);
    await step('create', ctx.direct.create(
      { name, source: toServerRef(source), target: targetRef, databases: [source.database], mode: 'Online', option: 'Migrate', overwrite: true },
      { sourcePassword, targetPassword },
    ));
    ctx.refreshNode(ctx.model.findTargetNode(targetRef)!.id);
    await ctx.model.children(ctx.model.findTargetNode(targetRef)!);
    await until('the status bar latency item', () => {
      const m = ctx.model.migrations().find((n) => n.migration.name === name)?.migration;
      if (m?.currentStatus?.state === 'Failed') throw new Error(`The online migration failed: ${m.currentStatus.error}`);
      return ctx.statusBar.current.visible ? ctx.statusBar.current : undefined;
    }, 150_000);
    assert.match(ctx.statusBar.current.text, new RegExp(`^\\$\\(sync\\) ${source.database} `));
    // Ended by a cancel: the status bar must let go of it (cutover is the engine's own suite).
    await step('cancel', ctx.direct.cancel(targetRef, name), 120_000);
    let last = '';
    await until('Canceled and the item hidden', async () => {
      await ctx.watcher.pollActive();
      const m = ctx.model.migrations().find((n) => n.migration.name === name)?.migration;
      last = `${m?.currentStatus?.state}, status bar ${ctx.statusBar.current.visible ? 'visible' : 'hidden'}`;
      return m?.currentStatus?.state === 'Canceled' && !ctx.statusBar.current.visible ? true : undefined;
    }, 60_000).catch((e: Error) => {
      throw new Error(`${e.message} Last seen: ${last}.`);
    });
  });
});
