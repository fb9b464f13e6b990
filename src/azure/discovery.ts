/**
 * Discovery for the tree and the wizard: subscriptions, Flexible Servers (targets), Single
 * Servers (sources), each server's migrations. Calls go through a per-subscription pool and a
 * short cache, so a tree of hundreds of servers loads in parallel without hammering ARM.
 */
import type { Server } from '@azure/arm-postgresql-flexible';
import type { Migration } from '../core/model';
import { parseFlexibleServerId, parseSingleServerId, type AzureServerId } from '../core/ids';
import { vCoresFromSkuName } from './sku';
import { AzureMigrationProvider, MIGRATIONS_API_VERSION } from './provider';
import type { AzureSession } from './session';

export const SUBSCRIPTIONS_API_VERSION = '2022-12-01';
export const SINGLE_SERVER_API_VERSION = '2017-12-01';

export interface SubscriptionInfo {
  subscriptionId: string;
  displayName: string;
  tenantId?: string;
  state?: string;
}

export interface ServerInfo extends AzureServerId {
  id: string;
  kind: 'azure-flexible' | 'azure-single';
  location: string;
  version?: string;
  skuName?: string;
  skuTier?: string;
  vCores?: number;
  /** Flexible: `Ready`, `Stopped`, …; Single: `userVisibleState`. */
  state?: string;
  storageMb?: number;
  fullyQualifiedDomainName?: string;
  administratorLogin?: string;
}

/** Which subscriptions to show: all, or those whose id or name is in the list (case-insensitive). */
export type SubscriptionFilter = string[] | ((s: SubscriptionInfo) => boolean) | undefined;

function matches(filter: SubscriptionFilter, s: SubscriptionInfo): boolean {
  if (!filter) return true;
  if (typeof filter === 'function') return filter(s);
  if (filter.length === 0) return true;
  const f = filter.map((x) => x.toLowerCase());
  return f.includes(s.subscriptionId.toLowerCase()) || f.includes(s.displayName.toLowerCase());
}

export interface TreeData {
  subscriptions: {
    subscription: SubscriptionInfo;
    flexibleServers: { server: ServerInfo; migrations: Migration[]; error?: string }[];
    singleServers: ServerInfo[];
    error?: string;
  }[];
}

export class AzureDiscovery {
  private readonly provider: AzureMigrationProvider;

  constructor(private readonly session: AzureSession) {
    this.provider = new AzureMigrationProvider(session);
  }

  async subscriptions(filter?: SubscriptionFilter): Promise<SubscriptionInfo[]> {
    const all = await this.session.discover('', 'subscriptions', () =>
      this.session.getAll<SubscriptionInfo & { id?: string }>(`/subscriptions?api-version=${SUBSCRIPTIONS_API_VERSION}`, {
        action: 'list your Azure subscriptions',
        resource: 'the subscriptions of your account',
      }),
    );
    return all
      .map((s) => ({ subscriptionId: s.subscriptionId, displayName: s.displayName ?? s.subscriptionId, tenantId: s.tenantId, state: s.state }))
      .filter((s) => matches(filter, s));
  }

  /** Flexible Servers of a subscription: the migration targets. */
  flexibleServers(subscriptionId: string): Promise<ServerInfo[]> {
    // The SDK's servers.listBySubscription GET, through its pipeline, read as raw JSON (cheaper on big trees).
    return this.session.discover(subscriptionId, `flex:${subscriptionId}`, async () => {
      const raw = await this.session.getAll<RawFlexibleServer>(
        `/subscriptions/${subscriptionId}/providers/Microsoft.DBforPostgreSQL/flexibleServers?api-version=${MIGRATIONS_API_VERSION}`,
        { action: 'list the Flexible Servers', resource: `subscription ${subscriptionId}`, permission: 'Microsoft.DBforPostgreSQL/flexibleServers/read' },
        subscriptionId,
      );
      return raw.map((s) => flexibleInfo({ ...s, ...s.properties } as Server));
    });
  }

  /** Single Servers of a subscription (sources). Not in the Flexible SDK: plain ARM GET through the same pipeline. */
  singleServers(subscriptionId: string): Promise<ServerInfo[]> {
    return this.session.discover(subscriptionId, `single:${subscriptionId}`, async () => {
      const raw = await this.session.getAll<RawSingleServer>(
        `/subscriptions/${subscriptionId}/providers/Microsoft.DBforPostgreSQL/servers?api-version=${SINGLE_SERVER_API_VERSION}`,
        { action: 'list the Single Servers', resource: `subscription ${subscriptionId}`, permission: 'Microsoft.DBforPostgreSQL/servers/read' },
        subscriptionId,
      );
      return raw.map(singleInfo).filter((s): s is ServerInfo => s !== undefined);
    });
  }

  /** Migrations of one target, finished ones included. */
  migrations(server: AzureServerId): Promise<Migration[]> {
    return this.session.discover(server.subscriptionId, `migrations:${server.subscriptionId}/${server.resourceGroup}/${server.name}`.toLowerCase(), () => this.provider.list(server));
  }

  /** Forget cached results (after a create, a cutover, or on Refresh). */
  invalidate(prefix?: string): void {
    this.session.cache.invalidate(prefix);
  }

  /**
   * Everything the tree shows, loaded in parallel: subscriptions → (Flexible Servers →
   * migrations, Single Servers). A failure in one branch is reported on that branch only.
   */
  async tree(filter?: SubscriptionFilter): Promise<TreeData> {
    const subs = await this.subscriptions(filter);
    const msg = (e: unknown) => (e instanceof Error ? e.message : String(e));
    return {
      subscriptions: await Promise.all(
        subs.map(async (subscription) => {
          const [flex, single] = await Promise.allSettled([
            this.flexibleServers(subscription.subscriptionId).then((servers) =>
              Promise.all(
                servers.map((server) =>
                  this.migrations(server).then(
                    (migrations) => ({ server, migrations }),
                    (e) => ({ server, migrations: [], error: msg(e) }),
                  ),
                ),
              ),
            ),
            this.singleServers(subscription.subscriptionId),
          ]);
          const errors = [flex, single].filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => msg(r.reason));
          return {
            subscription,
            flexibleServers: flex.status === 'fulfilled' ? flex.value : [],
            singleServers: single.status === 'fulfilled' ? single.value : [],
            ...(errors.length ? { error: errors.join(' ') } : {}),
          };
        }),
      ),
    };
  }
}

export function flexibleInfo(s: Server): ServerInfo {
  const id = s.id ?? '';
  const parts = parseFlexibleServerId(id) ?? { subscriptionId: '', resourceGroup: '', name: s.name ?? '' };
  return {
    ...parts,
    id,
    kind: 'azure-flexible',
    location: s.location,
    version: s.version,
    skuName: s.sku?.name,
    skuTier: s.sku?.tier,
    vCores: vCoresFromSkuName(s.sku?.name),
    state: s.state,
    storageMb: s.storage?.storageSizeGB !== undefined ? s.storage.storageSizeGB * 1024 : undefined,
    fullyQualifiedDomainName: s.fullyQualifiedDomainName,
    administratorLogin: s.administratorLogin,
  };
}

interface RawFlexibleServer {
  id: string;
  name: string;
  location: string;
  sku?: { name: string; tier: string };
  properties?: Record<string, unknown>;
}

interface RawSingleServer {
  id: string;
  name: string;
  location: string;
  sku?: { name?: string; tier?: string; capacity?: number };
  properties?: { version?: string; userVisibleState?: string; fullyQualifiedDomainName?: string; administratorLogin?: string; storageProfile?: { storageMB?: number } };
}

export function singleInfo(s: RawSingleServer): ServerInfo | undefined {
  const parts = parseSingleServerId(s.id);
  if (!parts) return undefined;
  return {
    ...parts,
    id: s.id,
    kind: 'azure-single',
    location: s.location,
    version: s.properties?.version,
    skuName: s.sku?.name,
    skuTier: s.sku?.tier,
    vCores: s.sku?.capacity ?? vCoresFromSkuName(s.sku?.name),
    state: s.properties?.userVisibleState,
    storageMb: s.properties?.storageProfile?.storageMB,
    fullyQualifiedDomainName: s.properties?.fullyQualifiedDomainName,
    administratorLogin: s.properties?.administratorLogin,
  };
}
