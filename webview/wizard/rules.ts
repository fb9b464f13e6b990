/**
 * The wizard's state machine and rules, as pure functions over the draft and the facts the
 * host reported (connection tests, database list, name availability). No DOM and no vscode:
 * the page, the panel host and plain-Node tests all use it.
 */
import { checkDatabaseSelection, checkMigrationName, isSystemDatabase, MAX_DATABASES } from '../../src/core/names';
import type { Migration, MigrationMode, MigrationOption } from '../../src/core/model';
import type { MigrationSpec, ServerRef } from '../../src/core/provider';
import {
  WIZARD_STEPS, type ConnectResult, type DatabaseInfo, type NameResult, type ProviderKind,
  type ServerChoice, type WizardDraft, type WizardStep,
} from '../protocol';

export type Role = 'source' | 'target';

/** What the host told us, each tied to the inputs it was computed for (a stale fact is ignored). */
export interface WizardFacts {
  name?: { key: string; result: NameResult };
  source?: { key: string; result: ConnectResult };
  target?: { key: string; result: ConnectResult };
  databases?: { key: string; list: DatabaseInfo[] };
}

export const STEP_TITLES: Record<WizardStep, string> = {
  setup: 'Setup',
  source: 'Source server',
  target: 'Target server',
  databases: 'Databases to migrate',
  summary: 'Summary',
};

export const OPTION_LABELS: Record<MigrationOption, string> = {
  Validate: 'Validate',
  Migrate: 'Migrate',
  ValidateAndMigrate: 'Validate and Migrate',
};

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

/** Azure sources that are picked from a subscription rather than typed in. */
export function sourceIsAzurePicked(d: WizardDraft): boolean {
  return d.provider === 'azure' && (d.sourceType === 'PostgreSQLSingleServer' || d.sourceType === 'PostgreSQLFlexibleServer');
}

/** How each side may be chosen under the current provider and source type. */
export function allowedHows(d: WizardDraft, role: Role): ServerChoice['how'][] {
  if (role === 'target') return d.provider === 'azure' ? ['azure'] : ['saved', 'new'];
  return sourceIsAzurePicked(d) ? ['azure'] : ['saved', 'new'];
}

/** Identifies the inputs that a connection test depends on. */
export function choiceKey(c: ServerChoice): string {
  if (c.how === 'azure') return `azure|${c.azure?.serverId ?? ''}|${c.user}|${c.sslMode}`;
  if (c.how === 'saved') return `saved|${c.connectionId ?? ''}|${c.user}|${c.database}`;
  return `new|${c.host}|${c.port}|${c.user}|${c.database}|${c.sslMode}`;
}

export function nameKey(d: WizardDraft): string {
  return `${d.provider}|${d.name}|${choiceKey(d.target)}`;
}

export function databasesKey(d: WizardDraft): string {
  return `${choiceKey(d.source)}>${choiceKey(d.target)}`;
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

// ---- per-field rules --------------------------------------------------------------------

export function nameProblem(d: WizardDraft, facts: WizardFacts): string | undefined {
  const rule = checkMigrationName(d.name, d.provider);
  if (!rule.ok) return rule.reason;
  if (facts.name && facts.name.key === nameKey(d) && !facts.name.result.ok) {
    return facts.name.result.reason ?? `A migration named "${d.name}" already exists on the target; choose another name.`;
  }
  return undefined;
}

export function choiceProblems(c: ServerChoice, role: Role, d: WizardDraft): string[] {
  const out: string[] = [];
  const allowed = allowedHows(d, role);
  if (!allowed.includes(c.how)) {
    out.push(role === 'target' && d.provider === 'azure'
      ? 'Pick the target Flexible Server from your Azure subscription.'
      : `Choose the ${role} server again: the migration type changed.`);
    return out;
  }
  if (c.how === 'azure' && !c.azure) out.push(`Pick the ${role} server: subscription, resource group, then server.`);
  if (c.how === 'saved' && !c.connectionId) out.push(`Pick a saved ${role} connection, or choose "New connection".`);
  if (c.how === 'new') {
    if (!c.host.trim()) out.push(`Enter the ${role} server's host name.`);
    else if (/\s|\//.test(c.host.trim())) out.push(`"${c.host}" is not a host name: no spaces or slashes.`);
    if (!Number.isInteger(c.port) || c.port < 1 || c.port > 65535) out.push('Enter a port between 1 and 65535 (PostgreSQL uses 5432 by default).');
  }
  if (!c.user.trim()) out.push(`Enter the ${role} server's administrator login.`);
  return out;
}

function connectionProblem(role: Role, d: WizardDraft, facts: WizardFacts): string | undefined {
  const fact = facts[role];
  const c = d[role];
  if (!fact || fact.key !== choiceKey(c)) return `Select "Connect to ${role}" to check the connection.`;
  if (!fact.result.ok) return fact.result.message;
  return undefined;
}

export function sameServer(d: WizardDraft): boolean {
  const a = serverRefOf(d.source, 'source', d);
  const b = serverRefOf(d.target, 'target', d);
  return a.host.toLowerCase() === b.host.toLowerCase() && a.port === b.port && a.host !== '';
}

/** Databases selected that also exist on the target (they will be dropped and recreated). */
export function overwrittenDatabases(d: WizardDraft, facts: WizardFacts): string[] {
  const list = facts.databases?.key === databasesKey(d) ? facts.databases.list : [];
  return d.databases.filter((n) => list.some((x) => x.name === n && x.existsOnTarget));
}

/** The database list to offer: user databases only, whatever the host sent. */
export function offeredDatabases(facts: WizardFacts, d: WizardDraft): DatabaseInfo[] {
  if (!facts.databases || facts.databases.key !== databasesKey(d)) return [];
  return facts.databases.list.filter((x) => !isSystemDatabase(x.name));
}

export function stepProblems(step: WizardStep, d: WizardDraft, facts: WizardFacts): string[] {
  const out: string[] = [];
  const push = (p: string | undefined) => { if (p) out.push(p); };
  switch (step) {
    case 'setup':
      push(nameProblem(d, facts));
      if (!d.sourceType) out.push('Choose the source server type.');
      break;
    case 'source':
    case 'target': {
      const choiceErrs = choiceProblems(d[step], step, d);
      out.push(...choiceErrs);
      if (choiceErrs.length === 0) push(connectionProblem(step, d, facts));
      if (step === 'target' && out.length === 0 && sameServer(d) && d.provider === 'azure') {
        out.push('The source and the target are the same server; pick a different target.');
      }
      break;
    }
    case 'databases': {
      if (!facts.databases || facts.databases.key !== databasesKey(d)) {
        out.push('The database list is not loaded yet; connect to both servers first.');
        break;
      }
      const sel = checkDatabaseSelection(d.databases, false);
      if (!sel.ok) push(sel.reason);
      const offered = offeredDatabases(facts, d).map((x) => x.name);
      const missing = d.databases.filter((n) => !offered.includes(n));
      if (missing.length) out.push(`${missing.map((n) => `"${n}"`).join(', ')} no longer exists on the source; clear it from the selection.`);
      const over = overwrittenDatabases(d, facts);
      if (over.length && !d.overwrite) {
        out.push(`${over.map((n) => `"${n}"`).join(', ')} already exists on the target. Confirm that it may be overwritten, or deselect it.`);
      }
      break;
    }
    case 'summary':
      for (const s of WIZARD_STEPS) if (s !== 'summary') out.push(...stepProblems(s, d, facts));
      break;
  }
  return out;
}

export function stepValid(step: WizardStep, d: WizardDraft, facts: WizardFacts): boolean {
  return stepProblems(step, d, facts).length === 0;
}

/** A tab can be opened when every tab before it is valid (the portal's rule). */
export function canEnter(step: WizardStep, d: WizardDraft, facts: WizardFacts): boolean {
  const i = WIZARD_STEPS.indexOf(step);
  return WIZARD_STEPS.slice(0, i).every((s) => stepValid(s, d, facts));
}

export function goTo(step: WizardStep, d: WizardDraft, facts: WizardFacts): WizardDraft {
  return canEnter(step, d, facts) ? { ...d, step } : d;
}

export function next(d: WizardDraft, facts: WizardFacts): WizardDraft {
  const i = WIZARD_STEPS.indexOf(d.step);
  if (i >= WIZARD_STEPS.length - 1 || !stepValid(d.step, d, facts)) return d;
  return { ...d, step: WIZARD_STEPS[i + 1] };
}

export function back(d: WizardDraft): WizardDraft {
  const i = WIZARD_STEPS.indexOf(d.step);
  return i <= 0 ? d : { ...d, step: WIZARD_STEPS[i - 1] };
}

/** Where a restored draft may resume: its own step if still reachable, else the first invalid one. */
export function resumeStep(d: WizardDraft, facts: WizardFacts): WizardStep {
  if (canEnter(d.step, d, facts)) return d.step;
  return WIZARD_STEPS.find((s) => !stepValid(s, d, facts)) ?? 'setup';
}

export function toggleDatabase(d: WizardDraft, name: string, on: boolean): { draft: WizardDraft; problem?: string } {
  if (!on) return { draft: { ...d, databases: d.databases.filter((x) => x !== name) } };
  if (d.databases.includes(name)) return { draft: d };
  if (d.databases.length >= MAX_DATABASES) {
    return { draft: d, problem: `A migration moves at most ${MAX_DATABASES} databases; deselect one first, or start a second migration for the rest.` };
  }
  return { draft: { ...d, databases: [...d.databases, name] } };
}

/** Changing the provider changes the name rule and how servers are picked. */
export function setProvider(d: WizardDraft, provider: ProviderKind): WizardDraft {
  if (d.provider === provider) return d;
  const n = { ...d, provider, sourceType: newDraft(d.id, provider).sourceType, databases: [], overwrite: false };
  return { ...n, source: { ...emptyChoice(), how: allowedHows(n, 'source')[0] }, target: { ...emptyChoice(), how: allowedHows(n, 'target')[0] } };
}

export function setMode(d: WizardDraft, mode: MigrationMode): WizardDraft {
  return { ...d, mode };
}

export function modeNote(mode: MigrationMode, provider: ProviderKind): string | undefined {
  if (mode !== 'Online') return undefined;
  return provider === 'azure'
    ? 'Online needs logical replication on the source (wal_level = logical). If the service has to turn it on, the source server restarts. Writes keep flowing until you cut over.'
    : 'Online needs wal_level = logical on the source and a user with the REPLICATION attribute. Changing wal_level needs a restart of the source server. Writes keep flowing until you cut over.';
}

export function optionNote(option: MigrationOption): string {
  switch (option) {
    case 'Validate': return 'Runs the checks only: no data moves and nothing changes. Validate a few days ahead, fix what fails, then run Validate and Migrate.';
    case 'Migrate': return 'Skips the checks. We advise validating first: a failed check found mid-migration costs the whole run.';
    default: return 'Runs the checks first and migrates only if none fails (warnings are allowed). The recommended choice.';
  }
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

export function summaryRows(d: WizardDraft): [string, string][] {
  const where = (c: ServerChoice, role: Role) => {
    const r = serverRefOf(c, role, d);
    return c.how === 'azure' && c.azure
      ? `${c.azure.serverName} (${c.azure.resourceGroup}${c.azure.location ? `, ${c.azure.location}` : ''}) as ${c.user}`
      : `${r.host}:${r.port} as ${r.user} (SSL ${r.sslMode})`;
  };
  return [
    ['Migration name', d.name],
    ['Runs on', d.provider === 'azure' ? 'Azure migration service' : 'pgflex direct engine (this machine)'],
    ['Source server type', d.sourceType],
    ['Migration option', OPTION_LABELS[d.option]],
    ['Mode', d.mode],
    ['Source', where(d.source, 'source')],
    ['Target', where(d.target, 'target')],
    ['Databases', d.databases.join(', ')],
    ['Overwrite existing target databases', d.overwrite ? 'Yes' : 'No'],
    ['Migrate roles, owners and grants', d.migrateRoles ? 'Yes' : 'No'],
  ];
}

/** "Restart in wizard": every field from a migration except passwords; name left for the user to change. */
export function draftFromMigration(id: string, m: Migration, provider: ProviderKind, target?: ServerRef, source?: ServerRef): WizardDraft {
  const d = newDraft(id, provider);
  const fromRef = (r: ServerRef | undefined, fallbackId: string | undefined, fqdn: string | undefined): ServerChoice => {
    const parsed = parseDirectId(r?.id ?? fallbackId);
    const base = emptyChoice();
    if (r && r.kind !== 'direct' && provider === 'azure') {
      return { ...base, how: 'azure', host: r.host, port: r.port, user: r.user, database: r.database ?? 'postgres',
        sslMode: r.sslMode ?? 'verify-full', azure: azurePickFromId(r.id, r.label) };
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
