/**
 * The Azure provider: migrations through Azure Resource Manager, discovery, server parameters.
 * No `vscode` here: the extension passes a TokenCredential (see `sessionCredential`).
 *
 * Surface for the extension and the CLI:
 *
 *   const azure = openAzure({ credential, endpoint?, ca? });
 *   azure.provider              MigrationProvider (checkName/create/get/list/cutover/cancel),
 *                               plus createMigration(target, name, AzureCreateRequest, secrets),
 *                               cutoverMigration/cancelMigration (return the migration),
 *                               update(target, name, AzurePatchRequest) to answer a migration that
 *                               waits (logical replication setup, overwrite, start now), waitFor.
 *                               list() = every migration (migrationListFilter=All), raw-mapped.
 *                               Targets are ServerRefs whose `id` is the Flexible Server's ARM id,
 *                               the id itself, or { subscriptionId, resourceGroup, name }.
 *   azure.discovery             subscriptions(filter?), flexibleServers(sub), singleServers(sub),
 *                               migrations(server), tree(filter?), invalidate(prefix?) — pooled
 *                               (8 per subscription) and cached (30 s).
 *   azure.parameters            get/set, allowlistExtensions, addSharedPreloadLibraries({restart}),
 *                               enableLogicalReplication({restart}), restartAndWait,
 *                               targetFacts(server) → validateDirect's `azureTarget`,
 *                               applyFix(server, fix, {restart}).
 *   azure.allowClientAddress(server, ip)   firewall rule for this machine (ask first);
 *                               refusedClientAddress(pgErrorMessage) finds the ip to allow.
 *   migrationDeadlines(m)       7-day lifetime and 72-hour cutover window, with warning levels.
 *   explainArmError / AzureError  every failure has `kind` (sign-in, forbidden, not-found,
 *                               conflict, throttled, service, invalid, network, state) and a
 *                               sentence a person can act on.
 *   sessionCredential(getSession)  VS Code auth session callback → TokenCredential.
 */
import { AzureDiscovery } from './discovery';
import { allowClientAddress } from './firewall';
import type { AzureServerId } from '../core/ids';
import { AzureServerParameters } from './parameters';
import { AzureMigrationProvider } from './provider';
import { AzureSession, type AzureSessionOptions } from './session';

export interface Azure {
  session: AzureSession;
  provider: AzureMigrationProvider;
  discovery: AzureDiscovery;
  parameters: AzureServerParameters;
  allowClientAddress(server: AzureServerId, address: string): Promise<{ ruleName: string }>;
}

export function openAzure(options: AzureSessionOptions): Azure {
  const session = new AzureSession(options);
  return {
    session,
    provider: new AzureMigrationProvider(session),
    discovery: new AzureDiscovery(session),
    parameters: new AzureServerParameters(session),
    allowClientAddress: (server, address) => allowClientAddress(session, server, address),
  };
}

export { AzureSession, DEFAULT_ARM_ENDPOINT, type AzureSessionOptions } from './session';
export { AzureMigrationProvider, isCancelable, type AzurePatchRequest, requestFromSpec, targetOf, type TargetLike } from './provider';
export { AzureDiscovery, type ServerInfo, type SubscriptionInfo, type SubscriptionFilter, type TreeData } from './discovery';
export { AzureServerParameters, type AzureTargetFacts } from './parameters';
export { refusedClientAddress, lookupPublicAddress, firewallRuleName } from './firewall';
export { migrationDeadlines, activeMigration, LIFETIME_MS, CUTOVER_WINDOW_MS, type MigrationDeadlines, type Deadline } from './limits';
export { AzureError, explainArmError, type AzureErrorKind } from './errors';
export { cliCredential, sessionCredential, staticTokenCredential, SignInRequiredError, type GetSession, type SessionLike, type TokenCredential } from './credential';
export { flexibleServerId, singleServerId, parseFlexibleServerId, parseSingleServerId, hostSourceId, parseHostSourceId, type AzureServerId } from '../core/ids';
export { vCoresFromSkuName } from './sku';
export { fromArmJson, fromSdkMigration, toSdkCreate, cutoverPatch, cancelPatch, type AzureCreateRequest } from './mapping';
