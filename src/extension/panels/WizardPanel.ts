import * as vscode from 'vscode';
import { randomUUID } from 'node:crypto';
import { SOURCE_TYPES } from '../../core/model';
import { checkDatabaseSelection, checkMigrationName, isSystemDatabase } from '../../core/names';
import { wizardMethods, type ServerChoice, type WizardDraft, type WizardEvents, type WizardMethods } from '../../contract/protocol';
import { RpcHost, type Handlers } from '../../contract/rpc';
import { choiceKey, newDraft, serverRefOf, specFromDraft, type Role } from '../../contract/draft';
import { DisposableStore } from '../lifecycle';
import { errorText, panelOptions, poster, setPanelHtml } from './panelBase';
import type { PanelServices } from './services';

/** The new-migration wizard. One at a time; its draft lives in the page's state (no passwords). */
export class WizardPanel {
  static readonly viewType = 'pgflex.wizard';
  private static current: WizardPanel | undefined;
  /** The last wizard closed before it started a migration (memory only; never a password). */
  private static closedDraft: WizardDraft | undefined;

  /** Open (or reveal) the wizard; a prefill (restart in wizard, Migrate now) replaces any open one. */
  static open(services: PanelServices, prefill?: Partial<WizardDraft>): WizardPanel {
    if (WizardPanel.current && !prefill) {
      WizardPanel.current.panel.reveal();
      return WizardPanel.current;
    }
    WizardPanel.current?.panel.dispose();
    const panel = vscode.window.createWebviewPanel(WizardPanel.viewType, 'New migration', vscode.ViewColumn.Active, panelOptions(services));
    const reopened = !prefill ? WizardPanel.closedDraft : undefined;
    WizardPanel.closedDraft = undefined;
    return new WizardPanel(panel, services, prefill ?? reopened, !!reopened);
  }

  /** The open wizard, if any (extension-host tests drive it through `handleMessage`). */
  static currentPanel(): WizardPanel | undefined {
    return WizardPanel.current;
  }

  static revive(panel: vscode.WebviewPanel, services: PanelServices): WizardPanel {
    WizardPanel.current?.panel.dispose();
    return new WizardPanel(panel, services, undefined);
  }

  private readonly disposables = new DisposableStore();
  /** Passwords typed in this wizard, by side, tied to the server they were typed for. Memory only. */
  private readonly passwords = new Map<Role, { key: string; password: string }>();
  private readonly rpc: RpcHost<WizardMethods, WizardEvents>;
  private lastDraft: WizardDraft | undefined;
  private started = false;

  private constructor(readonly panel: vscode.WebviewPanel, private readonly services: PanelServices, private prefill?: Partial<WizardDraft>, private reopened = false) {
    WizardPanel.current = this;
    panel.iconPath = vscode.Uri.joinPath(services.extensionUri, 'media', 'icon.svg');
    const post = poster(panel);
    this.rpc = new RpcHost(wizardMethods, this.handlers(), post, (why) => services.log.warn(`Wizard: ignored a malformed message (${why}).`));
    this.disposables.add(panel.webview.onDidReceiveMessage((m) => void this.rpc.receive(m)));
    this.disposables.add(panel.onDidDispose(() => this.dispose()));
    setPanelHtml(panel, services, 'wizardMain', 'New migration');
  }

  /** Handle one message as if the page had posted it; resolves to the response sent back. */
  handleMessage(raw: unknown) {
    return this.rpc.receive(raw);
  }

  private dispose(): void {
    this.passwords.clear();
    if (!this.started && this.lastDraft && (this.lastDraft.name || this.lastDraft.source.host || this.lastDraft.source.azure)) {
      WizardPanel.closedDraft = this.lastDraft;
    }
    if (WizardPanel.current === this) WizardPanel.current = undefined;
    this.disposables.dispose();
  }

  private async passwordFor(role: Role, c: ServerChoice): Promise<string | undefined> {
    const typed = this.passwords.get(role);
    if (typed && typed.key === choiceKey(c)) return typed.password;
    if (c.how === 'saved' && c.connectionId) return this.services.getPassword(c.connectionId);
    return undefined;
  }

  private azure() {
    const a = this.services.azure;
    if (!a) throw new Error('The Azure provider is not available in this window. Use a direct migration, or sign in to Azure from the Migrations view.');
    return a;
  }

  private handlers(): Handlers<WizardMethods> {
    const s = this.services;
    return {
      ready: async () => {
        // Given once: a page reloaded after being hidden keeps the user's edits from its own state.
        const prefill = this.prefill ? { ...newDraft(randomUUID(), this.prefill.provider), ...this.prefill } : undefined;
        const reopened = this.reopened && !!prefill;
        this.prefill = undefined;
        this.reopened = false;
        return {
          prefill,
          reopened,
          connections: await s.listConnections(),
          drafts: (await s.listDrafts()).map((d) => ({ id: d.id, name: d.name || '(unnamed)', savedAt: d.savedAt ?? '' })),
          azure: { available: !!s.azure, signedIn: s.azure?.isSignedIn() ?? false },
          sourceTypes: s.sourceTypes?.() ?? [...SOURCE_TYPES],
        };
      },
      listConnections: () => s.listConnections(),
      azureSignIn: async () => ({ signedIn: await this.azure().signIn() }),
      listSubscriptions: () => this.azure().listSubscriptions(),
      listResourceGroups: ({ subscriptionId }) => this.azure().listResourceGroups(subscriptionId),
      listServers: ({ subscriptionId, resourceGroup, kind }) => this.azure().listServers(subscriptionId, resourceGroup, kind),
      testConnection: async ({ role, server, password }) => {
        // A new password replaces the kept one; an emptied field falls back to the saved one.
        if (password) this.passwords.set(role, { key: choiceKey(server), password });
        else if (password === '') this.passwords.delete(role);
        const ref = serverRefOf(server, role, { sourceType: '' });
        s.log.info(`Wizard: testing the ${role} connection to ${ref.host}:${ref.port} as ${ref.user}.`);
        const result = await s.testConnection(ref, await this.passwordFor(role, server), role);
        if (!result.ok) {
          s.log.warn(`Wizard: ${role} connection failed: ${result.message}`);
          // A password that failed must not be used for the databases list or the migration.
          if (this.passwords.get(role)?.key === choiceKey(server)) this.passwords.delete(role);
        }
        return result;
      },
      listDatabases: async ({ source, target }) => {
        const list = await s.listDatabases(
          serverRefOf(source, 'source', { sourceType: '' }), await this.passwordFor('source', source),
          serverRefOf(target, 'target', { sourceType: '' }), await this.passwordFor('target', target),
        );
        return list.filter((d) => !isSystemDatabase(d.name));
      },
      checkName: async ({ name, provider, target }) => {
        const rule = checkMigrationName(name, provider);
        if (!rule.ok || !target) return rule;
        const p = s.provider(provider);
        if (!p) return { ok: true };
        try {
          return await p.checkName(serverRefOf(target, 'target', { sourceType: '' }), name);
        } catch (e) {
          // Availability is advisory here; creation checks it again and fails with a clear message.
          s.log.warn(`Wizard: could not check whether "${name}" is free on the target: ${errorText(e)}`);
          return { ok: true };
        }
      },
      saveDraft: async ({ draft }) => {
        const savedAt = new Date().toISOString();
        await s.saveDraft({ ...draft, savedAt });
        return { savedAt };
      },
      loadDraft: async ({ id }) => {
        const d = (await s.listDrafts()).find((x) => x.id === id);
        if (!d) throw new Error('That saved draft no longer exists (it was started or deleted).');
        return d;
      },
      deleteDraft: async ({ id }) => {
        await s.deleteDraft(id);
        return {};
      },
      draftChanged: ({ draft }) => {
        this.lastDraft = draft;
        return {};
      },
      start: ({ draft }) => this.start(draft),
    };
  }

  private async start(draft: WizardDraft): Promise<{ name: string }> {
    const s = this.services;
    const rule = checkMigrationName(draft.name, draft.provider);
    if (!rule.ok) throw new Error(rule.reason);
    const sel = checkDatabaseSelection(draft.databases, false);
    if (!sel.ok) throw new Error(sel.reason);
    const provider = s.provider(draft.provider);
    if (!provider) throw new Error(draft.provider === 'azure' ? 'Sign in to Azure first: the Azure provider is not available.' : 'The direct engine is not available.');
    const spec = specFromDraft(draft);
    const secrets = {
      sourcePassword: await this.passwordFor('source', draft.source),
      targetPassword: await this.passwordFor('target', draft.target),
    };
    s.log.info(`Wizard: creating ${draft.provider} migration "${spec.name}" (${spec.mode}, ${spec.option}) of ${spec.databases.join(', ')} from ${spec.source.host}:${spec.source.port} to ${spec.target.host}:${spec.target.port}.`);
    const migration = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Creating migration "${spec.name}"…` },
      () => provider.create(spec, secrets),
    );
    this.started = true;
    const ref = { provider: draft.provider, targetId: spec.target.id, name: migration.name || spec.name };
    await s.deleteDraft(draft.id).catch(() => undefined);
    s.onCreated?.(ref, migration);
    this.panel.dispose();
    void vscode.window.showInformationMessage(`Migration "${ref.name}" started (${spec.mode.toLowerCase()}, ${spec.databases.length} database${spec.databases.length === 1 ? '' : 's'}).`);
    await s.revealInTree(ref).catch((e) => s.log.warn(`Wizard: could not select "${ref.name}" in the tree: ${errorText(e)}`));
    // The ref the wizard announced (its provider, the name asked for if the service gave none).
    await s.panels.openDetails(spec.target, { ...migration, name: ref.name, provider: ref.provider });
    return { name: ref.name };
  }
}
