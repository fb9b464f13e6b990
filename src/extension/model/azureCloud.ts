/**
 * Which Azure cloud the sign-in and ARM calls go to. VS Code's own setting
 * `microsoft-sovereign-cloud.environment` picks a sovereign cloud, whose sign-in is the
 * `microsoft-sovereign-cloud` authentication provider.
 */
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
