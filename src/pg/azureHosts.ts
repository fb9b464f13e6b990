/** Azure Database for PostgreSQL host names: verified against Azure's roots by default (azureRootCas.ts). */

/** Host name suffixes of Azure Database for PostgreSQL (public cloud and the sovereign clouds). */
export const AZURE_POSTGRES_SUFFIXES: readonly string[] = [
  '.postgres.database.azure.com',
  '.postgres.database.chinacloudapi.cn',
  '.postgres.database.usgovcloudapi.net',
  '.postgres.database.cloudapi.de',
];

export function isAzurePostgresHost(host: string): boolean {
  const h = host.toLowerCase().replace(/\.$/, '');
  return AZURE_POSTGRES_SUFFIXES.some((s) => h.endsWith(s));
}

/** A configured default CA file (pgflex.sslRootCert) for a server that names none; Azure hosts keep Azure's roots. */
export function defaultRootCertFor(host: string, own: string | undefined, fallback: string | undefined): string | undefined {
  return own ?? (fallback && !isAzurePostgresHost(host) ? fallback : undefined);
}

/** libpq's default SSL mode, except for Azure servers: those are verified (verify-full) by default. */
export function defaultSslMode(host: string): 'prefer' | 'verify-full' {
  return isAzurePostgresHost(host) ? 'verify-full' : 'prefer';
}
