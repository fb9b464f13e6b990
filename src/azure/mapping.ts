/**
 * ARM ↔ model. The model mirrors the SDK's flattened `Migration`, so mapping a response is
 * "flatten `properties`, keep everything": fields this version of the SDK does not know, and
 * date-times with their full precision, survive because we map the raw JSON body, not the
 * SDK's deserialised object (which turns dates into `Date` and drops unknown properties).
 * `fromSdkMigration` covers the case where only the SDK object is at hand.
 */
import type { Migration as SdkMigration, MigrationResourceForPatch } from '@azure/arm-postgresql-flexible';
import type { Migration, MigrationMode, MigrationOption, SourceType, SslMode } from '../core/model';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Flatten a raw ARM migration body into the model. Secrets are never kept. */
export function fromArmJson(body: unknown, owned = false): Migration {
  const b = (body ?? {}) as Record<string, Json>;
  const { properties, ...envelope } = b;
  const props = (properties && typeof properties === 'object' && !Array.isArray(properties) ? properties : {}) as Record<string, Json>;
  // A body parsed for this call alone needs no copy; one the caller keeps does.
  const out = (owned ? { ...envelope, ...props } : clone({ ...envelope, ...props })) as Record<string, unknown>;
  delete out.secretParameters;
  out.provider = 'azure';
  return out as unknown as Migration;
}

/** The SDK's object → model (dates as ISO strings). */
export function fromSdkMigration(m: SdkMigration): Migration {
  const out = dateless(m) as Record<string, unknown>;
  delete out.secretParameters;
  out.provider = 'azure';
  return out as unknown as Migration;
}

function dateless(v: unknown): unknown {
  if (v instanceof Date) return v.toISOString();
  if (Array.isArray(v)) return v.map(dateless);
  if (v && typeof v === 'object') {
    const o: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (x !== undefined) o[k] = dateless(x);
    return o;
  }
  return v;
}

function clone<T>(v: T): T {
  return v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T);
}

const tf = (b: boolean | undefined): 'True' | 'False' | undefined => (b === undefined ? undefined : b ? 'True' : 'False');

/**
 * Everything `Migrations_Create` takes that a person could want. Only what is set is sent:
 * the service's own defaults apply to the rest (e.g. SSL mode VerifyFull for Single Server).
 */
export interface AzureCreateRequest {
  /** Azure region of the target server (ARM requires it). */
  location: string;
  /** Single Server: its ARM id. Any other source: `host:port@user` (see hostSourceId). */
  sourceDbServerResourceId: string;
  sourceType?: SourceType | string;
  sourceDbServerFullyQualifiedDomainName?: string;
  targetDbServerFullyQualifiedDomainName?: string;
  migrationMode?: MigrationMode;
  migrationOption?: MigrationOption;
  dbsToMigrate: string[];
  overwriteDbsInTarget?: boolean;
  sslMode?: SslMode;
  setupLogicalReplicationOnSourceDbIfNeeded?: boolean;
  migrateRoles?: boolean;
  startDataMigration?: boolean;
  /** ARM id of a runtime server (a Flexible Server that does the copying, for private networks). */
  migrationInstanceResourceId?: string;
  migrationWindowStartTimeInUtc?: string;
  migrationWindowEndTimeInUtc?: string;
  sourceServerUsername?: string;
  targetServerUsername?: string;
  tags?: Record<string, string>;
}

/** The SDK's create parameters. Passwords go here and nowhere else. */
export function toSdkCreate(req: AzureCreateRequest, secrets: { sourcePassword: string; targetPassword: string }): SdkMigration {
  const m: SdkMigration = {
    location: req.location,
    tags: req.tags,
    sourceDbServerResourceId: req.sourceDbServerResourceId,
    sourceType: req.sourceType,
    sourceDbServerFullyQualifiedDomainName: req.sourceDbServerFullyQualifiedDomainName,
    targetDbServerFullyQualifiedDomainName: req.targetDbServerFullyQualifiedDomainName,
    migrationMode: req.migrationMode,
    migrationOption: req.migrationOption,
    dbsToMigrate: req.dbsToMigrate,
    overwriteDbsInTarget: tf(req.overwriteDbsInTarget),
    sslMode: req.sslMode,
    setupLogicalReplicationOnSourceDbIfNeeded: tf(req.setupLogicalReplicationOnSourceDbIfNeeded),
    migrateRoles: tf(req.migrateRoles),
    startDataMigration: tf(req.startDataMigration),
    migrationInstanceResourceId: req.migrationInstanceResourceId,
    migrationWindowStartTimeInUtc: req.migrationWindowStartTimeInUtc ? new Date(req.migrationWindowStartTimeInUtc) : undefined,
    migrationWindowEndTimeInUtc: req.migrationWindowEndTimeInUtc ? new Date(req.migrationWindowEndTimeInUtc) : undefined,
    secretParameters: {
      adminCredentials: { sourceServerPassword: secrets.sourcePassword, targetServerPassword: secrets.targetPassword },
      sourceServerUsername: req.sourceServerUsername,
      targetServerUsername: req.targetServerUsername,
    },
  };
  return prune(m) as SdkMigration;
}

/** Cutover: flattened, as the SDK wants it (`{ properties: … }` would be sent as an empty PATCH). */
export function cutoverPatch(databases?: string[]): MigrationResourceForPatch {
  return prune({ triggerCutover: 'True', dbsToTriggerCutoverOn: databases?.length ? databases : undefined }) as MigrationResourceForPatch;
}

/** Cancel some databases (the whole migration is canceled with the DELETE operation). */
export function cancelPatch(databases?: string[]): MigrationResourceForPatch {
  return prune({ cancel: 'True', dbsToCancelMigrationOn: databases?.length ? databases : undefined }) as MigrationResourceForPatch;
}

function prune(v: unknown): unknown {
  if (Array.isArray(v) || v instanceof Date || !v || typeof v !== 'object') return v;
  const o: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) if (x !== undefined) o[k] = prune(x);
  return o;
}
