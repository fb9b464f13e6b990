/**
 * The wizard draft <-> migration spec mapping, shared by the page (webview/wizard) and the panel
 * host (src/extension/panels): a draft becomes the spec the providers run, and a migration comes
 * back as a draft for "Restart in wizard". No DOM and no vscode.
 */
import type { Migration, MigrationOption } from '../core/model';
import type { MigrationSpec, ServerRef } from '../core/provider';
import { directServerId, parseAzureServerId, parseDirectServerId } from '../core/ids';
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

export function serverRefOf(c: ServerChoice, role: Role, d: Pick<WizardDraft, 'sourceType'>): ServerRef {
  if (c.how === 'azure' && c.azure) {
    const single = role === 'source' && (d.sourceType === 'PostgreSQLSingleServer' || parseAzureServerId(c.azure.serverId)?.kind !== 'flexible');
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
    const parsed = parseDirectServerId(r?.id ?? fallbackId);
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

function azurePickFromId(id: string, label: string): ServerChoice['azure'] {
  const s = parseAzureServerId(id);
  return { subscriptionId: s?.subscriptionId ?? '', resourceGroup: s?.resourceGroup ?? '', serverId: id, serverName: s?.name ?? label };
}
