/**
 * The Azure side the tree and the panels use: server discovery and the migration provider,
 * over the VS Code sign-in. src/azure (with the Azure SDK) is imported on first use only.
 * One ARM session per tenant, since a token speaks for one tenant.
 */
import type { Migration } from '../../core/model';
import type { MigrationProvider, MigrationSpec, Secrets, ServerRef } from '../../core/provider';
import type { Azure, ServerInfo } from '../../azure';
import { parseFlexibleServerId } from '../../core/ids';
import { lazy } from '../lazyModules';
import type { AzureServer, AzureSubscription, AzureTenant } from '../model/azureTypes';
import type { TokenCredentialLike } from './azureAccount';

export interface AzureBackend {
  subscriptions(tenant: AzureTenant): Promise<AzureSubscription[]>;
  flexibleServers(sub: AzureSubscription): Promise<AzureServer[]>;
  singleServers(sub: AzureSubscription): Promise<AzureServer[]>;
  provider(): MigrationProvider;
  /** The src/azure facade for a subscription's tenant (parameters, firewall, fixes). */
  forSubscription(subscriptionId: string): Azure;
  invalidate(): void;
}

export interface AzureBackendOptions {
  credentialFor(tenantId?: string): TokenCredentialLike;
  /** ARM endpoint (sovereign clouds, or a test server); default public Azure. */
  endpoint?: string;
}

export async function loadAzureBackend(options: AzureBackendOptions): Promise<AzureBackend> {
  const az = lazy();
  const sessions = new Map<string, Azure>();
  const tenantOfSub = new Map<string, string | undefined>();
  const forTenant = (tenantId: string | undefined): Azure => {
    const key = tenantId ?? '';
    let a = sessions.get(key);
    if (!a) {
      a = az.openAzure({ credential: options.credentialFor(tenantId) as Parameters<typeof az.openAzure>[0]['credential'], endpoint: options.endpoint });
      sessions.set(key, a);
    }
    return a;
  };
  const forSubscription = (subscriptionId: string) => forTenant(tenantOfSub.get(subscriptionId.toLowerCase()));
  const subOf = (t: ServerRef): string => parseFlexibleServerId(t.id)?.subscriptionId ?? '';
  const remember = (sub: AzureSubscription) => tenantOfSub.set(sub.subscriptionId.toLowerCase(), sub.tenantId);
  const on = (t: ServerRef) => forSubscription(subOf(t)).provider;

  const provider: MigrationProvider = {
    kind: 'azure',
    checkName: (t, name) => on(t).checkName(t, name),
    create: (spec: MigrationSpec, secrets: Secrets) => on(spec.target).create(spec, secrets),
    get: (t, name) => on(t).get(t, name),
    list: (t): Promise<Migration[]> => forSubscription(subOf(t)).discovery.migrations(parseFlexibleServerId(t.id) ?? { subscriptionId: '', resourceGroup: '', name: t.label }),
    cutover: (t, name, dbs) => on(t).cutover(t, name, dbs),
    cancel: (t, name, dbs) => on(t).cancel(t, name, dbs),
  };
  return {
    async subscriptions(tenant) {
      const subs = await forTenant(tenant.tenantId).discovery.subscriptions();
      return subs
        .filter((x) => x.state === undefined || x.state === 'Enabled' || x.state === 'Warned')
        .map((x) => ({ subscriptionId: x.subscriptionId, displayName: x.displayName, tenantId: x.tenantId ?? tenant.tenantId }));
    },
    async flexibleServers(sub) {
      remember(sub);
      return (await forSubscription(sub.subscriptionId).discovery.flexibleServers(sub.subscriptionId)).map(toAzureServer);
    },
    async singleServers(sub) {
      remember(sub);
      return (await forSubscription(sub.subscriptionId).discovery.singleServers(sub.subscriptionId)).map(toAzureServer);
    },
    provider: () => provider,
    forSubscription,
    invalidate: () => {
      for (const a of sessions.values()) a.discovery.invalidate();
    },
  };
}

function toAzureServer(s: ServerInfo): AzureServer {
  return {
    id: s.id,
    name: s.name,
    kind: s.kind === 'azure-flexible' ? 'flexible' : 'single',
    subscriptionId: s.subscriptionId,
    resourceGroup: s.resourceGroup,
    location: s.location,
    version: s.version,
    skuName: s.skuName,
    skuTier: s.skuTier,
    fqdn: s.fullyQualifiedDomainName,
    administratorLogin: s.administratorLogin,
    state: s.state,
  };
}
