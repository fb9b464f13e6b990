/**
 * Connection URLs as libpq reads them (`postgres://user:pass@host:port/db?param=value`).
 * pg-connection-string reads the authority (IPv6 in brackets, percent-encoding, an empty
 * host); the query parameters are read here, so each one libpq knows is either applied the
 * way pg_dump would apply it or refused by name, never dropped in silence.
 */
import { parse } from 'pg-connection-string';
import { defaultSslMode } from './azureHosts';
import type { ConnInfo, PgSslMode } from './connTypes';

export const SSL_MODES: readonly PgSslMode[] = ['disable', 'prefer', 'require', 'verify-ca', 'verify-full'];

export class ConnInfoError extends Error {}

/** Parameters applied to the engine's sessions and passed on to pg_dump/psql. */
const SUPPORTED = ['host', 'port', 'user', 'password', 'dbname', 'sslmode', 'sslrootcert', 'sslcert', 'sslkey', 'connect_timeout', 'application_name'] as const;

/** libpq parameters pgflex does not apply (a value the user gave would be ignored, so it is refused). */
const LIBPQ_OTHER = new Set([
  'hostaddr', 'passfile', 'channel_binding', 'client_encoding', 'options', 'fallback_application_name', 'keepalives',
  'keepalives_idle', 'keepalives_interval', 'keepalives_count', 'tcp_user_timeout', 'replication', 'gssencmode',
  'sslnegotiation', 'sslcompression', 'sslpassword', 'sslcertmode', 'sslcrl', 'sslcrldir', 'sslsni', 'requirepeer',
  'ssl_min_protocol_version', 'ssl_max_protocol_version', 'krbsrvname', 'gsslib', 'gssdelegation', 'service',
  'target_session_attrs', 'load_balance_hosts', 'require_auth', 'requiressl',
]);

export { defaultSslMode };

/**
 * Parse a connection URL. The password may instead come from `fallbackPassword` (an
 * environment variable, SecretStorage) or, when neither is given, from ~/.pgpass at connect time.
 */
export function parseConnUrl(url: string, fallbackPassword?: string, role?: string): ConnInfo {
  const who = role ?? 'server';
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(url)?.[1];
  if (!scheme) throw new ConnInfoError(`The ${who} connection string is not a URL; write it as postgres://user@host:5432/database.`);
  if (scheme !== 'postgres' && scheme !== 'postgresql') {
    throw new ConnInfoError(`The ${who} connection string must start with postgres:// (it starts with ${scheme}://).`);
  }
  const q = url.indexOf('?');
  const params = new URLSearchParams(q >= 0 ? url.slice(q + 1) : '');
  let base: ReturnType<typeof parse>;
  try {
    base = parse(q >= 0 ? url.slice(0, q) : url);
  } catch {
    // The parser's own message would quote the URL, password included.
    throw new ConnInfoError(`The ${who} connection string is not a valid URL (check the host, the port and that special characters in the user or password are percent-encoded, e.g. @ as %40).`);
  }
  const p: Partial<Record<(typeof SUPPORTED)[number], string>> = {};
  for (const [key, value] of params) {
    if ((SUPPORTED as readonly string[]).includes(key)) p[key as (typeof SUPPORTED)[number]] = value;
    else if (LIBPQ_OTHER.has(key)) throw new ConnInfoError(`The ${who} connection string sets ${key}, which pgflex does not apply; remove it (pgflex applies ${SUPPORTED.filter((k) => k.startsWith('ssl') || k.includes('_')).join(', ')}).`);
    else throw new ConnInfoError(`The ${who} connection string sets "${key}", which is not a libpq connection parameter; check its spelling.`);
  }
  const host = p.host ?? base.host ?? '';
  if (host.includes(',')) throw new ConnInfoError(`The ${who} connection string names several hosts (${host}); pgflex connects to one server: name only the one to migrate.`);
  const portText = p.port ?? base.port ?? '';
  const port = portText === '' ? 5432 : Number(portText);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new ConnInfoError(`The port "${portText}" in the ${who} connection string is not a port number (1-65535).`);
  const sslMode = (p.sslmode ?? defaultSslMode(host)) as PgSslMode;
  if (!SSL_MODES.includes(sslMode)) {
    throw new ConnInfoError(`sslmode=${sslMode} in the ${who} connection string is not one of ${SSL_MODES.join(', ')}.`);
  }
  const timeout = p.connect_timeout === undefined ? undefined : Number(p.connect_timeout);
  if (timeout !== undefined && !(Number.isFinite(timeout) && timeout >= 0)) throw new ConnInfoError(`connect_timeout=${p.connect_timeout} in the ${who} connection string is not a number of seconds.`);
  const password = p.password ?? (base.password || undefined);
  const c: ConnInfo = {
    host: host || 'localhost',
    port,
    user: p.user ?? (base.user || 'postgres'),
    password: password ?? fallbackPassword,
    database: p.dbname ?? (decodeDatabase(base.database) || 'postgres'),
    sslMode,
    role,
  };
  if (p.sslrootcert) c.sslRootCert = p.sslrootcert;
  if (p.sslcert) c.sslCert = p.sslcert;
  if (p.sslkey) c.sslKey = p.sslkey;
  // libpq: 0 (or none) waits forever; a negative or tiny value counts as 2 s.
  if (timeout !== undefined && timeout > 0) c.connectTimeoutMs = Math.max(2, Math.floor(timeout)) * 1000;
  if (p.application_name) c.applicationName = p.application_name;
  return c;
}

/** pg-connection-string leaves reserved characters (`%2F`, `%3F`) encoded in the database name. */
function decodeDatabase(d: string | null | undefined): string {
  if (!d) return '';
  try {
    return decodeURIComponent(d);
  } catch {
    return d;
  }
}
