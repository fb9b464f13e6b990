/**
 * The Azure side the tree and the panels use: server discovery and the migration provider,
 * over a TokenCredential from the VS Code sign-in. The implementation (src/azure, with the
 * Azure SDK) is imported on first use only.
 */
import type { MigrationProvider } from '../../core/provider';
import type { AzureServer, AzureSubscription } from '../model/azureTypes';
import type { TokenCredentialLike } from './azureAccount';

export interface AzureBackend {
  flexibleServers(sub: AzureSubscription): Promise<AzureServer[]>;
  singleServers(sub: AzureSubscription): Promise<AzureServer[]>;
  resourceGroups(subscriptionId: string): Promise<string[]>;
  provider(): MigrationProvider;
}

export async function loadAzureBackend(_credential: TokenCredentialLike): Promise<AzureBackend> {
  throw new Error('Azure Flexible Server discovery is not available in this build yet; use Direct connections.');
}
