/**
 * pg work the UI asks for: test a connection. `pg` is imported
 * lazily so activation never loads it. No 'vscode' here.
 */
import type { ConnInfo, PgSslMode } from '../../pg/connection';
import type { ServerRef } from '../../core/provider';
import { defaultRootCertFor, defaultSslMode } from '../../pg/azureHosts';
import { lazy } from '../lazyModules';

export function connInfo(ref: Pick<ServerRef, 'host' | 'port' | 'user' | 'database' | 'sslMode' | 'sslRootCert'>, password: string | undefined, role?: string, defaultRootCert?: string): ConnInfo {
  const sslRootCert = defaultRootCertFor(ref.host, ref.sslRootCert, defaultRootCert);
  return {
    host: ref.host,
    port: ref.port,
    user: ref.user,
    password,
    database: ref.database || 'postgres',
    sslMode: (ref.sslMode ?? defaultSslMode(ref.host)) as PgSslMode,
    ...(sslRootCert ? { sslRootCert } : {}),
    connectTimeoutMs: 10_000,
    applicationName: 'pgflex-vscode',
    role,
  };
}

export interface TestResult {
  ok: boolean;
  message: string;
  version?: string;
  /** Why it failed, when the pg layer knows (e.g. 'no-pg-hba': refused by pg_hba.conf / firewall). */
  kind?: string;
}

/** Connects once and reports the server version, or the person-worded error. */
export async function testConnection(c: ConnInfo): Promise<TestResult> {
  const { withClient } = lazy();
  try {
    const version = await withClient(c, async (client) => {
      const r = await client.query<{ v: string }>("select current_setting('server_version') as v");
      return r.rows[0]?.v ?? '';
    });
    return { ok: true, message: `Connected: PostgreSQL ${version}`, version };
  } catch (e) {
    const kind = (e as { kind?: unknown }).kind;
    return { ok: false, message: e instanceof Error ? e.message : String(e), ...(typeof kind === 'string' ? { kind } : {}) };
  }
}
