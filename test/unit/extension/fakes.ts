/** Fake data for the extension's pure logic: migrations and tree sources, no servers. */
import type { Migration, ReplicationLeftover } from '../../../src/core/model';
import type { ServerRef } from '../../../src/core/provider';
import { type AzureServer, type AzureSubscription, type AzureTenant, SignInRequiredError } from '../../../src/extension/model/azureTypes';
import type { SavedConnection } from '../../../src/extension/model/connections';
import type { TreeSources } from '../../../src/extension/model/treeModel';

export function migration(name: string, over: Partial<Migration> & { state?: string; substate?: string; latency?: Record<string, number | undefined> } = {}): Migration {
  const { state = 'InProgress', substate, latency, ...rest } = over;
  const dbDetails = latency
    ? Object.fromEntries(Object.entries(latency).map(([db, l]) => [db, { databaseName: db, migrationState: substate === 'WaitingForCutoverTrigger' ? 'WaitingForCutoverTrigger' : 'InProgress', latency: l }]))
    : undefined;
  return {
    name,
    provider: 'direct',
    migrationMode: 'Offline',
    dbsToMigrate: latency ? Object.keys(latency) : ['app'],
    currentStatus: { state, currentSubStateDetails: { currentSubState: substate, ...(dbDetails ? { dbDetails } : {}) } },
    ...rest,
  };
}

export function waitingOnline(name: string, latency: Record<string, number | undefined>, startedOn = '2026-01-01T10:00:00Z'): Migration {
  return migration(name, { state: 'WaitingForUserAction', substate: 'WaitingForCutoverTrigger', migrationMode: 'Online', latency, startedOn });
}

export const conn = (label: string, role: 'source' | 'target', port = 5432): SavedConnection => ({
  id: `direct:${role}:localhost:${port}@postgres/postgres`,
  label,
  role,
  host: 'localhost',
  port,
  user: 'postgres',
  database: 'postgres',
  sslMode: 'prefer',
});

export interface FakeSourcesState {
  signedIn: boolean;
  tenants: AzureTenant[];
  subscriptions: Record<string, AzureSubscription[]>;
  flexible: Record<string, AzureServer[]>;
  single: Record<string, AzureServer[]>;
  migrations: Record<string, Migration[] | Error>;
  connections: SavedConnection[];
  filter: string[];
  hidden: Set<string>;
  calls: string[];
  /** pgflex slots per source connection id. */
  slots: Record<string, ReplicationLeftover[]>;
  warnBytes: number;
}

export function fakeSources(init: Partial<FakeSourcesState> = {}): { sources: TreeSources; state: FakeSourcesState } {
  const state: FakeSourcesState = {
    signedIn: true, tenants: [], subscriptions: {}, flexible: {}, single: {}, migrations: {}, connections: [], filter: [], hidden: new Set(), calls: [], slots: {}, warnBytes: 1024 ** 3, ...init,
  };
  const migrations = async (t: ServerRef) => {
    state.calls.push(`migrations:${t.id}`);
    const m = state.migrations[t.id] ?? [];
    if (m instanceof Error) throw m;
    return m;
  };
  const sources: TreeSources = {
    azure: {
      tenants: async () => {
        state.calls.push('tenants');
        if (!state.signedIn) throw new SignInRequiredError();
        return state.tenants;
      },
      subscriptions: async (t) => state.subscriptions[t.tenantId] ?? [],
      flexibleServers: async (s) => state.flexible[s.subscriptionId] ?? [],
      singleServers: async (s) => state.single[s.subscriptionId] ?? [],
      migrations,
    },
    direct: { connections: () => state.connections, migrations, slots: async (c) => state.slots[c.id] ?? [], warnBytes: () => state.warnBytes },
    subscriptionFilter: () => state.filter,
    hidden: () => state.hidden,
  };
  return { sources, state };
}
