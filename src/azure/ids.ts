/** ARM resource ids of the servers the provider works with. */

export interface AzureServerId {
  subscriptionId: string;
  resourceGroup: string;
  name: string;
}

const FLEX = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.DBforPostgreSQL\/flexibleServers\/([^/]+)\/?$/i;
const SINGLE = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.DBforPostgreSQL\/servers\/([^/]+)\/?$/i;

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

export function requireFlexibleServerId(id: string): AzureServerId {
  const s = parseFlexibleServerId(id);
  if (!s) {
    throw new Error(`"${id}" is not the resource id of an Azure Database for PostgreSQL Flexible Server (expected /subscriptions/<id>/resourceGroups/<rg>/providers/Microsoft.DBforPostgreSQL/flexibleServers/<name>).`);
  }
  return s;
}

/**
 * `sourceDbServerResourceId` for sources other than Single Server: the API wants
 * `host:port@user`, not an ARM id.
 */
export function hostSourceId(host: string, port: number, user: string): string {
  return `${host}:${port}@${user}`;
}

export function parseHostSourceId(id: string): { host: string; port: number; user: string } | undefined {
  const m = /^(.+):(\d{1,5})@(.+)$/.exec(id);
  if (!m || m[1].startsWith('/')) return undefined;
  return { host: m[1].replace(/^\[(.*)\]$/, '$1'), port: Number(m[2]), user: m[3] };
}

/** `Standard_D4ds_v5` → 4, `Standard_B1ms` → 1, `GP_Gen5_8` → 8 (Single Server names end in the vCores). */
export function vCoresFromSkuName(name: string | undefined): number | undefined {
  if (!name) return undefined;
  const flex = /^Standard_[A-Z]+?(\d+)/i.exec(name);
  if (flex) return Number(flex[1]);
  const single = /_Gen\d+_(\d+)$/i.exec(name);
  if (single) return Number(single[1]);
  return undefined;
}
