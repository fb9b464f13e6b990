/**
 * Every id the project writes out, built and parsed here only:
 *
 *   direct server      `direct:<host>:<port>@<user>`              (ServerRef.id of a direct server)
 *   saved connection   `direct:<role>:<host>:<port>@<user>/<db>`  (the extension's saved connections)
 *   host source        `<host>:<port>@<user>`                     (ARM's sourceDbServerResourceId for non-Azure sources)
 *   ARM server         `/subscriptions/<sub>/resourceGroups/<rg>/providers/Microsoft.DBforPostgreSQL/{flexibleServers|servers}/<name>`
 *
 * A host never holds '@' but may hold ':' (an IPv6 literal); a user may hold both. So the first
 * '@' ends `<host>:<port>`, and the port is the digits after the last ':' before it.
 */

export interface HostPortUser {
  host: string;
  port: number;
  user: string;
}

export interface AzureServerId {
  subscriptionId: string;
  resourceGroup: string;
  name: string;
}

const DIRECT = 'direct:';
const HOST_PORT_USER = /^([^@]*):(\d+)@(.*)$/;
const FLEX = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.DBforPostgreSQL\/flexibleServers\/([^/]+)\/?$/i;
const SINGLE = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.DBforPostgreSQL\/servers\/([^/]+)\/?$/i;

function splitHostPortUser(s: string): HostPortUser | undefined {
  const m = HOST_PORT_USER.exec(s);
  return m ? { host: m[1], port: Number(m[2]), user: m[3] } : undefined;
}

/** The ServerRef id of a direct server (src/core/provider.ts). */
export function directServerId(s: HostPortUser): string {
  return `${DIRECT}${s.host}:${s.port}@${s.user}`;
}

export function parseDirectServerId(id: string | undefined): HostPortUser | undefined {
  return id?.startsWith(DIRECT) ? splitHostPortUser(id.slice(DIRECT.length)) : undefined;
}

/** A saved connection's id: stable; the same server may be saved as source and as target. */
export function connectionId(c: HostPortUser & { role: 'source' | 'target'; database: string }): string {
  return `${DIRECT}${c.role}:${c.host}:${c.port}@${c.user}/${c.database}`;
}

/**
 * `sourceDbServerResourceId` for sources other than Single Server: the API wants
 * `host:port@user`, not an ARM id.
 */
export function hostSourceId(host: string, port: number, user: string): string {
  return `${host}:${port}@${user}`;
}

/** The service may bracket an IPv6 host; the brackets are dropped. */
export function parseHostSourceId(id: string): HostPortUser | undefined {
  const s = /^[^@]*:\d{1,5}@/.test(id) ? splitHostPortUser(id) : undefined;
  if (!s || !s.user || s.host.startsWith('/')) return undefined;
  return { ...s, host: s.host.replace(/^\[(.*)\]$/, '$1') };
}

export function flexibleServerId(s: AzureServerId): string {
  return `/subscriptions/${s.subscriptionId}/resourceGroups/${s.resourceGroup}/providers/Microsoft.DBforPostgreSQL/flexibleServers/${s.name}`;
}

export function singleServerId(s: AzureServerId): string {
  return `/subscriptions/${s.subscriptionId}/resourceGroups/${s.resourceGroup}/providers/Microsoft.DBforPostgreSQL/servers/${s.name}`;
}

/** Parse a Flexible Server id. Case-insensitive: the service itself spells the provider several ways. */
export function parseFlexibleServerId(id: string): AzureServerId | undefined {
  const m = FLEX.exec(id);
  return m ? { subscriptionId: m[1], resourceGroup: m[2], name: m[3] } : undefined;
}

export function parseSingleServerId(id: string): AzureServerId | undefined {
  const m = SINGLE.exec(id);
  return m ? { subscriptionId: m[1], resourceGroup: m[2], name: m[3] } : undefined;
}

/** A Flexible or a Single Server id, and which of the two it is. */
export function parseAzureServerId(id: string): (AzureServerId & { kind: 'flexible' | 'single' }) | undefined {
  const flex = parseFlexibleServerId(id);
  if (flex) return { ...flex, kind: 'flexible' };
  const single = parseSingleServerId(id);
  return single ? { ...single, kind: 'single' } : undefined;
}

export function requireFlexibleServerId(id: string): AzureServerId {
  const s = parseFlexibleServerId(id);
  if (!s) {
    throw new Error(`"${id}" is not the resource id of an Azure Database for PostgreSQL Flexible Server (expected /subscriptions/<id>/resourceGroups/<rg>/providers/Microsoft.DBforPostgreSQL/flexibleServers/<name>).`);
  }
  return s;
}
