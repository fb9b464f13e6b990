import type * as vscode from 'vscode';
import type { SavedConnection as PanelConnection } from '../contract/protocol';
import type { PgflexContext } from './context';
import { DetailsPanel, WizardPanel, registerPanelSerializers, type PanelServices } from './panels';
import type { Panels } from './panelHost';
import { connInfo, testConnection } from './connections/pgTester';
import { testWithFirewallOffer } from './connections/firewallOffer';
import { retryMigration } from './commands/migrationCommands';
import { openTarget } from './commands/openTarget';
import { lazy } from './lazyModules';
import { wizardDrafts } from './panelServices/wizardDrafts';
import { azureBrowser } from './panelServices/azureBrowser';
import { firewallPrompt } from './panelServices/firewallPrompt';
import { passwordFor } from './panelServices/serverPasswords';
import { findTarget, refreshTarget, revealInTree } from './panelServices/targetLookup';
import { applyFix } from './panelServices/fixDialog';
import { wizardPrefill } from './panelServices/wizardPrefill';

/**
 * Opens the webview panels and gives them the services they need, built from the context.
 * Each job lives in ./panelServices; this is the one place that puts them together.
 */
export function createPanels(ctx: PgflexContext): { panels: Panels; disposables: vscode.Disposable[] } {
  const panels: Panels = {
    async openWizard(prefill) {
      WizardPanel.open(services, prefill ? wizardPrefill(ctx, prefill) : undefined);
    },
    async openDetails(target, migration) {
      DetailsPanel.open(services, { provider: migration.provider === 'azure' ? 'azure' : 'direct', targetId: target.id, name: migration.name });
    },
  };
  const services = panelServices(ctx, panels);
  return { panels, disposables: registerPanelSerializers(services) };
}

function panelServices(ctx: PgflexContext, panels: Panels): PanelServices {
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
      const { ok, message, version } = await testWithFirewallOffer(server, () => testConnection(connInfo(server, pw, role)), firewallPrompt(ctx));
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
    ...wizardDrafts(ctx.extension.globalState),
    resolveTarget: (ref) => findTarget(ctx, ref),
    revealInTree: (ref) => revealInTree(ctx, ref),
    applyFix: (ref, fix) => applyFix(ctx, ref, fix),
    async retry(ref) {
      const target = await findTarget(ctx, ref);
      if (!target) throw new Error(`The target of "${ref.name}" is not among your connections.`);
      const m = await ctx.direct.get(target, ref.name);
      return retryMigration(ctx, target, m);
    },
    async openTarget(ref, migration) {
      const target = await findTarget(ctx, ref);
      if (target) await openTarget(ctx, target, migration);
    },
    refreshIntervalSeconds: () => ctx.config.refreshIntervalMs / 1000,
    latencyThresholds: () => ctx.config.latency,
    watch: ctx.watchLive,
    panels,
    onCreated(ref) {
      void refreshTarget(ctx, ref);
    },
  };
}
