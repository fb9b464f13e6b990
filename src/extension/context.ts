import * as vscode from 'vscode';
import type { MigrationProvider, ServerRef } from '../core/provider';
import { Disposable } from './lifecycle';
import { Config } from './config';
import { Logger } from './logger';
import { ConnectionStore } from './connections/connectionStore';
import { AzureAccount, currentCloud } from './azure/azureAccount';
import { type AzureBackend, loadAzureBackend } from './azure/azureBackend';
import { loadDirectProvider } from './direct/directBackend';
import { lazyProvider } from './providers';
import { TreeModel, hiddenKey, type NodeOf, type TreeSources } from './model/treeModel';
import { toServerRef } from './model/connections';
import { MigrationTreeProvider } from './tree/migrationTreeProvider';
import { LatencyStatusBar } from './statusBar/latencyStatusBar';
import { MigrationWatcher } from './migrationWatcher';
import type { LiveWatch } from './model/liveWatch';

const HIDDEN_KEY = 'pgflex.hiddenMigrations';

/**
 * Everything the commands need, built once by activate(). Construction reads state only:
 * no network, no disk, no pg. Providers and the Azure SDK load on first use.
 */
export class PgflexContext extends Disposable {
  readonly log = this._register(new Logger());
  readonly config = this._register(new Config());
  readonly connections: ConnectionStore;
  readonly azure = this._register(new AzureAccount());
  readonly direct: MigrationProvider;
  readonly azureProvider: MigrationProvider;
  readonly model: TreeModel;
  readonly tree: MigrationTreeProvider;
  readonly statusBar = this._register(new LatencyStatusBar());
  readonly watcher: MigrationWatcher;
  private readonly endedEmitter = this._register(new vscode.EventEmitter<NodeOf<'migration'>>());
  /** A running migration this window watched has just ended (activate() offers the next step). */
  readonly onDidEndMigration = this.endedEmitter.event;
  private backend: Promise<AzureBackend> | undefined;
  private readonly sessionPasswords = new Map<string, string>();
  /** Set once the direct engine has loaded: only then can a migration run in this host. */
  private directWatch: LiveWatch | undefined;
  /** Follow a direct migration running in this window; undefined when it runs elsewhere. */
  readonly watchLive: LiveWatch = (target, name, listener) => this.directWatch?.(target, name, listener);

  constructor(readonly extension: vscode.ExtensionContext) {
    super();
    this.connections = this._register(new ConnectionStore(extension.globalState, extension.secrets));
    this.direct = lazyProvider('direct', async () => {
      const backend = loadDirectProvider(() => ({ pgDumpPath: this.config.pgDumpPath, jobs: this.config.copyJobs }), (t, role) => this.serverPassword(t, role));
      this._register(this.config.onDidChange(() => backend.applySettings()));
      this.directWatch = backend.watch;
      return backend.provider;
    }, this.log, (spec, secrets) => {
      // Kept for this window only: cutover and cancel of an online migration reconnect to both
      // servers, which may not be saved connections.
      if (secrets.sourcePassword !== undefined) this.sessionPasswords.set(spec.source.id, secrets.sourcePassword);
      if (secrets.targetPassword !== undefined) this.sessionPasswords.set(spec.target.id, secrets.targetPassword);
      this.log.addSecret(secrets.sourcePassword);
      this.log.addSecret(secrets.targetPassword);
    });
    this.azureProvider = lazyProvider('azure', async () => (await this.azureBackend()).provider(), this.log);
    this.model = new TreeModel(this.treeSources());
    this.tree = this._register(new MigrationTreeProvider(this.model));
    this.watcher = this._register(new MigrationWatcher(this.model, (k) => this.provider(k), this.config, this.log, () => this.updateStatusBar(), (n) => this.endedEmitter.fire(n), this.watchLive));
    this._register(this.connections.onDidChange(() => this.refreshNode('direct')));
    this._register(this.azure.onDidChange(() => {
      this.backend = undefined;
      this.refreshNode('azure');
    }));
    this._register(this.config.onDidChange(() => {
      this.updateStatusBar();
      this.refreshNode('azure');
    }));
  }

  provider(kind: 'azure' | 'direct'): MigrationProvider {
    return kind === 'azure' ? this.azureProvider : this.direct;
  }

  azureBackend(): Promise<AzureBackend> {
    this.backend ??= loadAzureBackend({ credentialFor: (t) => this.azure.credential(t), endpoint: currentCloud().armEndpoint }).catch((e) => {
      this.backend = undefined;
      throw e;
    });
    return this.backend;
  }

  /**
   * The password of a Direct server the engine must reconnect to (cutover, cancel, cleanup):
   * a saved connection's, else the one given when a migration was created in this window.
   */
  async serverPassword(t: ServerRef, role: 'source' | 'target'): Promise<string | undefined> {
    const saved = this.connections.list().filter((x) => toServerRef(x).id === t.id).sort((a, b) => Number(b.role === role) - Number(a.role === role));
    for (const c of saved) {
      const p = await this.connections.password(c.id);
      if (p !== undefined) return p;
    }
    return this.sessionPasswords.get(t.id);
  }

  refreshNode(id?: string): void {
    // A user's refresh must reach ARM, not the discovery cache.
    if (id === undefined || id.startsWith('azure')) void this.backend?.then((b) => b.invalidate(), () => undefined);
    const node = id === undefined ? undefined : this.model.get(id);
    this.model.refresh(node);
  }

  updateStatusBar(): void {
    this.statusBar.update(this.model.migrations().map((n) => ({ migration: n.migration, target: n.target })), this.config.latency);
  }

  hidden(): ReadonlySet<string> {
    return new Set(this.extension.globalState.get<string[]>(HIDDEN_KEY, []));
  }

  async hide(target: ServerRef, name: string): Promise<void> {
    await this.extension.globalState.update(HIDDEN_KEY, [...this.hidden(), hiddenKey(target, name)]);
  }

  private treeSources(): TreeSources {
    return {
      azure: {
        tenants: () => this.azure.tenants(),
        subscriptions: async (t) => (await this.azureBackend()).subscriptions(t),
        flexibleServers: async (s) => (await this.azureBackend()).flexibleServers(s),
        singleServers: async (s) => (await this.azureBackend()).singleServers(s),
        migrations: (t) => this.azureProvider.list(t),
      },
      direct: {
        connections: () => this.connections.list(),
        migrations: (t) => this.direct.list(t),
      },
      subscriptionFilter: () => this.config.subscriptionFilter,
      hidden: () => this.hidden(),
    };
  }
}
