/**
 * The environment of pg_dump and psql. Built from an allowlist, not from a copy of ours: an
 * inherited PGSERVICE, PGHOSTADDR or PGOPTIONS could point a tool at another server than the
 * one the engine's sessions read, and PGFLEX_*_PASSWORD would hand the other side's password
 * to every child.
 */
import type { ConnInfo } from './connTypes';
import { checkCredentialTransport } from './connection';
import { rootCertFile } from './tlsFiles';
import { connectTimeoutSeconds } from '../core/netTimeouts';

/** What a child needs to run at all: its search path, home, locale, time zone, temp folder (and Windows' basics). */
const PASS = /^(PATH|HOME|USER|LOGNAME|LANG|LANGUAGE|LC_[A-Z_]+|TZ|TMPDIR|TMP|TEMP|SYSTEMROOT|SYSTEMDRIVE|WINDIR|COMSPEC|PATHEXT|APPDATA|LOCALAPPDATA|USERPROFILE)$/i;

export function baseChildEnv(base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(base)) if (v !== undefined && PASS.test(k)) env[k] = v;
  return env;
}

/** Environment for libpq tools (pg_dump, psql) reaching `c`: the password travels here, never in argv. */
export function libpqEnv(c: ConnInfo, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  checkCredentialTransport(c);
  const env: NodeJS.ProcessEnv = {
    ...baseChildEnv(base),
    PGHOST: c.host,
    PGPORT: String(c.port),
    PGUSER: c.user,
    PGDATABASE: c.database,
    PGSSLMODE: c.sslMode,
    PGAPPNAME: c.applicationName ?? 'pgflex',
    PGCONNECT_TIMEOUT: String(c.connectTimeoutMs ? Math.ceil(c.connectTimeoutMs / 1000) : connectTimeoutSeconds()),
  };
  const ca = rootCertFile(c);
  if (ca) env.PGSSLROOTCERT = ca;
  if (c.sslCert) env.PGSSLCERT = c.sslCert;
  if (c.sslKey) env.PGSSLKEY = c.sslKey;
  if (c.password !== undefined) env.PGPASSWORD = c.password;
  // Without a password libpq reads the password file, as the engine's own sessions do.
  else if (base.PGPASSFILE) env.PGPASSFILE = base.PGPASSFILE;
  return env;
}
