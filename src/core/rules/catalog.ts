/** Lists the rules judge against, from the service's documentation (shared/arm/RULES.md). */

/** Extensions the migration cannot move (known-issues page; the list). */
export const UNSUPPORTED_EXTENSIONS: readonly string[] = [
  'timescaledb', 'postgis_topology', 'postgis_tiger_geocoder', 'postgres_fdw', 'pg_partman',
];

/** Extensions whose library must be in shared_preload_libraries on the target (extension → library). */
export const PRELOAD_LIBRARIES: Readonly<Record<string, string>> = {
  pg_cron: 'pg_cron',
  pg_hint_plan: 'pg_hint_plan',
  pg_partman_bgw: 'pg_partman_bgw',
  pg_prewarm: 'pg_prewarm',
  pg_stat_statements: 'pg_stat_statements',
  pgaudit: 'pgaudit',
  pglogical: 'pglogical',
  timescaledb: 'timescaledb',
};

/** Always present, never allow-listed. */
export const BUILTIN_EXTENSIONS: readonly string[] = ['plpgsql'];

/** Azure-internal databases, never migrated. */
export const AZURE_INTERNAL_DATABASES: readonly string[] = ['azure_maintenance', 'azure_sys'];
export const TEMPLATE_DATABASES: readonly string[] = ['template0', 'template1'];

/** The oldest source the service accepts. */
export const MIN_SOURCE_MAJOR = 9.5;
/** The portal's recommendation for a migration target. */
export const MIN_TARGET_VCORES = 4;

/** Roles that exist on every server or that the service manages: never "missing" on a target. */
export const BUILTIN_ROLE_PREFIXES: readonly string[] = ['pg_', 'azure_', 'rds', 'cloudsql'];

/** Rule names: the service's where one covers the check, ours otherwise. */
export const RULE = {
  connectivity: 'AuthenticationAndConnectivityValidation',
  sourceVersion: 'SourceVersionValidation',
  serverParameters: 'ServerParametersValidation',
  schema: 'SchemaValidation',
  extensions: 'ExtensionsValidation',
  collations: 'CollationsValidation',
  pgDump: 'PgDumpVersionValidation',
  replicationCapacity: 'ReplicationCapacityValidation',
  allowlist: 'ExtensionsAllowlistValidation',
  preload: 'SharedPreloadLibrariesValidation',
  sku: 'TargetSkuValidation',
  storage: 'StorageValidation',
  sourcePrivileges: 'SourcePrivilegesValidation',
  targetPrivileges: 'TargetPrivilegesValidation',
  roles: 'RolesValidation',
  selection: 'DatabaseSelectionValidation',
  targetDatabase: 'TargetDatabaseValidation',
  replicaIdentity: 'ReplicaIdentityValidation',
  unlogged: 'UnloggedTablesValidation',
  largeObjects: 'LargeObjectsValidation',
  sequences: 'SequencesValidation',
  skew: 'TableSkewValidation',
  replicationTls: 'ReplicationTlsValidation',
  slotWalLimit: 'SlotWalRetentionValidation',
} as const;

/** The service's documented error codes (troubleshoot-error-codes.md) that our rules quote. */
export const CODE = {
  unreachable: 603000,
  ssl: 603001,
  auth: 603100,
  dbExistsOnTarget: 603101,
  dbMissingOnSource: 603102,
  replicationRole: 603104,
  replicationSlots: 603105,
  walSenders: 603106,
  walLevel: 603107,
  allowlist: 603108,
  preload: 603109,
  sourceOwnership: 603110,
  dropTargetDb: 603117,
  sourceVersion: 603400,
  collationMissing: 603401,
  withOids: 603404,
  unsupportedExtension: 603405,
  extensionNotOnTarget: 603408,
} as const;
