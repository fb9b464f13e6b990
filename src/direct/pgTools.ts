/**
 * pg_dump and psql, run as child processes. Passwords travel in the environment (libpqEnv),
 * never in argv, and error output is scrubbed before it reaches a message.
 */
import { spawn, execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { clientToolFix, clientToolProblem } from '../core/rules/clientTools';
import { scrub, type ConnInfo } from '../pg/connection';
import { baseChildEnv, libpqEnv } from '../pg/libpqEnv';
import { libpqKeepaliveParams } from '../core/netTimeouts';
import type { Sessions } from './sessions';

const exec = promisify(execFile);

/**
 * `--dbname` as a connection string holding only keepalive settings (libpq reads none of them
 * from the environment); host, database, user and password still come from libpqEnv.
 */
function keepaliveDbname(): string {
  return `--dbname=${libpqKeepaliveParams().join(' ')}`;
}

export interface PgTools {
  /** pg_dump executable (a path or a name on PATH). */
  pgDump: string;
  /** psql executable. */
  psql: string;
}

export function defaultTools(): PgTools {
  return { pgDump: process.env.PGFLEX_PG_DUMP || 'pg_dump', psql: process.env.PGFLEX_PSQL || 'psql' };
}

/** Version of a pg_dump/psql binary, e.g. `15.18`, and its major. */
export async function toolVersion(bin: string): Promise<{ version: string; major: number }> {
  let out: string;
  try {
    out = (await exec(bin, ['--version'], { env: baseChildEnv() })).stdout;
  } catch (e) {
    throw new Error(`"${bin}" could not be run (${e instanceof Error ? e.message : String(e)}). Install the PostgreSQL client tools (pg_dump, psql), or point --pg-dump / --psql (PGFLEX_PG_DUMP / PGFLEX_PSQL, the pgDumpPath / psqlPath settings) at the ones to use.`);
  }
  const m = /\(PostgreSQL\)\s+(\d+(?:\.\d+)*)/.exec(out);
  if (!m) throw new Error(`"${bin} --version" printed "${out.trim()}", which is not a PostgreSQL version.`);
  return { version: m[1], major: Number(m[1].split('.')[0]) };
}

/** Major version of a pg_dump/psql binary, e.g. 15. */
export async function toolMajor(bin: string): Promise<number> {
  return (await toolVersion(bin)).major;
}

/**
 * Refuse a pg_dump older than the source (it would fail half-way or miss objects), and a
 * pg_dump or psql without the CVE-2025-8714 fix (the source could run commands here).
 */
export async function checkPgDump(tools: PgTools, sourceMajor: number, sourceLabel: string): Promise<number> {
  const [dump, psql] = await Promise.all([toolVersion(tools.pgDump), toolVersion(tools.psql)]);
  for (const [tool, v] of [['pg_dump', dump], ['psql', psql]] as const) {
    const problem = clientToolProblem(tool, v.version);
    if (problem) throw new Error(`${problem} ${clientToolFix(v.version)}`);
  }
  const major = dump.major;
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
 * user and without GRANTs (--no-owner --no-privileges), so schema and data arrive whatever
 * roles exist on the target. Subscriptions are never copied: they would connect back to
 * wherever the source replicates from.
 */
export function dumpArgs(o: DumpOptions): string[] {
  // No --schema-only: it would drop the materialized views' REFRESH from post-data. Sections
  // pre-data and post-data hold no table rows anyway; large objects are copied by the engine.
  const args = [`--section=${o.section}`, ...(o.keepOwners ? [] : ['--no-owner', '--no-privileges']), '--no-subscriptions', '--no-blobs', '--quote-all-identifiers'];
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

/**
 * The dump's `\restrict <key>` must hold: psql (CVE-2025-8714 fixed) refuses every
 * meta-command between `\restrict <key>` and `\unrestrict <key>`, so text the source put in the
 * dump cannot run commands here. A dump without the line comes from a pg_dump without the fix;
 * one whose key also appears anywhere else could end the restriction early. Both are refused.
 */
export function checkRestrictKey(dump: string, what: string): void {
  const key = /^\\restrict ([A-Za-z0-9]+)$/m.exec(dump)?.[1];
  if (!key) throw new Error(`The pg_dump output ${what} has no \\restrict line: it was not written by a pg_dump with the fix for CVE-2025-8714, so psql would run any meta-command in it. Use pg_dump 13.22, 14.19, 15.14, 16.10, 17.6 or newer.`);
  const uses = dump.split(key).length - 1;
  const lines = dump.split('\n').filter((l) => l === `\\restrict ${key}` || l === `\\unrestrict ${key}`).length;
  if (uses !== 2 || lines !== 2) {
    throw new Error(`The pg_dump output ${what} carries its \\restrict key outside the \\restrict and \\unrestrict lines (in the source's data or definitions); it is refused, as psql could be made to run meta-commands from it. Check the source database for objects whose names, comments or settings contain that text.`);
  }
}

/** pg_dump into a string (post-data is small: statements, no rows). */
export async function dumpToString(tools: PgTools, source: ConnInfo, o: DumpOptions, sessions?: Sessions): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(tools.pgDump, [...dumpArgs(o), keepaliveDbname()], { env: libpqEnv(source), stdio: ['ignore', 'pipe', 'pipe'] });
    sessions?.track(child);
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', (e) => reject(new Error(`pg_dump could not be started (${e.message}). Install the PostgreSQL client tools or set PGFLEX_PG_DUMP.`)));
    child.on('close', (code, signal) => {
      if (code !== 0) {
        reject(failure('pg_dump', `dumping the ${o.section} schema of database "${source.database}" from the source`, code, signal, err, source));
        return;
      }
      const text = Buffer.concat(out).toString('utf8');
      try {
        checkRestrictKey(text, `of the ${o.section} schema of database "${source.database}"`);
        resolve(withoutPgflexEventTriggers(text));
      } catch (e) {
        reject(e);
      }
    });
  });
}

/** Apply SQL text with psql, stopping at the first error, in one transaction. */
export async function applySql(tools: PgTools, target: ConnInfo, sql: string, what: string, sessions?: Sessions): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const child = spawn(tools.psql, ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '--single-transaction', '-f', '-', keepaliveDbname()], {
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

/**
 * pg_dump copies event triggers whatever schemas it is told to leave out: pgflex's own (online
 * migrations that replicate DDL) must not reach the target, where they would queue the
 * target's own DDL, starting with the schema copy's index builds.
 */
export function withoutPgflexEventTriggers(sql: string): string {
  return sql.replace(/^CREATE EVENT TRIGGER "pgflex_[^"]*"[\s\S]*?;$/gm, '').replace(/^ALTER EVENT TRIGGER "pgflex_[^"]*"[^\n]*;$/gm, '');
}
