/** How a server is reached, as every part of src/pg shares it (types only, so nothing imports in a circle). */
export type PgSslMode = 'disable' | 'prefer' | 'require' | 'verify-ca' | 'verify-full';

/** How to reach one PostgreSQL server. The password is held here only in memory. */
export interface ConnInfo {
  host: string;
  port: number;
  user: string;
  password?: string;
  database: string;
  sslMode: PgSslMode;
  /**
   * CA file to trust (libpq's sslrootcert): a path, or `system` for the system's bundle. Without
   * it a verifying mode trusts Azure's published roots for an Azure host, else the system bundle.
   */
  sslRootCert?: string;
  /** Client certificate and key files (libpq's sslcert, sslkey). */
  sslCert?: string;
  sslKey?: string;
  connectTimeoutMs?: number;
  statementTimeoutMs?: number;
  applicationName?: string;
  /** A label for messages, e.g. "source" or "target". */
  role?: string;
}
