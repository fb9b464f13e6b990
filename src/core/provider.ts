import type { Migration, MigrationMode, MigrationOption, SourceType, SslMode } from './model';
import type { NameCheck } from './names';

/** Where a server is: enough for the direct engine to connect, or for ARM to find it. */
export interface ServerRef {
  /** Stable id: an ARM resource id, or `direct:<host>:<port>@<user>` (both built and parsed in ./ids). */
  id: string;
  label: string;
  host: string;
  port: number;
  user: string;
  /** Database to connect to for server-level work. */
  database?: string;
  sslMode?: 'disable' | 'prefer' | 'require' | 'verify-ca' | 'verify-full';
  kind: 'direct' | 'azure-flexible' | 'azure-single';
}

export interface MigrationSpec {
  name: string;
  source: ServerRef;
  target: ServerRef;
  sourceType?: SourceType | string;
  databases: string[];
  mode: MigrationMode;
  option: MigrationOption;
  overwrite: boolean;
  sslMode?: SslMode;
  /** Direct engine knobs. */
  jobs?: number;
  verify?: 'none' | 'counts' | 'checksums';
  /** Roles that own objects or hold grants are created on the target, with ownership and grants kept (both providers). */
  migrateRoles?: boolean;
  /** Azure knobs. */
  setupLogicalReplication?: boolean;
  migrationInstanceResourceId?: string;
  migrationWindowStartTimeInUtc?: string;
  location?: string;
}

/** Passwords (or tokens) for one create call; never stored with the spec. */
export interface Secrets {
  sourcePassword?: string;
  targetPassword?: string;
}

export interface MigrationProvider {
  readonly kind: 'azure' | 'direct';
  checkName(target: ServerRef, name: string): Promise<NameCheck>;
  create(spec: MigrationSpec, secrets: Secrets): Promise<Migration>;
  get(target: ServerRef, name: string): Promise<Migration>;
  list(target: ServerRef): Promise<Migration[]>;
  cutover(target: ServerRef, name: string, databases?: string[]): Promise<void>;
  cancel(target: ServerRef, name: string, databases?: string[]): Promise<void>;
}
