/**
 * pg_dump and psql, run as child processes. Passwords travel in the environment (libpqEnv),
 * never in argv, and error output is scrubbed before it reaches a message.
 */
import { spawn, execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { libpqEnv, scrub, type ConnInfo } from '../pg/connection';
import type { Sessions } from './sessions';

const exec = promisify(execFile);

export interface PgTools {
  /** pg_dump executable (a path or a name on PATH). */
  pgDump: string;
  /** psql executable. */
  psql: string;
}

export function defaultTools(): PgTools {
  return { pgDump: process.env.PGFLEX_PG_DUMP || 'pg_dump', psql: process.env.PGFLEX_PSQL || 'psql' };
}

/** Major version of a pg_dump/psql binary, e.g. 15. */
export async function toolMajor(bin: string): Promise<number> {
  let out: string;
  try {
    out = (await exec(bin, ['--version'])).stdout;
  } catch {
    throw new Error(`"${bin}" could not be run. Install the PostgreSQL client tools (pg_dump, psql) or set PGFLEX_PG_DUMP to the pg_dump to use.`);
  }
  const m = /\(PostgreSQL\)\s+(\d+)/.exec(out);
  if (!m) throw new Error(`"${bin} --version" printed "${out.trim()}", which is not a PostgreSQL version.`);
  return Number(m[1]);
}

/** Refuse a pg_dump older than the source: it would fail half-way or miss objects. */
export async function checkPgDump(tools: PgTools, sourceMajor: number, sourceLabel: string): Promise<number> {
  const major = await toolMajor(tools.pgDump);
  if (major < sourceMajor) {
    throw new Error(
      `pg_dump ${major} cannot dump the ${sourceLabel}, which runs PostgreSQL ${sourceMajor}. Install the PostgreSQL ${sourceMajor} client tools (or newer) and point PGFLEX_PG_DUMP (or the pgDumpPath setting) at that pg_dump.`,
    );
  }
  return major;
}

export interface DumpOptions {
  section: 'pre-data' | 'post-data';
  snapshot?: string;
  /** Schemas left out of the dump (e.g. pgflex's own objects on an online source). */
  excludeSchemas?: string[];
  /** Tables left out (schema-qualified patterns, as pg_dump -T takes them). */
  excludeTables?: string[];
  /** Keep ALTER … OWNER TO, GRANT and REVOKE (migrateRoles: the roles exist on the target). */
  keepOwners?: boolean;
}

/**
 * Unless roles are migrated (keepOwners), objects are created owned by the target's connecting
 * user (--no-owner); their grants stay in the dump, and the caller keeps those whose roles
 * exist on the target (grants.ts), so schema and data arrive whatever roles exist there. Subscriptions are never copied: they would connect back to
 * wherever the source replicates from.
 */
export function dumpArgs(o: DumpOptions): string[] {
  // No --schema-only: it would drop the materialized views' REFRESH from post-data. Sections
  // pre-data and post-data hold no table rows anyway; large objects are copied by the engine.
  const args = [`--section=${o.section}`, ...(o.keepOwners ? [] : ['--no-owner']), '--no-subscriptions', '--no-blobs', '--quote-all-identifiers'];
  if (o.snapshot) args.push(`--snapshot=${o.snapshot}`);
  for (const s of o.excludeSchemas ?? []) args.push(`--exclude-schema=${s}`);
  for (const t of o.excludeTables ?? []) args.push(`--exclude-table=${t}`);
  return args;
}

function failure(tool: string, what: string, code: number | null, signal: NodeJS.Signals | null, stderr: string, c: ConnInfo): Error {
  const tail = scrub(stderr.trim().split('\n').slice(-5).join(' '), c.password);
  const how = signal ? `was stopped (${signal})` : `exited with code ${code}`;
  return new Error(`${tool} ${how} while ${what}${tail ? `: ${tail}` : '.'}`);
}

/** pg_dump into a string (post-data is small: statements, no rows). */
export async function dumpToString(tools: PgTools, source: ConnInfo, o: DumpOptions, sessions?: Sessions): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(tools.pgDump, dumpArgs(o), { env: libpqEnv(source), stdio: ['ignore', 'pipe', 'pipe'] });
    sessions?.track(child);
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', (e) => reject(new Error(`pg_dump could not be started (${e.message}). Install the PostgreSQL client tools or set PGFLEX_PG_DUMP.`)));
    child.on('close', (code, signal) => {
      if (code === 0) resolve(Buffer.concat(out).toString('utf8'));
      else reject(failure('pg_dump', `dumping the ${o.section} schema of database "${source.database}" from the source`, code, signal, err, source));
    });
  });
}

/** Apply SQL text with psql, stopping at the first error, in one transaction. */
export async function applySql(tools: PgTools, target: ConnInfo, sql: string, what: string, sessions?: Sessions): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const child = spawn(tools.psql, ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '--single-transaction', '-f', '-'], {
      env: libpqEnv(target),
      stdio: ['pipe', 'ignore', 'pipe'],
    });
    sessions?.track(child);
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', (e) => reject(new Error(`psql could not be started (${e.message}). Install the PostgreSQL client tools or set PGFLEX_PSQL.`)));
    child.on('close', (code, signal) => {
      if (code === 0) resolve();
      else reject(failure('psql', what, code, signal, err, target));
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(sql);
  });
}
