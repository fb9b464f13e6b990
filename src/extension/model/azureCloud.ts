/**
 * Which Azure cloud the sign-in and ARM calls go to. VS Code's own setting
 * `microsoft-sovereign-cloud.environment` picks a sovereign cloud, whose sign-in is the
 * `microsoft-sovereign-cloud` authentication provider.
 */
import { defaultSslMode } from '../../pg/azureHosts';

export interface AzureCloud {
  name: string;
  authProvider: 'microsoft' | 'microsoft-sovereign-cloud';
  armEndpoint: string;
  /** Entra ID tokens as PostgreSQL passwords. */
  ossrdbmsScope: string;
}

const PUBLIC: AzureCloud = {
  name: 'AzureCloud',
  authProvider: 'microsoft',
  armEndpoint: 'https://management.azure.com',
  ossrdbmsScope: 'https://ossrdbms-aad.database.windows.net/.default',
};

const SOVEREIGN: Record<string, Omit<AzureCloud, 'authProvider'>> = {
  ChinaCloud: { name: 'ChinaCloud', armEndpoint: 'https://management.chinacloudapi.cn', ossrdbmsScope: 'https://ossrdbms-aad.database.chinacloudapi.cn/.default' },
  USGovernment: { name: 'USGovernment', armEndpoint: 'https://management.usgovcloudapi.net', ossrdbmsScope: 'https://ossrdbms-aad.database.usgovcloudapi.net/.default' },
};

export function azureCloud(sovereignSetting: string | undefined, armEndpointOverride?: string): AzureCloud {
  const s = sovereignSetting ? SOVEREIGN[sovereignSetting] : undefined;
  const cloud: AzureCloud = s ? { ...s, authProvider: 'microsoft-sovereign-cloud' } : PUBLIC;
  return armEndpointOverride ? { ...cloud, armEndpoint: armEndpointOverride.replace(/\/$/, '') } : cloud;
}

export function armScope(c: AzureCloud): string {
  return `${c.armEndpoint}/.default`;
}

/**
 * PGFLEX_ARM_TOKEN (tests, the sandbox) is a token for ARM: it is handed out for the ARM scope
 * only, never as a database password for the ossrdbms scope.
 */
export function fixedTokenFor(resource: string, cloud: AzureCloud, fixed: string | undefined): string | undefined {
  return fixed && resource === armScope(cloud) ? fixed : undefined;
}

/**
 * An Entra token is offered as the password of an Azure server only over TLS that verifies the
 * server (verify-full is the default for Azure hosts): anyone on the path could replay it.
 */
export function entraTokenAllowed(server: { kind: string; host: string; sslMode?: string }): boolean {
  if (server.kind === 'direct') return false;
  const mode = server.sslMode ?? defaultSslMode(server.host);
  return mode === 'verify-full' || mode === 'verify-ca';
}
