/** From a stored ServerRef (no password) and a password held in memory to a ConnInfo. */
import { directServerId } from '../core/ids';
import type { ServerRef } from '../core/provider';
import type { ConnInfo } from '../pg/connection';

export function connFromRef(ref: ServerRef, password: string | undefined, role: 'source' | 'target', database?: string): ConnInfo {
  return {
    host: ref.host,
    port: ref.port,
    user: ref.user,
    password,
    database: database ?? ref.database ?? 'postgres',
    sslMode: ref.sslMode ?? 'prefer',
    role,
  };
}

export function refFromConn(c: ConnInfo): ServerRef {
  return {
    id: directServerId(c),
    label: `${c.host}:${c.port}`,
    host: c.host,
    port: c.port,
    user: c.user,
    database: c.database,
    sslMode: c.sslMode,
    kind: 'direct',
  };
}
