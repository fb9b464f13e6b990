/**
 * Saved Direct connections: what is kept in globalState (never the password, which lives in
 * SecretStorage under `secretKey(id)`), and the pure rules around them. No 'vscode' here.
 */
import type { PgSslMode } from '../../pg/connection';
import type { ServerRef } from '../../core/provider';
import { connectionId, directServerId } from '../../core/ids';

export type ConnectionRole = 'source' | 'target';

export interface SavedConnection {
  /** `connectionId` (src/core/ids.ts): stable; the same server may be saved as source and as target. */
  id: string;
  label: string;
  role: ConnectionRole;
  host: string;
  port: number;
  user: string;
  database: string;
  sslMode: PgSslMode;
}

export const SSL_MODES: readonly PgSslMode[] = ['disable', 'prefer', 'require', 'verify-ca', 'verify-full'];

export function secretKey(id: string): string {
  return `pgflex.password.${id}`;
}

/** Input-box validators: undefined when fine, a sentence otherwise. */
export function checkHost(v: string): string | undefined {
  const h = v.trim();
  if (!h) return 'Enter the server host name or IP address, e.g. localhost or myserver.postgres.database.azure.com.';
  if (/\s/.test(h) || h.includes('/')) return `"${h}" is not a host name: no spaces or slashes (enter the port separately).`;
  return undefined;
}

export function checkPort(v: string): string | undefined {
  const n = Number(v.trim());
  if (!/^\d+$/.test(v.trim()) || n < 1 || n > 65535) return 'Enter a port number between 1 and 65535 (PostgreSQL listens on 5432 by default).';
  return undefined;
}

export function checkRequired(what: string) {
  return (v: string): string | undefined => (v.trim() ? undefined : `Enter the ${what}.`);
}

export function toServerRef(c: SavedConnection): ServerRef {
  return { id: directServerId(c), label: c.label, host: c.host, port: c.port, user: c.user, database: c.database, sslMode: c.sslMode, kind: 'direct' };
}

/** A libpq URL without the password, safe to copy into a chat or a ticket. */
export function connectionString(c: Pick<SavedConnection, 'host' | 'port' | 'user' | 'database' | 'sslMode'>): string {
  const host = c.host.includes(':') ? `[${c.host}]` : c.host;
  return `postgres://${encodeURIComponent(c.user)}@${host}:${c.port}/${encodeURIComponent(c.database)}?sslmode=${c.sslMode}`;
}

/**
 * The PostgreSQL extension's (ms-ossdata.vscode-pgsql) connect link. It never carries a
 * password: that extension asks for it or uses Entra ID.
 */
export function pgsqlConnectLink(c: { host: string; port: number; user: string; database: string; sslMode?: string; authenticationType?: 'SqlLogin' | 'AzureMFA' }): string {
  const q = new URLSearchParams({
    server: c.host,
    port: String(c.port),
    database: c.database,
    user: c.user,
    authenticationType: c.authenticationType ?? 'SqlLogin',
    ...(c.sslMode ? { sslmode: c.sslMode } : {}),
  });
  return `vscode://ms-ossdata.vscode-pgsql/connect?${q.toString()}`;
}

export interface SandboxConnection extends Omit<SavedConnection, 'id'> {
  password: string;
}

/**
 * Connections handed to the extension by `npm start` (env PGFLEX_SANDBOX_CONNECTIONS, a JSON
 * array of `{ label, role, host, port, user, database, sslMode, password }`). Invalid
 * entries are reported, valid ones kept.
 */
export function parseSandboxConnections(json: string | undefined): { connections: SandboxConnection[]; problems: string[] } {
  const problems: string[] = [];
  if (!json || !json.trim()) return { connections: [], problems };
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    return { connections: [], problems: ['PGFLEX_SANDBOX_CONNECTIONS is not valid JSON; expected an array of connections.'] };
  }
  if (!Array.isArray(raw)) return { connections: [], problems: ['PGFLEX_SANDBOX_CONNECTIONS must be a JSON array of connections.'] };
  const connections: SandboxConnection[] = [];
  raw.forEach((e, i) => {
    const o = (e ?? {}) as Record<string, unknown>;
    const role = o.role;
    const port = Number(o.port ?? 5432);
    const sslMode = (o.sslMode ?? 'prefer') as PgSslMode;
    const bad =
      typeof o.host !== 'string' || !o.host ? 'host'
        : role !== 'source' && role !== 'target' ? 'role (source or target)'
          : !Number.isInteger(port) || port < 1 || port > 65535 ? 'port'
            : typeof o.user !== 'string' || !o.user ? 'user'
              : !SSL_MODES.includes(sslMode) ? 'sslMode'
                : undefined;
    if (bad) {
      problems.push(`PGFLEX_SANDBOX_CONNECTIONS entry ${i + 1} has no valid ${bad}; it was skipped.`);
      return;
    }
    const host = o.host as string;
    connections.push({
      label: typeof o.label === 'string' && o.label ? o.label : `${host}:${port}`,
      role: role as ConnectionRole,
      host,
      port,
      user: o.user as string,
      database: typeof o.database === 'string' && o.database ? o.database : 'postgres',
      sslMode,
      password: typeof o.password === 'string' ? o.password : '',
    });
  });
  return { connections, problems };
}

/** Connections to add: those whose id is not saved yet. */
export function missingConnections<T extends Omit<SavedConnection, 'id'>>(saved: SavedConnection[], incoming: T[]): (T & { id: string })[] {
  const have = new Set(saved.map((s) => s.id));
  return incoming.map((c) => ({ ...c, id: connectionId(c) })).filter((c) => !have.has(c.id));
}
