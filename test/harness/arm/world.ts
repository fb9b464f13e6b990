/** The resources the loopback ARM server serves: subscriptions, Flexible and Single Servers. */
import type { ConnInfo } from '../../../src/pg/connection';

export interface WorldSubscription {
  subscriptionId: string;
  displayName: string;
  tenantId: string;
}

export interface WorldFlexibleServer {
  subscriptionId: string;
  resourceGroup: string;
  name: string;
  location: string;
  version: string;
  skuName: string;
  skuTier: string;
  storageGb: number;
  state: string;
  administratorLogin: string;
  parameters: Map<string, string>;
  firewallRules: Map<string, { startIpAddress: string; endIpAddress: string }>;
  /** The real PostgreSQL server standing in for it (direct backend), password included. */
  pg?: ConnInfo;
}

export interface WorldSingleServer {
  subscriptionId: string;
  resourceGroup: string;
  name: string;
  location: string;
  version: string;
  skuName: string;
  skuTier: string;
  capacity: number;
  storageMb: number;
  administratorLogin: string;
  pg?: ConnInfo;
}

export class ArmWorld {
  subscriptions: WorldSubscription[] = [];
  flexibleServers: WorldFlexibleServer[] = [];
  singleServers: WorldSingleServer[] = [];

  addSubscription(subscriptionId: string, displayName = `Subscription ${subscriptionId.slice(0, 8)}`): WorldSubscription {
    const s = { subscriptionId, displayName, tenantId: '72f988bf-0000-0000-0000-000000000000' };
    this.subscriptions.push(s);
    return s;
  }

  addFlexibleServer(p: Partial<WorldFlexibleServer> & { subscriptionId: string; resourceGroup: string; name: string }): WorldFlexibleServer {
    const s: WorldFlexibleServer = {
      location: 'eastus',
      version: '16',
      skuName: 'Standard_D4ds_v5',
      skuTier: 'GeneralPurpose',
      storageGb: 128,
      state: 'Ready',
      administratorLogin: 'pgadmin',
      parameters: new Map([
        ['azure.extensions', ''],
        ['shared_preload_libraries', 'pg_cron,pg_stat_statements'],
        ['wal_level', 'replica'],
      ]),
      firewallRules: new Map(),
      ...p,
    };
    this.flexibleServers.push(s);
    return s;
  }

  addSingleServer(p: Partial<WorldSingleServer> & { subscriptionId: string; resourceGroup: string; name: string }): WorldSingleServer {
    const s: WorldSingleServer = { location: 'eastus', version: '11', skuName: 'GP_Gen5_4', skuTier: 'GeneralPurpose', capacity: 4, storageMb: 102400, administratorLogin: 'pgadmin', ...p };
    this.singleServers.push(s);
    return s;
  }

  flexible(sub: string, rg: string, name: string): WorldFlexibleServer | undefined {
    const eq = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
    return this.flexibleServers.find((s) => eq(s.subscriptionId, sub) && eq(s.resourceGroup, rg) && eq(s.name, name));
  }

  single(sub: string, rg: string, name: string): WorldSingleServer | undefined {
    const eq = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
    return this.singleServers.find((s) => eq(s.subscriptionId, sub) && eq(s.resourceGroup, rg) && eq(s.name, name));
  }
}

export function flexId(s: { subscriptionId: string; resourceGroup: string; name: string }): string {
  return `/subscriptions/${s.subscriptionId}/resourceGroups/${s.resourceGroup}/providers/Microsoft.DBforPostgreSQL/flexibleServers/${s.name}`;
}

export function singleId(s: { subscriptionId: string; resourceGroup: string; name: string }): string {
  return `/subscriptions/${s.subscriptionId}/resourceGroups/${s.resourceGroup}/providers/Microsoft.DBforPostgreSQL/servers/${s.name}`;
}
