/**
 * The wizard draft <-> migration spec mapping, shared by the page (webview/wizard) and the panel
 * host (src/extension/panels): a draft becomes the spec the providers run, and a migration comes
 * back as a draft for "Restart in wizard". No DOM and no vscode.
 */
import type { Migration, MigrationOption } from '../core/model';
import type { MigrationSpec, ServerRef } from '../core/provider';
import type { ProviderKind, ServerChoice, WizardDraft } from './protocol';

export type Role = 'source' | 'target';

export function emptyChoice(): ServerChoice {
  return { how: 'new', host: '', port: 5432, user: '', database: 'postgres', sslMode: 'prefer' };
}

export function newDraft(id: string, provider: ProviderKind = 'direct'): WizardDraft {
  return {
    id,
    step: 'setup',
    provider,
    name: '',
    sourceType: provider === 'azure' ? 'PostgreSQLSingleServer' : 'OnPremises',
    option: 'ValidateAndMigrate',
    mode: 'Offline',
    source: emptyChoice(),
    target: emptyChoice(),
    databases: [],
    overwrite: false,
  };
}

/** Identifies the inputs that a connection test depends on. */
export function choiceKey(c: ServerChoice): string {
  if (c.how === 'azure') return `azure|${c.azure?.serverId ?? ''}|${c.user}|${c.sslMode}`;
  if (c.how === 'saved') return `saved|${c.connectionId ?? ''}|${c.user}|${c.database}`;
  return `new|${c.host}|${c.port}|${c.user}|${c.database}|${c.sslMode}`;
}

export function directServerId(c: Pick<ServerChoice, 'host' | 'port' | 'user'>): string {
  return `direct:${c.host}:${c.port}@${c.user}`;
}

export function serverRefOf(c: ServerChoice, role: Role, d: Pick<WizardDraft, 'sourceType'>): ServerRef {
  if (c.how === 'azure' && c.azure) {
    const single = role === 'source' && (d.sourceType === 'PostgreSQLSingleServer' || !/\/flexibleServers\//i.test(c.azure.serverId));
    return {
      id: c.azure.serverId,
      label: c.azure.serverName,
      host: c.host,
      port: c.port,
      user: c.user,
      database: c.database || 'postgres',
      sslMode: c.sslMode,
      kind: single ? 'azure-single' : 'azure-flexible',
    };
  }
  return {
    id: directServerId(c),
    label: `${c.host}:${c.port}`,
    host: c.host,
    port: c.port,
    user: c.user,
    database: c.database || 'postgres',
    sslMode: c.sslMode,
    kind: 'direct',
  };
}

export function specFromDraft(d: WizardDraft): MigrationSpec {
  return {
    name: d.name,
    source: serverRefOf(d.source, 'source', d),
    target: serverRefOf(d.target, 'target', d),
    sourceType: d.sourceType,
    databases: [...d.databases],
    mode: d.mode,
    option: d.option,
    overwrite: d.overwrite,
    migrateRoles: d.migrateRoles ?? false,
    ...(d.provider === 'azure' ? { setupLogicalReplication: d.mode === 'Online', location: d.target.azure?.location } : {}),
  };
}

/** "Restart in wizard": every field from a migration except passwords; name left for the user to change. */
export function draftFromMigration(id: string, m: Migration, provider: ProviderKind, target?: ServerRef, source?: ServerRef): WizardDraft {
  const d = newDraft(id, provider);
  const fromRef = (r: ServerRef | undefined, fallbackId: string | undefined, fqdn: string | undefined): ServerChoice => {
    const parsed = parseDirectId(r?.id ?? fallbackId);
    const base = emptyChoice();
    if (r && r.kind !== 'direct' && provider === 'azure') {
      return { ...base, how: 'azure', host: r.host, port: r.port, user: r.user, database: r.database ?? 'postgres',
        sslMode: r.sslMode ?? 'require', azure: azurePickFromId(r.id, r.label) };
    }
    return { ...base, host: r?.host ?? parsed?.host ?? fqdn ?? '', port: r?.port ?? parsed?.port ?? 5432, user: r?.user ?? parsed?.user ?? '',
      database: r?.database ?? 'postgres', sslMode: r?.sslMode ?? 'prefer' };
  };
  return {
    ...d,
    name: `${m.name}${provider === 'azure' ? '2' : '-2'}`,
    sourceType: m.sourceType ?? d.sourceType,
    option: (['Validate', 'Migrate', 'ValidateAndMigrate'].includes(m.migrationOption ?? '') ? m.migrationOption : d.option) as MigrationOption,
    mode: m.migrationMode === 'Online' ? 'Online' : 'Offline',
    source: fromRef(source, m.sourceDbServerResourceId, m.sourceDbServerFullyQualifiedDomainName),
    target: fromRef(target, m.targetDbServerResourceId, m.targetDbServerFullyQualifiedDomainName),
    databases: [...(m.dbsToMigrate ?? [])],
    overwrite: m.overwriteDbsInTarget === 'True',
    migrateRoles: m.migrateRoles === 'True',
  };
}

export function parseDirectId(id: string | undefined): { host: string; port: number; user: string } | undefined {
  const m = /^direct:(.+):(\d+)@(.*)$/.exec(id ?? '');
  return m ? { host: m[1], port: Number(m[2]), user: m[3] } : undefined;
}

function azurePickFromId(id: string, label: string): ServerChoice['azure'] {
  const m = /\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/[^/]+\/[^/]+\/([^/]+)/i.exec(id);
  return { subscriptionId: m?.[1] ?? '', resourceGroup: m?.[2] ?? '', serverId: id, serverName: m?.[3] ?? label };
}
