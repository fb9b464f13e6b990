import pg from 'pg';
import { isIP } from 'node:net';
import type { ConnectionOptions } from 'node:tls';
import { isAzurePostgresHost } from './azureRootCas';
import { pgpassLookup } from './pgpass';
import { readTlsFile, rootCertFile, TlsFileError, verifies } from './tlsFiles';
import { forControl, netTimeouts, pgSocketOptions } from '../core/netTimeouts';

export type { ConnInfo, PgSslMode } from './connTypes';
import type { ConnInfo } from './connTypes';

export { ConnInfoError, parseConnUrl, defaultSslMode, SSL_MODES } from './connUrl';

/** A URL without the password, safe for logs, argv and messages. */
export function redactedUrl(c: ConnInfo, database = c.database): string {
  const user = encodeURIComponent(c.user);
  const host = c.host.includes(':') ? `[${c.host}]` : c.host;
  return `postgres://${user}@${host}:${c.port}/${encodeURIComponent(database)}?sslmode=${c.sslMode}`;
}

/** Human label: `source (host:port)`. */
export function describeServer(c: ConnInfo): string {
  const role = c.role?.replace(/\s*server$/i, '');
  return `${role ? `${role} ` : ''}server ${c.host}:${c.port}`;
}

export function withDatabase(c: ConnInfo, database: string): ConnInfo {
  return { ...c, database };
}

function sslConfig(c: ConnInfo): boolean | ConnectionOptions {
  if (c.sslMode === 'disable') return false;
  const where = describeServer(c);
  const client: ConnectionOptions = {
    ...(c.sslCert ? { cert: readTlsFile(c.sslCert, 'sslcert', where) } : {}),
    ...(c.sslKey ? { key: readTlsFile(c.sslKey, 'sslkey', where) } : {}),
  };
  const file = rootCertFile(c);
  const ca = file ? readTlsFile(file, 'sslrootcert', where) : undefined;
  // As libpq: require with a root certificate the user named checks the chain (verify-ca).
  const chainOnly = c.sslMode === 'verify-ca' || (c.sslMode === 'require' && !!c.sslRootCert && c.sslRootCert !== 'system');
  if (chainOnly) return { ...client, rejectUnauthorized: true, ca, checkServerIdentity: () => undefined };
  // SNI takes names only (RFC 6066); Node checks an IP address against the certificate's IP SANs by itself.
  if (c.sslMode === 'verify-full') return { ...client, rejectUnauthorized: true, ca, ...(isIP(c.host) ? {} : { servername: c.host }) };
  return { ...client, rejectUnauthorized: false };
}

/**
 * A password (or an Entra token) for an Azure server travels only over TLS that verified the
 * server: anyone on the path could otherwise read it.
 */
export function checkCredentialTransport(c: ConnInfo, password: string | undefined = c.password): void {
  if (password === undefined || password === '' || !isAzurePostgresHost(c.host) || verifies(c.sslMode)) return;
  throw new PgConnectError(
    `The ${describeServer(c)} is an Azure server, and its password or Entra token is sent only over verified TLS, but the SSL mode is "${c.sslMode}". Use SSL mode verify-full (pgflex trusts Azure's published root CAs).`,
    'tls-verify',
    `${c.host}:${c.port}`,
  );
}

/** The password to send: the one given, else the password file's entry (~/.pgpass, PGPASSFILE). */
export function resolvePassword(c: ConnInfo): string | undefined {
  if (c.password !== undefined) return c.password;
  return pgpassLookup({ host: c.host, port: c.port, database: c.database, user: c.user }).password;
}

export function clientConfig(c: ConnInfo, ssl: boolean | ConnectionOptions = sslConfig(c)): pg.ClientConfig {
  const net = pgSocketOptions();
  return {
    host: c.host,
    port: c.port,
    user: c.user,
    password: c.password ?? '',
    database: c.database,
    ssl,
    ...net,
    connectionTimeoutMillis: c.connectTimeoutMs ?? net.connectionTimeoutMillis,
    statement_timeout: c.statementTimeoutMs,
    application_name: c.applicationName ?? 'pgflex',
  };
}

/**
 * Open a client (`extra` adds driver options, e.g. `replication: 'database'`). `prefer` tries
 * TLS first and falls back to plain, as libpq does.
 * Errors come out as `PgConnectError` with a sentence a person can act on.
 */
export async function connect(given: ConnInfo, extra: Partial<pg.ClientConfig> & { replication?: 'database' } = {}): Promise<pg.Client> {
  const c: ConnInfo = { ...given, password: resolvePassword(given) };
  checkCredentialTransport(c);
  const attempt = async (ssl: boolean | ConnectionOptions): Promise<pg.Client> => {
    const client = new pg.Client({ ...clientConfig(c, ssl), ...extra } as pg.ClientConfig);
    // An idle client whose server goes away emits 'error'; without a listener Node crashes.
    client.on('error', () => undefined);
    try {
      await client.connect();
      return client;
    } catch (e) {
      await client.end().catch(() => undefined);
      throw e;
    }
  };
  try {
    if (c.sslMode === 'prefer') {
      try {
        return await attempt(sslConfig(c));
      } catch (e) {
        if (!isSslUnsupported(e)) throw e;
        return await attempt(false);
      }
    }
    return await attempt(sslConfig(c));
  } catch (e) {
    if (e instanceof TlsFileError) throw new PgConnectError(e.message, 'tls-verify', `${c.host}:${c.port}`);
    if (c.password === undefined && /client password must be a string|password authentication failed|28P01/i.test(`${(e as Error)?.message} ${(e as { code?: string })?.code}`)) {
      const ignored = pgpassLookup({ host: c.host, port: c.port, database: c.database, user: c.user }).ignored;
      throw new PgConnectError(
        `The ${describeServer(c)} asks for a password for user "${c.user}" and none was given${ignored ? ` (${ignored})` : ''}. Put it in the connection (URL or password field; the CLI also reads PGFLEX_SOURCE_PASSWORD and PGFLEX_TARGET_PASSWORD) or in ~/.pgpass (PGPASSFILE).`,
        'auth',
        `${c.host}:${c.port}`,
        '28P01',
      );
    }
    throw explainPgError(e, c);
  }
}

function isSslUnsupported(e: unknown): boolean {
  const msg = e instanceof Error ? e.message : String(e);
  return /does not support SSL/i.test(msg);
}

export type PgErrorKind =
  | 'auth'
  | 'unreachable'
  | 'timeout'
  | 'tls-required'
  | 'tls-unsupported'
  | 'tls-verify'
  | 'database-missing'
  | 'permission'
  | 'too-many-connections'
  | 'no-pg-hba'
  | 'canceled'
  | 'other';

export class PgConnectError extends Error {
  constructor(
    message: string,
    readonly kind: PgErrorKind,
    readonly server: string,
    readonly code?: string,
  ) {
    super(message);
    this.name = 'PgConnectError';
  }
}

/** Turn a pg/network error into one sentence naming the server and what to do. */
export function explainPgError(e: unknown, c: ConnInfo): PgConnectError {
  if (e instanceof PgConnectError) return e;
  const err = e as { code?: string; message?: string };
  const code = err?.code;
  const raw = scrub(String(err?.message ?? e), c.password);
  const where = describeServer(c);
  const mk = (kind: PgErrorKind, msg: string) => new PgConnectError(msg, kind, `${c.host}:${c.port}`, code);
  if (code === '28P01' || /password authentication failed/i.test(raw)) {
    return mk('auth', `The ${where} rejected the password for user "${c.user}". Check the user name and password and try again.`);
  }
  if (code === '28000' && /no pg_hba\.conf entry/i.test(raw)) {
    if (/no encryption|SSL off/i.test(raw)) {
      return mk('tls-required', `The ${where} requires TLS for user "${c.user}". Set the SSL mode to require (or verify-full) and try again.`);
    }
    // Keep the server's own words: they name the client address it saw (Azure's firewall offer reads it).
    const seen = /no pg_hba\.conf entry for host "[^"]+"/i.exec(raw)?.[0];
    return mk('no-pg-hba', `The ${where} does not allow connections from this machine for user "${c.user}" (pg_hba.conf / firewall${seen ? `: ${seen}` : ''}). Allow this client's address on the server, then try again.`);
  }
  if (code === '3D000') {
    return mk('database-missing', `The database "${c.database}" does not exist on the ${where}. Check its name or create it first.`);
  }
  if (code === '42501' || /permission denied/i.test(raw)) {
    return mk('permission', `User "${c.user}" lacks a permission on the ${where}: ${raw}. Grant it, or connect as an administrator.`);
  }
  if (code === '53300') {
    return mk('too-many-connections', `The ${where} has no free connections (max_connections reached). Close other sessions or raise max_connections, then try again.`);
  }
  if (code === 'ECONNREFUSED') {
    return mk('unreachable', `Nothing is listening on the ${where}. Check the host and port, and that PostgreSQL is running.`);
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return mk('unreachable', `The host name "${c.host}" of the ${role(c)} cannot be resolved. Check the spelling of the host.`);
  }
  if (code === 'ETIMEDOUT' && /^(read|write) ETIMEDOUT/i.test(raw)) {
    // An open session whose keepalive probes went unanswered: the peer or the path to it is gone.
    return mk('timeout', `The connection to the ${where} went dead (${raw}: no answer to TCP keepalives). Check the network between here and the server (a firewall, NAT or VPN may have dropped it), then retry.`);
  }
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH' || code === 'ETIMEDOUT' || /timeout/i.test(raw)) {
    return mk('timeout', `The ${where} did not answer within ${(c.connectTimeoutMs ?? netTimeouts().connectTimeoutMs) / 1000} s. Check the host, the port and any firewall between here and the server.`);
  }
  if (/does not support SSL/i.test(raw)) {
    return mk('tls-unsupported', `The ${where} does not accept TLS connections, but SSL mode "${c.sslMode}" requires it. Enable SSL on the server or choose SSL mode prefer or disable.`);
  }
  if (/self[- ]signed|unable to verify|certificate|altnames|Hostname\/IP does not match/i.test(raw)) {
    return mk('tls-verify', `The ${where}'s TLS certificate could not be verified (${raw}). Provide the server's CA certificate, or use SSL mode require to encrypt without verifying.`);
  }
  if (code === '57014') {
    return mk('canceled', `A statement on the ${where} was canceled (statement timeout or cancel request).`);
  }
  if (code === '57P03' || /the database system is (shutting down|starting up|in recovery mode)/i.test(raw)) {
    const what = /starting up|recovery/i.test(raw) ? 'starting up' : 'shutting down';
    return mk('unreachable', `The ${where} is ${what} and refuses connections. Wait until it is running again, then retry.`);
  }
  if (code === '57P01' || code === 'ECONNRESET' || code === 'EPIPE' || /terminating connection|Connection terminated unexpectedly/i.test(raw)) {
    return mk('other', `The ${where} closed the connection (${raw}). Check that the server is running, then retry.`);
  }
  return mk('other', `The ${where} reported: ${raw}`);
}

function role(c: ConnInfo): string {
  return c.role ? `${c.role} server` : 'server';
}

/** Remove a password from a message, in case a driver echoes it. */
export function scrub(message: string, password?: string): string {
  // A one- or two-letter "password" would shred every message it appears in as a letter.
  if (!password || password.length < 4) return message;
  return message.split(password).join('***');
}

/** Run one function with a short-lived client (catalog and control queries: they get a statement timeout). */
export async function withClient<T>(c: ConnInfo, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = await connect(forControl(c));
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

