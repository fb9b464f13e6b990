/**
 * Which CA certificates a connection trusts, decided once for the Node driver and for libpq
 * (pg_dump, psql), so both accept the same servers.
 */
import { existsSync, readFileSync } from 'node:fs';
import { azureRootCaFile, isAzurePostgresHost } from './azureRootCas';
import type { ConnInfo, PgSslMode } from './connTypes';

/** Where Linux distributions keep the system's CA bundle (Debian/Ubuntu, Fedora/RHEL, Alpine/macOS). */
const SYSTEM_BUNDLES = ['/etc/ssl/certs/ca-certificates.crt', '/etc/pki/tls/certs/ca-bundle.crt', '/etc/ssl/cert.pem'];

export function verifies(mode: PgSslMode): boolean {
  return mode === 'verify-ca' || mode === 'verify-full';
}

function systemBundle(): string | undefined {
  return SYSTEM_BUNDLES.find((f) => existsSync(f));
}

/**
 * The CA file to trust: the one the user named (sslrootcert), Azure's published roots for an
 * Azure host in a verifying mode, else the system bundle for a verifying mode (`system` names
 * it explicitly). Undefined: no file (require/prefer without sslrootcert, or no system bundle:
 * Node's own store then, and libpq's default).
 */
export function rootCertFile(c: Pick<ConnInfo, 'host' | 'sslMode' | 'sslRootCert'>): string | undefined {
  if (c.sslRootCert && c.sslRootCert !== 'system') return c.sslRootCert;
  if (c.sslRootCert === 'system') return systemBundle();
  if (!verifies(c.sslMode)) return undefined;
  if (isAzurePostgresHost(c.host)) return azureRootCaFile();
  return systemBundle();
}

export class TlsFileError extends Error {}

/** A certificate or key file's text; the error names the file and the parameter that named it. */
export function readTlsFile(file: string, what: 'sslrootcert' | 'sslcert' | 'sslkey', server: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as { code?: string }).code;
    throw new TlsFileError(`The ${what} file "${file}" for the ${server} cannot be read (${code ?? (e as Error).message}). Check the path in the connection's ${what} setting.`);
  }
}
