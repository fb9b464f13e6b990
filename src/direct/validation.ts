import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { MigrationMode, ValidationDetails } from '../core/model';
import { runRules } from '../core/rules';
import type { AzureTargetFacts, DatabaseFacts, PgDumpFacts, Probe, ValidationFacts, ValidationOptions } from '../core/rules/facts';
import { isUserDatabase } from '../pg/factsDatabases';
import { explainPgError, PgConnectError, withClient, withDatabase, type ConnInfo } from '../pg/connection';
import { readDatabaseFacts, readServerFacts } from '../pg/facts';
import { baseChildEnv } from '../pg/libpqEnv';

const run = promisify(execFile);

/**
 * Seam between the direct engine and the validation rules: gathers facts from both servers
 * (concurrently: one connection per server, then one per chosen database) and runs every rule.
 */
export interface DirectValidationInput {
  source: ConnInfo;
  target: ConnInfo;
  databases: string[];
  mode: MigrationMode;
  overwrite: boolean;
  /** Roles are migrated too (owners and grants kept). */
  migrateRoles?: boolean;
  /** Online: schema changes are replicated (needs event triggers on the source). */
  replicateDdl?: boolean;
  /** Path of the pg_dump the engine will use (checked against the source's major version). Default `pg_dump` on PATH. */
  pgDumpPath?: string;
  /** Path of the psql that applies the dump (checked with pg_dump). Default `psql` on PATH. */
  psqlPath?: string;
  /** Skip the pg_dump check (the Azure flow does not run pg_dump here). Default true. */
  checkPgDump?: boolean;
  /** Online: the target may replicate over TLS weaker than the source's SSL mode. */
  allowWeakerReplicationTls?: boolean;
  /** Facts about an Azure target read from ARM (SKU, storage, azure.extensions), when known. */
  azureTarget?: AzureTargetFacts;
  /** Who will move the data; worded rules differ (ownership, locales). Default: `azure` when azureTarget is given, else `direct`. */
  engine?: 'direct' | 'azure';
  /** Thresholds (skew). */
  options?: ValidationOptions;
}

async function probe<T>(fn: () => Promise<T>, conn: ConnInfo): Promise<Probe<T>> {
  try {
    return { ok: true, value: await fn() };
  } catch (e) {
    const err = e instanceof PgConnectError ? e : explainPgError(e, conn);
    return { ok: false, error: err.message, kind: err.kind };
  }
}

/** `pg_dump --version` → `pg_dump (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)`. */
export function parsePgDumpVersion(out: string): { version: string; major: number } | undefined {
  const m = /\(PostgreSQL\)\s+(\d+)(?:\.(\d+))?(?:\.(\d+))?/.exec(out) ?? /\b(\d+)\.(\d+)/.exec(out);
  if (!m) return undefined;
  const first = Number(m[1]);
  // Before 10 the major version had two parts (9.6).
  const major = first >= 10 ? first : first + Number(m[2] ?? 0) / 10;
  return { version: m[0].replace(/^\(PostgreSQL\)\s+/, ''), major };
}

export async function probePgDump(path = 'pg_dump', tool: 'pg_dump' | 'psql' = 'pg_dump'): Promise<Probe<PgDumpFacts>> {
  try {
    const { stdout } = await run(path, ['--version'], { timeout: 10_000, env: baseChildEnv() });
    const v = parsePgDumpVersion(stdout);
    if (!v) return { ok: false, error: `"${path} --version" printed "${stdout.trim()}", which names no PostgreSQL version.` };
    return { ok: true, value: { path, ...v } };
  } catch (e) {
    const code = (e as { code?: string }).code;
    return {
      ok: false,
      error: code === 'ENOENT' ? `${tool} was not found (${path}); the direct engine needs it for the schema.` : `"${path} --version" failed: ${(e as Error).message}`,
    };
  }
}

/** Read every fact the rules need. Exported for the Azure flow, which adds `azureTarget`. */
export async function gatherFacts(input: DirectValidationInput): Promise<ValidationFacts> {
  const startedAt = new Date().toISOString();
  // Catalog reads take well under a second; a server that does not answer in a minute is reported, not waited on.
  const source: ConnInfo = { ...input.source, role: input.source.role ?? 'source', applicationName: 'pgflex-validate', statementTimeoutMs: input.source.statementTimeoutMs ?? 60_000 };
  const target: ConnInfo = { ...input.target, role: input.target.role ?? 'target', applicationName: 'pgflex-validate', statementTimeoutMs: input.target.statementTimeoutMs ?? 60_000 };
  const databases = [...new Set(input.databases)];
  // The source's databases are read as soon as the source answers, without waiting for the target.
  const sourceSide = (async () => {
    const src = await probe(() => withClient(source, (c) => readServerFacts(c, { sizes: databases })), source);
    const sourceDatabases: Record<string, Probe<DatabaseFacts>> = {};
    const databaseTimes: Record<string, { startedAt: string; endedAt: string }> = {};
    if (!src.ok) return { src, sourceDatabases, databaseTimes };
    await Promise.all(
      databases.map(async (name) => {
        const info = src.value.databases.find((d) => d.name === name);
        // Missing, template or internal databases fail SchemaValidation without being opened.
        if (!info || !isUserDatabase(info, true)) return;
        if (!info.canConnect) {
          sourceDatabases[name] = { ok: false, error: `user "${src.value.user.name}" may not connect to database ${name} on the source.`, kind: 'permission' };
          return;
        }
        const conn = withDatabase(source, name);
        const dbStarted = new Date().toISOString();
        sourceDatabases[name] = await probe(() => withClient(conn, (c) => readDatabaseFacts(c, { versionNum: src.value.versionNum })), conn);
        databaseTimes[name] = { startedAt: dbStarted, endedAt: new Date().toISOString() };
      }),
    );
    return { src, sourceDatabases, databaseTimes };
  })();
  // Target sizes matter only for the storage rule, which needs the Azure storage size.
  const targetSizes = input.azureTarget?.storageMb !== undefined ? 'all' : 'none';
  const [{ src, sourceDatabases, databaseTimes }, tgt, pgDump, psql] = await Promise.all([
    sourceSide,
    probe(() => withClient(target, (c) => readServerFacts(c, { sizes: targetSizes })), target),
    input.checkPgDump === false ? Promise.resolve(undefined) : probePgDump(input.pgDumpPath),
    input.checkPgDump === false ? Promise.resolve(undefined) : probePgDump(input.psqlPath ?? 'psql', 'psql'),
  ]);
  const facts: ValidationFacts = {
    mode: input.mode,
    engine: input.engine ?? (input.azureTarget ? 'azure' : 'direct'),
    overwrite: input.overwrite,
    migrateRoles: input.migrateRoles,
    replicateDdl: input.replicateDdl,
    databases: input.databases,
    source: src,
    target: tgt,
    sourceDatabases,
    databaseTimes,
    sourceEndpoint: { host: source.host, port: source.port, user: source.user, sslMode: source.sslMode, ...(source.sslRootCert ? { sslRootCert: source.sslRootCert } : {}) },
    targetEndpoint: { host: target.host, port: target.port, user: target.user, sslMode: target.sslMode },
    startedAt,
    endedAt: startedAt,
  };
  if (pgDump) facts.pgDump = pgDump;
  if (psql) facts.psql = psql;
  if (input.azureTarget) facts.azureTarget = input.azureTarget;
  if (input.options) facts.options = input.options;
  if (input.allowWeakerReplicationTls) facts.allowWeakerReplicationTls = true;
  return facts;
}

export async function validateDirect(input: DirectValidationInput): Promise<ValidationDetails> {
  const facts = await gatherFacts(input);
  return runRules({ ...facts, endedAt: new Date().toISOString() });
}
