/**
 * The explorer's data: every level loads asynchronously into this model (one promise per
 * parent, cached), and the TreeDataProvider only renders what is here. Failures become an
 * error node under the parent, a needed sign-in a sign-in node. Pure: tested with fake
 * sources in plain Node.
 */
import type { Migration, ReplicationLeftover } from '../../core/model';
import { heavySlots } from '../../core/leftovers';
import type { ServerRef } from '../../core/provider';
import { type AzureServer, type AzureSubscription, type AzureTenant, SignInRequiredError, filterSubscriptions } from './azureTypes';
import { type SavedConnection, toServerRef } from './connections';
import { newestFirst } from './migrationPresentation';

export type TreeNode =
  | { kind: 'azureRoot'; id: string }
  | { kind: 'directRoot'; id: string }
  | { kind: 'signIn'; id: string; tenantId?: string }
  | { kind: 'tenant'; id: string; tenant: AzureTenant }
  | { kind: 'subscription'; id: string; subscription: AzureSubscription }
  | { kind: 'serverGroup'; id: string; subscription: AzureSubscription; group: 'flexible' | 'single' }
  | { kind: 'azureServer'; id: string; server: AzureServer }
  | { kind: 'addConnection'; id: string }
  | { kind: 'connection'; id: string; connection: SavedConnection }
  | { kind: 'migration'; id: string; migration: Migration; target: ServerRef }
  /** A replication slot pgflex left on a source connection; `heavy`: it holds more WAL than pgflex.leftovers.warnBytes. */
  | { kind: 'leftover'; id: string; leftover: ReplicationLeftover; connection: SavedConnection; heavy: boolean }
  | { kind: 'error'; id: string; message: string; retry: string }
  | { kind: 'info'; id: string; message: string };

export type NodeOf<K extends TreeNode['kind']> = Extract<TreeNode, { kind: K }>;

export interface AzureTreeSource {
  /** Tenants of the signed-in account; throws SignInRequiredError when signed out. */
  tenants(): Promise<AzureTenant[]>;
  subscriptions(tenant: AzureTenant): Promise<AzureSubscription[]>;
  flexibleServers(sub: AzureSubscription): Promise<AzureServer[]>;
  singleServers(sub: AzureSubscription): Promise<AzureServer[]>;
  migrations(target: ServerRef): Promise<Migration[]>;
}

export interface DirectTreeSource {
  connections(): SavedConnection[];
  migrations(target: ServerRef): Promise<Migration[]>;
  /** pgflex's replication slots on a source, with the WAL each holds. */
  slots(source: SavedConnection): Promise<ReplicationLeftover[]>;
  /** pgflex.leftovers.warnBytes. */
  warnBytes(): number;
}

export interface TreeSources {
  azure: AzureTreeSource;
  direct: DirectTreeSource;
  subscriptionFilter(): string[];
  /** Keys (`targetId|name`) of migrations the user removed from the list. */
  hidden(): ReadonlySet<string>;
}

export function hiddenKey(target: ServerRef, name: string): string {
  return `${target.id}|${name}`;
}

export function azureServerRef(s: AzureServer): ServerRef {
  return {
    id: s.id,
    label: s.name,
    host: s.fqdn ?? `${s.name}.postgres.database.azure.com`,
    port: 5432,
    user: s.administratorLogin ?? '',
    database: 'postgres',
    sslMode: 'verify-full',
    kind: s.kind === 'flexible' ? 'azure-flexible' : 'azure-single',
  };
}

const ROOTS: TreeNode[] = [
  { kind: 'azureRoot', id: 'azure' },
  { kind: 'directRoot', id: 'direct' },
];

type Listener = (node: TreeNode | undefined) => void;

export class TreeModel {
  private readonly pending = new Map<string, Promise<TreeNode[]>>();
  private readonly loaded = new Map<string, TreeNode[]>();
  private readonly nodes = new Map<string, TreeNode>();
  private readonly parents = new Map<string, string>();
  private readonly listeners = new Set<Listener>();
  private readonly loadListeners = new Set<() => void>();

  constructor(private readonly sources: TreeSources) {
    for (const r of ROOTS) this.nodes.set(r.id, r);
  }

  onDidChange(l: Listener): { dispose(): void } {
    this.listeners.add(l);
    return { dispose: () => this.listeners.delete(l) };
  }

  /** A level finished loading (it does not fire onDidChange: the tree asked for it). */
  onDidLoad(l: () => void): { dispose(): void } {
    this.loadListeners.add(l);
    return { dispose: () => this.loadListeners.delete(l) };
  }

  /** Children of a node (roots when undefined). Loads once; later calls get the cached level. */
  children(parent?: TreeNode): Promise<TreeNode[]> {
    if (!parent) return Promise.resolve(ROOTS);
    const have = this.loaded.get(parent.id);
    if (have) return Promise.resolve(have);
    let p = this.pending.get(parent.id);
    if (!p) {
      p = this.load(parent).then((kids) => {
        // A refresh while loading dropped this promise: keep only the newest result.
        if (this.pending.get(parent.id) === p) {
          this.pending.delete(parent.id);
          this.store(parent.id, kids);
          for (const l of this.loadListeners) l();
        }
        return kids;
      });
      this.pending.set(parent.id, p);
    }
    return p;
  }

  /** The loaded children, or undefined while not loaded. */
  peek(parentId: string): TreeNode[] | undefined {
    return this.loaded.get(parentId);
  }

  get(id: string): TreeNode | undefined {
    return this.nodes.get(id);
  }

  parent(node: TreeNode): TreeNode | undefined {
    const p = this.parents.get(node.id);
    return p === undefined ? undefined : this.nodes.get(p);
  }

  /** Forget a level (and everything under it) so it loads again; undefined = everything. */
  refresh(node?: TreeNode): void {
    const id = node?.id;
    for (const key of [...this.loaded.keys(), ...this.pending.keys()]) {
      if (id === undefined || key === id || key.startsWith(`${id}/`)) {
        this.loaded.delete(key);
        this.pending.delete(key);
      }
    }
    this.fire(node && this.nodes.get(node.id));
  }

  /** Every migration the model has loaded, with its target (for the status bar and pickers). */
  migrations(): NodeOf<'migration'>[] {
    const out: NodeOf<'migration'>[] = [];
    for (const kids of this.loaded.values()) for (const k of kids) if (k.kind === 'migration') out.push(k);
    return out;
  }

  /** Targets whose migrations are loaded (what a periodic refresh re-reads). */
  loadedTargets(): TreeNode[] {
    return [...this.loaded.keys()]
      .map((id) => this.nodes.get(id))
      .filter((n): n is TreeNode => !!n && (n.kind === 'azureServer' || n.kind === 'connection'));
  }

  /** Replace one migration in place (after a get), without reloading its level. */
  updateMigration(target: ServerRef, m: Migration): NodeOf<'migration'> | undefined {
    for (const [parentId, kids] of this.loaded) {
      const i = kids.findIndex((k) => k.kind === 'migration' && k.target.id === target.id && k.migration.name === m.name);
      if (i < 0) continue;
      const node: NodeOf<'migration'> = { ...(kids[i] as NodeOf<'migration'>), migration: m };
      const next = kids.slice();
      next[i] = node;
      this.store(parentId, next);
      this.fire(node);
      return node;
    }
    return undefined;
  }

  /** The node holding a target's migrations, if it is in the model. */
  findTargetNode(target: ServerRef): TreeNode | undefined {
    for (const n of this.nodes.values()) {
      if (n.kind === 'azureServer' && n.server.id === target.id) return n;
      if (n.kind === 'connection' && n.connection.role === 'target' && toServerRef(n.connection).id === target.id) return n;
    }
    return undefined;
  }

  private store(parentId: string, kids: TreeNode[]): void {
    this.loaded.set(parentId, kids);
    for (const k of kids) {
      this.nodes.set(k.id, k);
      this.parents.set(k.id, parentId);
    }
  }

  private fire(node: TreeNode | undefined): void {
    for (const l of this.listeners) l(node);
  }

  private async load(parent: TreeNode): Promise<TreeNode[]> {
    try {
      return await this.loadChildren(parent);
    } catch (e) {
      // By name too: the Azure provider raises its own SignInRequiredError class.
      if (e instanceof SignInRequiredError || (e instanceof Error && e.name === 'SignInRequiredError')) {
        return [{ kind: 'signIn', id: `${parent.id}/signin`, tenantId: (e as { tenantId?: string }).tenantId }];
      }
      const message = e instanceof Error ? e.message : String(e);
      return [{ kind: 'error', id: `${parent.id}/error`, message, retry: parent.id }];
    }
  }

  private async loadChildren(parent: TreeNode): Promise<TreeNode[]> {
    const { azure, direct } = this.sources;
    const p = parent.id;
    switch (parent.kind) {
      case 'azureRoot': {
        const tenants = await azure.tenants();
        if (tenants.length === 1) return this.subscriptionNodes(p, tenants[0]);
        if (tenants.length === 0) return [{ kind: 'info', id: `${p}/none`, message: 'This account has no Azure tenants.' }];
        return tenants.map((tenant) => ({ kind: 'tenant', id: `${p}/t:${tenant.tenantId}`, tenant }));
      }
      case 'tenant':
        return this.subscriptionNodes(p, parent.tenant);
      case 'subscription':
        return [
          { kind: 'serverGroup', id: `${p}/flexible`, subscription: parent.subscription, group: 'flexible' },
          { kind: 'serverGroup', id: `${p}/single`, subscription: parent.subscription, group: 'single' },
        ];
      case 'serverGroup': {
        const servers = parent.group === 'flexible'
          ? await azure.flexibleServers(parent.subscription)
          : await azure.singleServers(parent.subscription);
        if (!servers.length) {
          const what = parent.group === 'flexible' ? 'Flexible Servers' : 'Single Servers';
          return [{ kind: 'info', id: `${p}/none`, message: `No ${what} in this subscription.` }];
        }
        return servers
          .slice()
          .sort((a, b) => a.name.localeCompare(b.name))
          .map((server) => ({ kind: 'azureServer', id: `${p}/${server.name}`, server }));
      }
      case 'azureServer': {
        if (parent.server.kind !== 'flexible') return [];
        const target = azureServerRef(parent.server);
        return this.migrationNodes(p, target, await azure.migrations(target));
      }
      case 'directRoot': {
        const conns = direct.connections().slice().sort((a, b) => (a.role === b.role ? a.label.localeCompare(b.label) : a.role === 'source' ? -1 : 1));
        return [
          { kind: 'addConnection', id: `${p}/add` },
          ...conns.map((connection): TreeNode => ({ kind: 'connection', id: `${p}/${connection.id}`, connection })),
        ];
      }
      case 'connection': {
        if (parent.connection.role !== 'target') return this.slotNodes(p, parent.connection);
        const target = toServerRef(parent.connection);
        return this.migrationNodes(p, target, await direct.migrations(target));
      }
      default:
        return [];
    }
  }

  private async subscriptionNodes(parentId: string, tenant: AzureTenant): Promise<TreeNode[]> {
    const subs = filterSubscriptions(await this.sources.azure.subscriptions(tenant), this.sources.subscriptionFilter());
    if (!subs.length) {
      const filtered = this.sources.subscriptionFilter().length > 0;
      return [{
        kind: 'info',
        id: `${parentId}/none`,
        message: filtered ? 'No subscription matches pgflex.azure.subscriptionFilter.' : 'No subscriptions in this tenant.',
      }];
    }
    return subs
      .slice()
      .sort((a, b) => a.displayName.localeCompare(b.displayName))
      .map((subscription) => ({ kind: 'subscription', id: `${parentId}/s:${subscription.subscriptionId}`, subscription }));
  }

  private async slotNodes(parentId: string, connection: SavedConnection): Promise<TreeNode[]> {
    const slots = await this.sources.direct.slots(connection);
    if (!slots.length) return [{ kind: 'info', id: `${parentId}/none`, message: 'No replication slots left by pgflex.' }];
    const warn = this.sources.direct.warnBytes();
    return slots.map((leftover) => ({ kind: 'leftover', id: `${parentId}/slot:${leftover.name}`, leftover, connection, heavy: heavySlots([leftover], warn).length > 0 }));
  }

  private migrationNodes(parentId: string, target: ServerRef, list: Migration[]): TreeNode[] {
    const hidden = this.sources.hidden();
    const shown = list.filter((m) => !hidden.has(hiddenKey(target, m.name))).sort(newestFirst);
    if (!shown.length) return [{ kind: 'info', id: `${parentId}/none`, message: 'No migrations yet.' }];
    return shown.map((migration) => ({ kind: 'migration', id: `${parentId}/m:${migration.name}`, migration, target }));
  }
}
