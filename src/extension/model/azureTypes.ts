/** What the tree needs to know about Azure, independent of the SDK and of 'vscode'. */

export interface AzureTenant {
  tenantId: string;
  displayName?: string;
}

export interface AzureSubscription {
  subscriptionId: string;
  displayName: string;
  tenantId: string;
}

export interface AzureServer {
  /** ARM resource id. */
  id: string;
  name: string;
  kind: 'flexible' | 'single';
  subscriptionId: string;
  resourceGroup: string;
  location?: string;
  version?: string;
  skuName?: string;
  skuTier?: string;
  fqdn?: string;
  administratorLogin?: string;
  state?: string;
}

/** Thrown by an Azure source when the user must sign in (again) first, optionally to one tenant. */
export class SignInRequiredError extends Error {
  constructor(readonly tenantId?: string, message = 'Sign in to Azure to see your servers.') {
    super(message);
    this.name = 'SignInRequiredError';
  }
}

/** Keeps subscriptions named (by id or display name) in `pgflex.azure.subscriptionFilter`; all when empty. */
export function filterSubscriptions(subs: AzureSubscription[], filter: string[]): AzureSubscription[] {
  const f = filter.map((x) => x.trim().toLowerCase()).filter(Boolean);
  if (!f.length) return subs;
  return subs.filter((s) => f.includes(s.subscriptionId.toLowerCase()) || f.includes(s.displayName.toLowerCase()));
}
