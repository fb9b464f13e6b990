/**
 * pg work the UI asks for: test a connection, list a source's databases. `pg` is imported
 * lazily so activation never loads it. No 'vscode' here.
 */
import type { ConnInfo, PgSslMode } from '../../pg/connection';
import type { ServerRef } from '../../core/provider';
import { isSystemDatabase } from '../../core/names';

export function connInfo(ref: Pick<ServerRef, 'host' | 'port' | 'user' | 'database' | 'sslMode'>, password: string | undefined, role?: string): ConnInfo {
  return {
    host: ref.host,
    port: ref.port,
    user: ref.user,
    password,
    database: ref.database || 'postgres',
    sslMode: (ref.sslMode ?? 'prefer') as PgSslMode,
    connectTimeoutMs: 10_000,
    applicationName: 'pgflex-vscode',
    role,
  };
}

export interface TestResult {
  ok: boolean;
  message: string;
  version?: string;
}

/** Connects once and reports the server version, or the person-worded error. */
export async function testConnection(c: ConnInfo): Promise<TestResult> {
  const { withClient } = await import('../../pg/connection');
  try {
    const version = await withClient(c, async (client) => {
      const r = await client.query<{ v: string }>("select current_setting('server_version') as v");
      return r.rows[0]?.v ?? '';
    });
    return { ok: true, message: `Connected: PostgreSQL ${version}`, version };
  } catch (e) {
    return { ok: false, message: e instanceof Error ? e.message : String(e) };
  }
}

export interface DatabaseSize {
  name: string;
  sizeBytes?: number;
}

/** User databases (no templates, no system databases) with their sizes. */
export async function listUserDatabases(c: ConnInfo): Promise<DatabaseSize[]> {
  const { withClient } = await import('../../pg/connection');
  return withClient(c, async (client) => {
    const r = await client.query<{ datname: string; size: string | null }>(
      `select datname, case when has_database_privilege(datname, 'CONNECT') then pg_database_size(oid) end as size
         from pg_database where not datistemplate and datallowconn order by datname`,
    );
    return r.rows
      .filter((row) => !isSystemDatabase(row.datname))
      .map((row) => ({ name: row.datname, sizeBytes: row.size === null ? undefined : Number(row.size) }));
  });
}

export async function databaseNames(c: ConnInfo): Promise<string[]> {
  const { withClient } = await import('../../pg/connection');
  return withClient(c, async (client) => (await client.query<{ datname: string }>('select datname from pg_database')).rows.map((r) => r.datname));
}
