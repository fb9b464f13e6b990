/**
 * Facts the validation rules judge. Plain data: read by src/pg/facts.ts from a live server, by
 * the Azure provider from ARM, or written by hand in tests. A fact that could not be read is a
 * `Probe` with the reason, so a rule can say it did not run instead of passing.
 */
import type { MigrationMode } from '../model';

export type Probe<T> = { ok: true; value: T } | { ok: false; error: string; kind?: string };

/** Where a server is, for messages (never a password). */
export interface ServerEndpoint {
  host: string;
  port: number;
  user: string;
  sslMode?: string;
  /** The CA file named for this server on this machine (a path; `system` is not recorded). */
  sslRootCert?: string;
}

export interface CurrentUserFacts {
  name: string;
  superuser: boolean;
  createdb: boolean;
  createrole: boolean;
  replication: boolean;
  /** Roles the user is a member of, directly or through other roles. */
  memberOf: string[];
}

export interface DatabaseInfo {
  name: string;
  /** pg_database_size(); missing when the user may not connect to it. */
  sizeBytes?: number;
  encoding: string;
  collate: string;
  ctype: string;
  /** `libc` or `icu` (PostgreSQL 15+; older servers are libc). */
  localeProvider: string;
  icuLocale?: string;
  isTemplate: boolean;
  allowConnections: boolean;
  owner: string;
  /** The migrating user may connect (CONNECT privilege). */
  canConnect: boolean;
}

export interface ServerFacts {
  /** server_version_num, e.g. 160004. */
  versionNum: number;
  /** `select version()`: tells Azure Single Server (Visual C++ build) apart. */
  version: string;
  /** Selected pg_settings by name (absent when the server has no such setting). */
  settings: Record<string, string>;
  user: CurrentUserFacts;
  /** Every role name on the server. */
  roles: string[];
  databases: DatabaseInfo[];
  /** libc locales the server knows (pg_collation.collcollate): a new database can use these. */
  collationLocales?: string[];
  /** Names from pg_available_extensions. */
  availableExtensions: string[];
  replicationSlots: { total: number; inactiveLogical: string[] };
  walSenders: number;
  /** Whether this session is encrypted. */
  tls: boolean;
}

export type ReplicaIdentity = 'default' | 'nothing' | 'full' | 'index';

export interface TableFacts {
  schema: string;
  name: string;
  /** Heap + TOAST main forks: the bytes the copy reads (indexes are rebuilt, not copied). */
  bytes: number;
  hasPrimaryKey: boolean;
  replicaIdentity: ReplicaIdentity;
  unlogged: boolean;
  /** Only PostgreSQL ≤ 11 can have these. */
  withOids: boolean;
  /** The migrating user can read it (USAGE on the schema and SELECT on the table). */
  readable: boolean;
  /** The migrating user owns it (directly or through a role): needed to publish it. */
  owned: boolean;
  /** Partitioned parent: holds no rows itself. */
  partitioned: boolean;
}

export interface DatabaseFacts {
  name: string;
  extensions: { name: string; version: string; schema: string }[];
  /** User tables (no system schemas, no extension members). */
  tables: TableFacts[];
  /** Sequences the user cannot read (pg_dump needs SELECT on them). */
  unreadableSequences: { schema: string; name: string }[];
  sequences: number;
  largeObjects: number;
  /** Roles (not the built-in ones) that own objects or hold grants in this database. */
  roles: { name: string; owns: number; grants: number }[];
  /** CREATE on the database: needed to create a publication for online mode. */
  canCreate: boolean;
  /** Table sizes come from page counts (a table was locked): rough, as of the last VACUUM/ANALYZE. */
  sizesEstimated?: boolean;
}

export interface PgDumpFacts {
  path: string;
  version: string;
  major: number;
}

/** Facts about an Azure Flexible Server target read from ARM by the Azure provider. */
export interface AzureTargetFacts {
  skuTier?: string;
  skuName?: string;
  vCores?: number;
  storageMb?: number;
  /** Value of `azure.extensions`, split. */
  allowlistedExtensions?: string[];
  /** Value of `shared_preload_libraries`, split. */
  sharedPreloadLibraries?: string[];
}

export interface ValidationOptions {
  /** Below this many bytes in a database, skew is not worth a warning. Default 1 GiB. */
  skewMinBytes?: number;
  /** Share of the database's bytes above which a few tables count as skew. Default 0.6. */
  skewShare?: number;
}

export interface ValidationFacts {
  mode: MigrationMode;
  /**
   * Who moves the data: the direct engine (pg_dump --no-owner --no-privileges, databases created
   * with the source's locale) or the Azure service. Default `direct`.
   */
  engine?: 'direct' | 'azure';
  overwrite: boolean;
  /** Roles are migrated (direct engine: created on the target, owners and grants kept). */
  migrateRoles?: boolean;
  /** Online, direct engine: the target may replicate over TLS weaker than the source's SSL mode. */
  allowWeakerReplicationTls?: boolean;
  /** Online: DDL committed on the source while streaming is replicated (event triggers on the source). */
  replicateDdl?: boolean;
  /** Databases chosen, in the user's order. */
  databases: string[];
  source: Probe<ServerFacts>;
  target: Probe<ServerFacts>;
  /** Per chosen database, read on the source (missing key: not read, e.g. not a user database). */
  sourceDatabases: Record<string, Probe<DatabaseFacts>>;
  /** The pg_dump the direct engine will use; absent for the Azure flow. */
  pgDump?: Probe<PgDumpFacts>;
  /** The psql that applies pg_dump's output (direct engine); judged with pg_dump. */
  psql?: Probe<PgDumpFacts>;
  azureTarget?: AzureTargetFacts;
  sourceEndpoint?: ServerEndpoint;
  targetEndpoint?: ServerEndpoint;
  startedAt: string;
  endedAt: string;
  /** When each database's facts were read (UTC ISO); the run's times otherwise. */
  databaseTimes?: Record<string, { startedAt: string; endedAt: string }>;
  options?: ValidationOptions;
}
