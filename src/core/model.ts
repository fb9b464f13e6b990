/**
 * The migration model. It mirrors ARM's `Microsoft.DBforPostgreSQL/flexibleServers/migrations`
 * resource (API 2025-08-01, flattened as the SDK flattens it) so that the Azure provider maps
 * into it without loss and the direct engine fills exactly the same fields. Every enum is
 * open (`| string`): the service returns values the spec does not list, and we show them as
 * they come.
 */

export type MigrationState =
  | 'InProgress'
  | 'WaitingForUserAction'
  | 'Canceled'
  | 'Failed'
  | 'Succeeded'
  | 'ValidationFailed'
  | 'CleaningUp';

export type MigrationSubstate =
  | 'PerformingPreRequisiteSteps'
  | 'WaitingForLogicalReplicationSetupRequestOnSourceDB'
  | 'WaitingForDBsToMigrateSpecification'
  | 'WaitingForTargetDBOverwriteConfirmation'
  | 'WaitingForDataMigrationScheduling'
  | 'WaitingForDataMigrationWindow'
  | 'MigratingData'
  | 'WaitingForCutoverTrigger'
  | 'CompletingMigration'
  | 'Completed'
  | 'CancelingRequestedDBMigrations'
  | 'ValidationInProgress';

export type MigrationDatabaseState =
  | 'InProgress'
  | 'WaitingForCutoverTrigger'
  | 'Failed'
  | 'Canceled'
  | 'Succeeded'
  | 'Canceling';

export type ValidationState = 'Failed' | 'Succeeded' | 'Warning';
export type MigrationMode = 'Offline' | 'Online';
export type MigrationOption = 'Validate' | 'Migrate' | 'ValidateAndMigrate';
export type SslMode = 'Prefer' | 'Require' | 'VerifyCA' | 'VerifyFull';
export type SkuTier = 'Burstable' | 'GeneralPurpose' | 'MemoryOptimized';

/** ARM `SourceType`; `Direct` is not an ARM value: the direct engine's sources say what they are. */
export const SOURCE_TYPES = [
  'OnPremises', 'AWS', 'GCP', 'AzureVM', 'PostgreSQLSingleServer', 'AWS_RDS', 'AWS_AURORA',
  'AWS_EC2', 'GCP_CloudSQL', 'GCP_AlloyDB', 'GCP_Compute', 'EDB', 'EDB_Oracle_Server',
  'EDB_PostgreSQL', 'PostgreSQLFlexibleServer', 'PostgreSQLCosmosDB', 'Huawei_RDS',
  'Huawei_Compute', 'Heroku_PostgreSQL', 'Crunchy_PostgreSQL', 'ApsaraDB_RDS',
  'Digital_Ocean_Droplets', 'Digital_Ocean_PostgreSQL', 'Supabase_PostgreSQL',
] as const;
export type SourceType = (typeof SOURCE_TYPES)[number];

export const TERMINAL_STATES: readonly string[] = ['Succeeded', 'Failed', 'Canceled', 'ValidationFailed'];

export interface ValidationMessage {
  state: ValidationState | string;
  message: string;
}

export interface ValidationSummaryItem {
  /** Rule name, e.g. `ExtensionsValidation` (the service's names where one matches). */
  type: string;
  state: ValidationState | string;
  messages?: ValidationMessage[];
  /** pgflex: what the user can do about it (not in ARM; the Azure provider leaves it empty). */
  correctiveAction?: string;
  /** pgflex: the service's documented error code where one matches, e.g. 603008. */
  code?: number;
  /** pgflex: the objects the rule is about (tables, extensions, roles, settings). */
  objects?: string[];
  /** pgflex: a fix the provider can apply in one click (see provider.applyFix). */
  fix?: { id: string; title: string; args?: Record<string, string> };
}

export interface DbLevelValidationStatus {
  databaseName: string;
  startedOn?: string;
  endedOn?: string;
  summary: ValidationSummaryItem[];
}

export interface ValidationDetails {
  status?: ValidationState | string;
  validationStartTimeInUtc?: string;
  validationEndTimeInUtc?: string;
  serverLevelValidationDetails?: ValidationSummaryItem[];
  dbLevelValidationDetails?: DbLevelValidationStatus[];
}

export interface TableProgress {
  /** `schema.table`, quoted only where needed. */
  name: string;
  state: 'Queued' | 'Loading' | 'Completed' | 'Errored';
  bytes?: number;
  rows?: number;
  error?: string;
  /** pgflex (direct engine): COPY format chosen for the table. */
  format?: 'binary' | 'text';
  /** pgflex (direct engine): how many ranges the table was copied in (1 = whole). */
  parts?: number;
}

export interface DatabaseMigrationState {
  databaseName?: string;
  migrationState?: MigrationDatabaseState | string;
  migrationOperation?: string;
  startedOn?: string;
  endedOn?: string;
  fullLoadQueuedTables?: number;
  fullLoadErroredTables?: number;
  fullLoadLoadingTables?: number;
  fullLoadCompletedTables?: number;
  cdcUpdateCounter?: number;
  cdcDeleteCounter?: number;
  cdcInsertCounter?: number;
  appliedChanges?: number;
  incomingChanges?: number;
  /** Seconds the target trails the source during the online phase (0 when caught up). */
  latency?: number;
  /** pgflex (direct engine): why the stream is behind or stopped, read from both servers. */
  latencyCauses?: LatencyCause[];
  /** pgflex (direct engine): since when the latency has stayed 0 with the apply worker running (ISO time). */
  caughtUpSince?: string;
  /** pgflex (direct engine): what the cutover will still copy, as the source holds it now. */
  cutoverCopies?: CutoverCopies;
  message?: string;
  /** pgflex (direct engine): what was left undone without failing (e.g. a setting the target refused). */
  warnings?: string[];
  /** pgflex (direct engine): per-table detail, for the details page and resume. */
  tables?: TableProgress[];
  /** pgflex (direct engine): verification after the copy. */
  verification?: Verification;
  /** pgflex (direct engine): seconds from cutover request to Succeeded. */
  cutoverSeconds?: number;
  /** pgflex (direct engine): seconds spent per phase (schema, copy, indexes, sequences, largeObjects, analyze, verify). */
  phaseSeconds?: Record<string, number>;
}

/** What logical replication cannot carry and the cutover copies again (online, direct engine). */
export interface CutoverCopies {
  unloggedTables: number;
  unloggedBytes: number;
  largeObjects: number;
  /** The size of the source's pg_largeobject (all large objects, pages included). */
  largeObjectBytes: number;
}

/**
 * One reason a stream lags or stopped, as the servers show it, with what to do about it.
 * `error`: the stream cannot catch up until it is dealt with; `warning`: it slows or risks it.
 */
export interface LatencyCause {
  kind: 'long-transaction' | 'apply-errors' | 'target-lock' | 'full-identity-scan' | 'apply-worker-down' | 'slot-inactive' | 'slot-lost';
  severity: 'error' | 'warning';
  /** Which server shows it. */
  side: 'source' | 'target';
  /** One line: what is wrong. */
  summary: string;
  /** What to do about it, in words. */
  action: string;
  /** SQL that deals with it, to run on `side` (e.g. ending a backend), when there is one. */
  command?: string;
  pid?: number;
  ageSeconds?: number;
  query?: string;
  table?: string;
  count?: number;
}

export interface Verification {
  mode: 'counts' | 'checksums';
  state: 'Succeeded' | 'Failed';
  tablesChecked: number;
  mismatches: { table: string; source: string; target: string }[];
}

export interface MigrationSubstateDetails {
  currentSubState?: MigrationSubstate | string;
  dbDetails?: Record<string, DatabaseMigrationState>;
  validationDetails?: ValidationDetails;
}

export interface MigrationStatus {
  state?: MigrationState | string;
  error?: string;
  currentSubStateDetails?: MigrationSubstateDetails;
}

export interface ServerSku {
  name?: string;
  tier?: SkuTier | string;
}

export interface DbServerMetadata {
  location?: string;
  version?: string;
  storageMb?: number;
  sku?: ServerSku;
}

export type TrueFalse = 'True' | 'False';

/** A migration, flattened as the SDK's `Migration`. */
export interface Migration {
  id?: string;
  name: string;
  type?: string;
  location?: string;
  tags?: Record<string, string>;
  migrationId?: string;
  currentStatus?: MigrationStatus;
  migrationInstanceResourceId?: string;
  migrationMode?: MigrationMode | string;
  migrationOption?: MigrationOption | string;
  sourceType?: SourceType | string;
  sslMode?: SslMode | string;
  sourceDbServerMetadata?: DbServerMetadata;
  targetDbServerMetadata?: DbServerMetadata;
  sourceDbServerResourceId?: string;
  sourceDbServerFullyQualifiedDomainName?: string;
  targetDbServerResourceId?: string;
  targetDbServerFullyQualifiedDomainName?: string;
  dbsToMigrate?: string[];
  setupLogicalReplicationOnSourceDbIfNeeded?: TrueFalse | string;
  overwriteDbsInTarget?: TrueFalse | string;
  migrationWindowStartTimeInUtc?: string;
  migrationWindowEndTimeInUtc?: string;
  migrateRoles?: TrueFalse | string;
  startDataMigration?: TrueFalse | string;
  triggerCutover?: TrueFalse | string;
  dbsToTriggerCutoverOn?: string[];
  cancel?: TrueFalse | string;
  dbsToCancelMigrationOn?: string[];
  /** ARM: who created and last changed the resource, and when (read-only). */
  systemData?: {
    createdBy?: string;
    createdByType?: string;
    createdAt?: string;
    lastModifiedBy?: string;
    lastModifiedByType?: string;
    lastModifiedAt?: string;
  };
  /** pgflex: which provider holds it. */
  provider?: 'azure' | 'direct';
  /** pgflex: when the migration ended (ARM has only per-database times). */
  endedOn?: string;
  /** pgflex: when the migration was created. */
  startedOn?: string;
  /** pgflex (direct engine, migrateRoles): the roles created on the target, and what to know. */
  roles?: RolesOutcome;
}

export interface RolesOutcome {
  created: string[];
  /** Roles the databases use that already existed on the target (left as they were). */
  existing: string[];
  /** Roles whose objects stay the target user's: it cannot act as them there (e.g. a superuser). */
  unowned: string[];
  warnings: string[];
}

export function isTerminal(m: Migration): boolean {
  return TERMINAL_STATES.includes(m.currentStatus?.state ?? '');
}

export function stateOf(m: Migration): string {
  return m.currentStatus?.state ?? 'Unknown';
}

export function substateOf(m: Migration): string {
  return m.currentStatus?.currentSubStateDetails?.currentSubState ?? '';
}
