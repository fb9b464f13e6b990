/**
 * `MigrationProvider` over Azure Resource Manager (`Microsoft.DBforPostgreSQL/flexibleServers/
 * {target}/migrations`, API 2025-08-01, `@azure/arm-postgresql-flexible` 9.0.0).
 */
import type { Migration as SdkMigration } from '@azure/arm-postgresql-flexible';
import { isTerminal, type Migration } from '../core/model';
import { checkMigrationName, type NameCheck } from '../core/names';
import type { MigrationProvider, MigrationSpec, Secrets, ServerRef } from '../core/provider';
import { AzureError, explainArmError } from './errors';
import { flexibleServerId, hostSourceId, parseSingleServerId, requireFlexibleServerId, type AzureServerId } from '../core/ids';
import { activeMigration } from './limits';
import { cancelPatch, cutoverPatch, fromArmJson, fromSdkMigration, toSdkCreate, type AzureCreateRequest } from './mapping';
import type { AzureSession } from './session';

/** The API version of @azure/arm-postgresql-flexible 9.0.0. */
export const MIGRATIONS_API_VERSION = '2025-08-01';
export const MIGRATION_RESOURCE_TYPE = 'Microsoft.DBforPostgreSQL/flexibleServers/migrations';

/** The raw JSON body of the last response of an SDK call (to map without loss). */
function rawCapture(): { options: { onResponse: (r: { bodyAsText?: string | null }) => void }; bodies: unknown[] } {
  const bodies: unknown[] = [];
  const parse = (t: string | null | undefined): unknown => {
    try {
      return t ? JSON.parse(t) : undefined;
    } catch {
      return undefined;
    }
  };
  // The text, not `parsedBody`: the SDK has already turned that into its own model (Dates, known fields only).
  return { bodies, options: { onResponse: (r) => bodies.push(parse(r.bodyAsText)) } };
}

function serverLabel(s: AzureServerId): string {
  return `Flexible Server "${s.name}" in resource group "${s.resourceGroup}" (subscription ${s.subscriptionId})`;
}

/** Anything that names a target: a ServerRef with an ARM id, the id itself, or its parts. */
export type TargetLike = ServerRef | AzureServerId | string;

export function targetOf(t: TargetLike): AzureServerId {
  if (typeof t === 'string') return requireFlexibleServerId(t);
  if ('subscriptionId' in t) return t;
  return requireFlexibleServerId(t.id);
}

export class AzureMigrationProvider implements MigrationProvider {
  readonly kind = 'azure' as const;

  constructor(private readonly session: AzureSession) {}

  private async migrations(t: AzureServerId) {
    return (await this.session.client(t.subscriptionId)).migrations;
  }

  /** ARM's name rule first (no round trip), then the service's own check with its reason. */
  async checkName(target: TargetLike, name: string): Promise<NameCheck> {
    const local = checkMigrationName(name, 'azure');
    if (!local.ok) return local;
    const t = targetOf(target);
    try {
      const r = await (await this.migrations(t)).checkNameAvailability(t.resourceGroup, t.name, { name, type: MIGRATION_RESOURCE_TYPE });
      if (r.nameAvailable) return { ok: true };
      const why = r.message || (r.reason === 'AlreadyExists' ? `A migration named "${name}" already exists on ${t.name}.` : `"${name}" is not a valid migration name.`);
      return { ok: false, reason: `${why}${r.reason ? ` (${r.reason})` : ''} Choose another name.` };
    } catch (e) {
      throw explainArmError(e, { action: `check the migration name "${name}"`, resource: serverLabel(t), permission: 'Microsoft.DBforPostgreSQL/flexibleServers/checkMigrationNameAvailability/action' });
    }
  }

  /** The provider-neutral create: maps the wizard's spec onto ARM's create body. */
  async create(spec: MigrationSpec, secrets: Secrets): Promise<Migration> {
    const t = targetOf(spec.target);
    const location = spec.location ?? (await this.targetLocation(t));
    return this.createMigration(t, spec.name, requestFromSpec(spec, location), secrets);
  }

  /** Everything the API takes. Checks the name and the one-active-migration rule first. */
  async createMigration(target: TargetLike, name: string, req: AzureCreateRequest, secrets: Secrets): Promise<Migration> {
    const t = targetOf(target);
    if (!secrets.sourcePassword || !secrets.targetPassword) {
      throw new AzureError(`Creating migration "${name}" needs the passwords of both the source and the target login: the service connects with them.`, 'invalid');
    }
    if (!req.dbsToMigrate.length) throw new AzureError(`Choose at least one database for migration "${name}".`, 'invalid');
    const busy = activeMigration(await this.listWith(t, 'Active'));
    if (busy) {
      throw new AzureError(`Migration "${busy.name}" is still ${busy.currentStatus?.state ?? 'active'} on ${t.name}: the service runs one migration or validation per target server at a time. Wait for it to finish, or cancel it, then retry.`, 'conflict', 409);
    }
    const check = await this.checkName(t, name);
    if (!check.ok) throw new AzureError(check.reason ?? `The name "${name}" cannot be used.`, 'conflict', 409);
    const raw = rawCapture();
    try {
      const res = await (await this.migrations(t)).create(t.resourceGroup, t.name, name, toSdkCreate(req, { sourcePassword: secrets.sourcePassword, targetPassword: secrets.targetPassword }), raw.options);
      return this.mapOne(raw.bodies, res);
    } catch (e) {
      throw explainArmError(e, { action: `create migration "${name}"`, resource: serverLabel(t), permission: 'Microsoft.DBforPostgreSQL/flexibleServers/migrations/write' });
    }
  }

  async get(target: TargetLike, name: string): Promise<Migration> {
    const t = targetOf(target);
    const raw = rawCapture();
    try {
      const res = await (await this.migrations(t)).get(t.resourceGroup, t.name, name, raw.options);
      return this.mapOne(raw.bodies, res);
    } catch (e) {
      throw explainArmError(e, { action: `read migration "${name}"`, resource: `migration "${name}" on ${serverLabel(t)}`, permission: 'Microsoft.DBforPostgreSQL/flexibleServers/migrations/read' });
    }
  }

  /** Every migration of the target, finished ones included (the service's default shows only active ones). */
  list(target: TargetLike): Promise<Migration[]> {
    return this.listWith(targetOf(target), 'All');
  }

  async listWith(t: AzureServerId, filter: 'All' | 'Active'): Promise<Migration[]> {
    // The same GET as the SDK's listByTargetServer, through its pipeline, without its
    // deserialiser: we map the raw JSON anyway, and the tree lists hundreds of servers.
    const items = await this.session.getAll<unknown>(
      `${flexibleServerId(t)}/migrations?api-version=${MIGRATIONS_API_VERSION}&migrationListFilter=${filter}`,
      { action: `list the migrations of ${t.name}`, resource: serverLabel(t), permission: 'Microsoft.DBforPostgreSQL/flexibleServers/migrations/read' },
      t.subscriptionId,
    );
    return items.map((m) => fromArmJson(m, true));
  }

  /** Online cutover, for all databases or the ones given. Offline migrations cut over by themselves. */
  async cutover(target: TargetLike, name: string, databases?: string[]): Promise<void> {
    await this.cutoverMigration(target, name, databases);
  }

  async cutoverMigration(target: TargetLike, name: string, databases?: string[]): Promise<Migration> {
    const t = targetOf(target);
    const m = await this.get(t, name);
    if (m.migrationMode && m.migrationMode !== 'Online') {
      throw new AzureError(`Migration "${name}" is ${m.migrationMode}: only online migrations are cut over by hand (offline ones finish by themselves).`, 'state');
    }
    if (isTerminal(m)) {
      throw new AzureError(`Migration "${name}" has already ended (${m.currentStatus?.state}); there is nothing to cut over.`, 'state');
    }
    const unknown = (databases ?? []).filter((d) => !(m.dbsToMigrate ?? []).includes(d));
    if (unknown.length) throw new AzureError(`Migration "${name}" does not migrate ${unknown.map((d) => `"${d}"`).join(', ')}; it migrates ${(m.dbsToMigrate ?? []).join(', ')}.`, 'invalid');
    return this.patch(t, name, cutoverPatch(databases), `cut over migration "${name}"`);
  }

  /**
   * Cancel the whole migration (the service's cancel operation) or only some databases
   * (`cancel` + `dbsToCancelMigrationOn`). As in the portal, only a migration in progress can
   * be canceled; the target databases stay (the user drops them).
   */
  async cancel(target: TargetLike, name: string, databases?: string[]): Promise<void> {
    await this.cancelMigration(target, name, databases);
  }

  async cancelMigration(target: TargetLike, name: string, databases?: string[]): Promise<Migration> {
    const t = targetOf(target);
    const m = await this.get(t, name);
    if (!isCancelable(m)) {
      throw new AzureError(`Migration "${name}" is ${m.currentStatus?.state ?? 'not active'}: only a migration in progress can be canceled.`, 'state');
    }
    if (databases?.length) {
      const unknown = databases.filter((d) => !(m.dbsToMigrate ?? []).includes(d));
      if (unknown.length) throw new AzureError(`Migration "${name}" does not migrate ${unknown.map((d) => `"${d}"`).join(', ')}; it migrates ${(m.dbsToMigrate ?? []).join(', ')}.`, 'invalid');
      return this.patch(t, name, cancelPatch(databases), `cancel databases ${databases.join(', ')} of migration "${name}"`);
    }
    const raw = rawCapture();
    try {
      const res = await (await this.migrations(t)).cancel(t.resourceGroup, t.name, name, raw.options);
      // 204 carries no body: read the migration back so the caller sees its state.
      if (!raw.bodies.some((b) => b && typeof b === 'object' && Object.keys(b).length)) return await this.get(t, name);
      return this.mapOne(raw.bodies, res);
    } catch (e) {
      throw explainArmError(e, { action: `cancel migration "${name}"`, resource: `migration "${name}" on ${serverLabel(t)}`, permission: 'Microsoft.DBforPostgreSQL/flexibleServers/migrations/delete' });
    }
  }

  /**
   * Answer a migration that waits for the person (substates WaitingForLogicalReplicationSetup…,
   * WaitingForTargetDBOverwriteConfirmation, WaitingForDBsToMigrateSpecification,
   * WaitingForDataMigrationScheduling/Window), or change its window.
   */
  async update(target: TargetLike, name: string, changes: AzurePatchRequest): Promise<Migration> {
    const t = targetOf(target);
    const tf = (b: boolean | undefined) => (b === undefined ? undefined : b ? 'True' : 'False');
    const body = Object.fromEntries(
      Object.entries({
        setupLogicalReplicationOnSourceDbIfNeeded: tf(changes.setupLogicalReplicationOnSourceDbIfNeeded),
        overwriteDbsInTarget: tf(changes.overwriteDbsInTarget),
        startDataMigration: tf(changes.startDataMigration),
        migrateRoles: tf(changes.migrateRoles),
        dbsToMigrate: changes.dbsToMigrate,
        migrationWindowStartTimeInUtc: changes.migrationWindowStartTimeInUtc ? new Date(changes.migrationWindowStartTimeInUtc) : undefined,
        migrationMode: changes.migrationMode,
      }).filter(([, v]) => v !== undefined),
    );
    if (!Object.keys(body).length) throw new AzureError(`Nothing to change on migration "${name}".`, 'invalid');
    return this.patch(t, name, body, `update migration "${name}"`);
  }

  /** Send a PATCH (flattened, as the SDK wants it). */
  async patch(t: AzureServerId, name: string, body: Parameters<Awaited<ReturnType<AzureMigrationProvider['migrations']>>['update']>[3], action: string): Promise<Migration> {
    const raw = rawCapture();
    try {
      const res = await (await this.migrations(t)).update(t.resourceGroup, t.name, name, body, raw.options);
      return this.mapOne(raw.bodies, res);
    } catch (e) {
      throw explainArmError(e, { action, resource: `migration "${name}" on ${serverLabel(t)}`, permission: 'Microsoft.DBforPostgreSQL/flexibleServers/migrations/write' });
    }
  }

  /** Poll until `done(m)` or the deadline; for the CLI and tests (the UI refreshes on its own). */
  async waitFor(target: TargetLike, name: string, done: (m: Migration) => boolean, opts: { timeoutMs: number; intervalMs?: number; onChange?: (m: Migration) => void }): Promise<Migration> {
    const end = Date.now() + opts.timeoutMs;
    let last = '';
    for (;;) {
      const m = await this.get(target, name);
      const key = JSON.stringify(m.currentStatus);
      if (key !== last) opts.onChange?.(m);
      last = key;
      if (done(m)) return m;
      if (Date.now() > end) {
        throw new AzureError(`Migration "${name}" is still ${m.currentStatus?.state}/${m.currentStatus?.currentSubStateDetails?.currentSubState} after ${Math.round(opts.timeoutMs / 1000)} s.`, 'other');
      }
      await new Promise((r) => setTimeout(r, opts.intervalMs ?? 2000));
    }
  }

  private async targetLocation(t: AzureServerId): Promise<string> {
    try {
      const s = await (await this.session.client(t.subscriptionId)).servers.get(t.resourceGroup, t.name);
      return s.location;
    } catch (e) {
      throw explainArmError(e, { action: `read the region of ${t.name}`, resource: serverLabel(t), permission: 'Microsoft.DBforPostgreSQL/flexibleServers/read' });
    }
  }

  private mapOne(bodies: unknown[], res: SdkMigration): Migration {
    const body = bodies[bodies.length - 1];
    return body && typeof body === 'object' && Object.keys(body).length ? fromArmJson(body, true) : fromSdkMigration(res);
  }
}

export interface AzurePatchRequest {
  setupLogicalReplicationOnSourceDbIfNeeded?: boolean;
  overwriteDbsInTarget?: boolean;
  startDataMigration?: boolean;
  migrateRoles?: boolean;
  dbsToMigrate?: string[];
  migrationWindowStartTimeInUtc?: string;
  migrationMode?: 'Offline' | 'Online';
}

export function isCancelable(m: Migration): boolean {
  const s = m.currentStatus?.state;
  return s === 'InProgress' || s === 'WaitingForUserAction';
}

/** The wizard's spec → ARM's create body. */
export function requestFromSpec(spec: MigrationSpec, location: string): AzureCreateRequest {
  const src = spec.source;
  const single = src.kind === 'azure-single';
  const sourceType = spec.sourceType ?? (single ? 'PostgreSQLSingleServer' : src.kind === 'azure-flexible' ? 'PostgreSQLFlexibleServer' : 'OnPremises');
  // Single Server logins are `user@server`; the service wants that form for them.
  const singleName = single ? parseSingleServerId(src.id)?.name : undefined;
  const sourceUser = singleName && src.user && !src.user.includes('@') ? `${src.user}@${singleName}` : src.user;
  return {
    location,
    sourceDbServerResourceId: single ? src.id : hostSourceId(src.host, src.port, src.user),
    sourceType,
    migrationMode: spec.mode,
    migrationOption: spec.option,
    dbsToMigrate: spec.databases,
    overwriteDbsInTarget: spec.overwrite,
    sslMode: spec.sslMode,
    setupLogicalReplicationOnSourceDbIfNeeded: spec.setupLogicalReplication,
    migrateRoles: spec.migrateRoles,
    migrationInstanceResourceId: spec.migrationInstanceResourceId,
    migrationWindowStartTimeInUtc: spec.migrationWindowStartTimeInUtc,
    sourceServerUsername: sourceUser || undefined,
    targetServerUsername: spec.target.user || undefined,
  };
}
