import * as vscode from 'vscode';
import { randomUUID } from 'node:crypto';
import type { ServerRef } from '../core/provider';
import type { AzureServerInfo, AzureSubscriptionInfo, MigrationRef, SavedConnection as PanelConnection, ServerChoice, WizardDraft } from '../contract/protocol';
import { draftFromMigration, emptyChoice } from '../contract/draft';
import type { PgflexContext } from './context';
import { DetailsPanel, WizardPanel, registerPanelSerializers, type AzureBrowser, type PanelServices } from './panels';
import type { Panels, WizardPrefill } from './panelHost';
import { type SavedConnection, toServerRef } from './model/connections';
import { azureServerRef, type NodeOf } from './model/treeModel';
import { filterSubscriptions } from './model/azureTypes';
import { findSourceConnection } from './model/retrySpec';
import { connInfo, testConnection } from './connections/pgTester';
import { testWithFirewallOffer, type FirewallOfferDeps } from './connections/firewallOffer';
import { retryMigration } from './commands/migrationCommands';
import { openTarget } from './commands/openTarget';
import { lazy } from './lazyModules';
import { currentCloud } from './azure/azureAccount';

const DRAFTS_KEY = 'pgflex.wizardDrafts';

/** Opens the webview panels and gives them the services they need, built from the context. */
export function createPanels(ctx: PgflexContext): { panels: Panels; disposables: vscode.Disposable[] } {
  const services = panelServices(ctx);
  const panels: Panels = {
    async openWizard(prefill) {
      WizardPanel.open(services, prefill ? toDraft(ctx, prefill) : undefined);
    },
    async openDetails(target, migration) {
      DetailsPanel.open(services, { provider: migration.provider === 'azure' ? 'azure' : 'direct', targetId: target.id, name: migration.name });
    },
  };
  return { panels, disposables: registerPanelSerializers(services) };
}

function choiceOfConnection(c: SavedConnection): ServerChoice {
  return { how: 'saved', connectionId: c.id, host: c.host, port: c.port, user: c.user, database: c.database, sslMode: c.sslMode };
}

function choiceOfAzure(r: ServerRef): ServerChoice {
  const rg = /\/resourceGroups\/([^/]+)/i.exec(r.id)?.[1] ?? '';
  const sub = /\/subscriptions\/([^/]+)/i.exec(r.id)?.[1] ?? '';
  return {
    ...emptyChoice(), how: 'azure', host: r.host, port: r.port, user: r.user, database: r.database ?? 'postgres', sslMode: r.sslMode ?? 'require',
    azure: { subscriptionId: sub, resourceGroup: rg, serverId: r.id, serverName: r.label },
  };
}

/** Prefill for Migrate now / New migration on a target / Restart in wizard (never a password). */
function toDraft(ctx: PgflexContext, p: WizardPrefill): Partial<WizardDraft> {
  const conns = ctx.connections.list();
  const byId = (id?: string) => conns.find((c) => c.id === id);
  const targetConn = (r?: ServerRef) => conns.find((c) => c.role === 'target' && r && toServerRef(c).id === r.id);
  const provider = p.provider ?? 'direct';
  if (p.from) {
    const src = findSourceConnection(p.from, conns);
    const d = draftFromMigration(randomUUID(), p.from, provider, p.targetServer, src ? toServerRef(src) : undefined);
    if (src) d.source = choiceOfConnection(src);
    const t = targetConn(p.targetServer);
    if (t) d.target = choiceOfConnection(t);
    return d;
  }
  const out: Partial<WizardDraft> = { provider };
  const source = byId(p.sourceConnectionId);
  if (source) out.source = choiceOfConnection(source);
  if (p.sourceServer) {
    out.source = choiceOfAzure(p.sourceServer);
    out.sourceType = 'PostgreSQLSingleServer';
  }
  const target = byId(p.targetConnectionId);
  if (target) out.target = choiceOfConnection(target);
  if (p.targetServer) out.target = choiceOfAzure(p.targetServer);
  return out;
}

function panelServices(ctx: PgflexContext): PanelServices {
  const findTarget = async (ref: MigrationRef): Promise<ServerRef | undefined> => {
    if (ref.provider === 'direct') {
      const c = ctx.connections.list().find((x) => toServerRef(x).id === ref.targetId);
      if (c) return toServerRef(c);
    }
    const known = ctx.model.migrations().find((n) => n.target.id.toLowerCase() === ref.targetId.toLowerCase());
    if (known) return known.target;
    const m = /\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.DBforPostgreSQL\/flexibleServers\/([^/]+)/i.exec(ref.targetId);
    if (ref.provider === 'azure' && m) {
      return azureServerRef({ id: ref.targetId, name: m[3], kind: 'flexible', subscriptionId: m[1], resourceGroup: m[2] });
    }
    return undefined;
  };
  return {
    extensionUri: ctx.extension.extensionUri,
    log: ctx.log,
    provider: (kind) => ctx.provider(kind),
    azure: azureBrowser(ctx),
    async listConnections(): Promise<PanelConnection[]> {
      return Promise.all(ctx.connections.list().map(async (c) => ({ ...c, hasPassword: (await ctx.connections.password(c.id)) !== undefined })));
    },
    async getPassword(id) {
      const p = await ctx.connections.password(id);
      ctx.log.addSecret(p);
      return p;
    },
    async testConnection(server, password, role) {
      const pw = await passwordFor(ctx, server, password);
      const { ok, message, version } = await testWithFirewallOffer(server, () => testConnection(connInfo(server, pw, role)), firewallDeps(ctx));
      return { ok, message, ...(version !== undefined ? { version } : {}) };
    },
    async listDatabases(source, sourcePassword, target, targetPassword) {
      const { listUserDatabases } = lazy();
      const list = await listUserDatabases(
        connInfo(source, await passwordFor(ctx, source, sourcePassword), 'source'),
        connInfo(target, await passwordFor(ctx, target, targetPassword), 'target'),
      );
      return list.map((d) => ({ name: d.name, sizeBytes: d.sizeBytes, existsOnTarget: d.existsOnTarget ?? false }));
    },
    async listDrafts() {
      return ctx.extension.globalState.get<WizardDraft[]>(DRAFTS_KEY, []);
    },
    async saveDraft(draft) {
      const rest = ctx.extension.globalState.get<WizardDraft[]>(DRAFTS_KEY, []).filter((d) => d.id !== draft.id);
      await ctx.extension.globalState.update(DRAFTS_KEY, [...rest, draft]);
    },
    async deleteDraft(id) {
      await ctx.extension.globalState.update(DRAFTS_KEY, ctx.extension.globalState.get<WizardDraft[]>(DRAFTS_KEY, []).filter((d) => d.id !== id));
    },
    resolveTarget: findTarget,
    async revealInTree(ref) {
      const target = await findTarget(ref);
      const node = target && ctx.model.findTargetNode(target);
      if (!node) return;
      ctx.model.refresh(node);
      const kids = await ctx.model.children(node);
      const m = kids.find((k): k is NodeOf<'migration'> => k.kind === 'migration' && k.migration.name === ref.name);
      if (m) await ctx.tree.reveal(m);
    },
    async applyFix(ref, fix) {
      if (ref.provider !== 'azure') throw new Error(`"${fix.title}" can only be applied to an Azure target; apply it on the server by hand (see the corrective action).`);
      const m = /\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.DBforPostgreSQL\/flexibleServers\/([^/]+)/i.exec(ref.targetId);
      if (!m) throw new Error(`The target of "${ref.name}" is not a Flexible Server id.`);
      const restart = await vscode.window.showWarningMessage(`${fix.title}: restart the server if the change needs it?`, { modal: true, detail: 'Some parameters (shared_preload_libraries, wal_level) only take effect after a restart, which interrupts connections for a minute or two.' }, 'Apply and Restart if Needed', 'Apply Only');
      if (!restart) throw new Error('The fix was not applied.');
      const backend = await ctx.azureBackend();
      const r = await backend.forSubscription(m[1]).parameters.applyFix({ subscriptionId: m[1], resourceGroup: m[2], name: m[3] }, fix, { restart: restart === 'Apply and Restart if Needed' });
      ctx.log.info(`Applied "${fix.title}" on ${m[3]}: ${r.summary}`);
      return r.restartNeeded ? `${r.summary} Restart the server for it to take effect.` : r.summary;
    },
    async retry(ref) {
      const target = await findTarget(ref);
      if (!target) throw new Error(`The target of "${ref.name}" is not among your connections.`);
      const m = await ctx.direct.get(target, ref.name);
      return retryMigration(ctx, target, m);
    },
    async openTarget(ref, migration) {
      const target = await findTarget(ref);
      if (target) await openTarget(ctx, target, migration);
    },
    refreshIntervalSeconds: () => ctx.config.refreshIntervalMs / 1000,
    leftoverWarnBytes: () => ctx.config.leftoverWarnBytes,
    watch: ctx.watchLive,
    onCreated(ref) {
      void findTarget(ref).then((t) => {
        const node = t && ctx.model.findTargetNode(t);
        if (node) ctx.model.refresh(node);
      });
    },
  };
}

function firewallDeps(ctx: PgflexContext): FirewallOfferDeps {
  return {
    flexibleServer: (ref) => (ref.kind === 'azure-flexible' ? lazy().parseFlexibleServerId(ref.id) : undefined),
    refusedAddress: (message) => lazy().refusedClientAddress(message),
    publicAddress: () => lazy().lookupPublicAddress(),
    async ask(question, action) {
      return (await vscode.window.showWarningMessage(question, { modal: true }, action)) === action;
    },
    async allow(server, address) {
      return (await ctx.azureBackend()).forSubscription(server.subscriptionId).allowClientAddress(server, address);
    },
    log: (message) => ctx.log.info(message),
  };
}

/**
 * The password a panel call connects with: the one typed in the webview, else an Entra token
 * for an Azure server. Either is registered with the log first, so it is masked should a
 * message ever carry it.
 */
async function passwordFor(ctx: PgflexContext, server: ServerRef, typed: string | undefined): Promise<string | undefined> {
  const pw = typed ?? (await entraToken(ctx, server));
  ctx.log.addSecret(pw);
  return pw;
}

async function entraToken(ctx: PgflexContext, server: ServerRef): Promise<string | undefined> {
  if (server.kind === 'direct') return undefined;
  try {
    // Entra ID token as the PostgreSQL password, where the server allows it.
    return await ctx.azure.token(undefined, currentCloud().ossrdbmsScope);
  } catch {
    return undefined;
  }
}

function azureBrowser(ctx: PgflexContext): AzureBrowser {
  const subs = async () => {
    const backend = await ctx.azureBackend();
    const tenants = await ctx.azure.tenants();
    const all = (await Promise.all(tenants.map((t) => backend.subscriptions(t).catch(() => [])))).flat();
    return filterSubscriptions(all, ctx.config.subscriptionFilter);
  };
  const servers = async (subscriptionId: string) => {
    const backend = await ctx.azureBackend();
    const sub = (await subs()).find((s) => s.subscriptionId === subscriptionId) ?? { subscriptionId, displayName: subscriptionId, tenantId: '' };
    const [flex, single] = await Promise.all([backend.flexibleServers(sub), backend.singleServers(sub).catch(() => [])]);
    return [...flex, ...single];
  };
  return {
    isSignedIn: () => ctx.azure.isSignedIn(),
    signIn: () => ctx.azure.signIn(),
    async listSubscriptions(): Promise<AzureSubscriptionInfo[]> {
      return (await subs()).map((s) => ({ id: s.subscriptionId, name: s.displayName }));
    },
    async listResourceGroups(subscriptionId) {
      return [...new Set((await servers(subscriptionId)).map((s) => s.resourceGroup))].sort();
    },
    async listServers(subscriptionId, resourceGroup, kind): Promise<AzureServerInfo[]> {
      const want = kind === 'azure-flexible' ? 'flexible' : 'single';
      return (await servers(subscriptionId))
        .filter((s) => s.kind === want && s.resourceGroup.toLowerCase() === resourceGroup.toLowerCase())
        .map((s) => ({
          id: s.id, name: s.name, resourceGroup: s.resourceGroup, fqdn: s.fqdn ?? `${s.name}.postgres.database.azure.com`, kind,
          location: s.location, version: s.version, sku: s.skuName, adminLogin: s.administratorLogin,
        }));
    },
  };
}
