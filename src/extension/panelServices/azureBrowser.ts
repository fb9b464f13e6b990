import type { AzureServerInfo, AzureSubscriptionInfo } from '../../contract/protocol';
import type { PgflexContext } from '../context';
import { filterSubscriptions } from '../model/azureTypes';
import type { AzureBrowser } from '../panels/services';

/** The wizard's Azure pickers: subscriptions (by the filter setting), resource groups, servers. */
export function azureBrowser(ctx: PgflexContext): AzureBrowser {
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
