/**
 * The per-database phases of a direct migration, each callable on its own so the online mode
 * can reuse them with its own snapshot (the one its replication slot exported): pre-data
 * schema, table copy (optionally into tables whose indexes come later), post-data, sequences,
 * large objects, analyze, verification.
 */
import { Transform } from 'node:stream';
import { qualified } from '../core/format';
import type { ConnInfo } from '../pg/connection';
import { explainPgError, withDatabase } from '../pg/connection';
import { ClientPool } from './clientPool';
import { parallelWorkersSql, type BuildLoad } from './buildLoad';
import { sortMemoryFor, sortMemorySql } from './buildMemory';
import { copyChunk, PipePool, settleBrokenCopy } from './copyTable';
import { applySql, dumpToString, type PgTools } from './pgTools';
import { withoutOwners } from './roles';
import { WorkerBudget, runAll } from './pool';
import { postDataKey, splitPostData, quotedAll, type PostData, type PostDataEntry } from './postData';
import { isConnectionError, retryPolicy, withRetry } from './retry';
import type { Sessions } from './sessions';
import { chunksFor, partsFor, type Chunk, type TablePlan } from './tables';
import type pg from 'pg';

export interface DbContext {
  database: string;
  /** Source and target connections, pointed at this database. */
  source: ConnInfo;
  target: ConnInfo;
  sourceMajor: number;
  sessions: Sessions;
  tools: PgTools;
  /** COPY workers, shared by every database of the migration. */
  budget: WorkerBudget;
  /**
   * Index, constraint and ANALYZE workers, shared likewise (as pgcopydb's --index-jobs beside
   * --table-jobs): a table's indexes build while the next tables copy. Defaults to `budget`.
   */
  indexBudget?: WorkerBudget;
  signal: AbortSignal;
  excludeSchemas?: string[];
  /** Dump with owners and grants (the roles were migrated first). */
  keepOwners?: boolean;
  /** With keepOwners: roles the target user cannot act as; their objects stay its own. */
  unowned?: string[];
  /** Timeline of the work (PGFLEX_TRACE): each COPY and post-data step as it starts and ends. */
  trace?(event: string): void;
  /** The migration's load on the target, to size each index build's parallel workers. */
  builds?: BuildLoad;
  /** Each table's size on the source, by `"schema"."table"` (as post-data entries name it), to size its btree sorts. */
  tableBytes?: Map<string, number>;
  /** Hears each retry of a COPY or post-data entry after a broken connection (counted and shown). */
  onRetry?(message: string): void;
}

export function dbContext(base: Omit<DbContext, 'source' | 'target'>, source: ConnInfo, target: ConnInfo): DbContext {
  return { ...base, source: withDatabase(source, base.database), target: withDatabase(target, base.database) };
}

/** pg_dump --section=pre-data from the snapshot, applied to the target in one transaction. */
export async function applyPreData(ctx: DbContext, snapshotId: string | undefined): Promise<void> {
  const sql = withoutOwners(await dumpToString(ctx.tools, ctx.source, { section: 'pre-data', snapshot: snapshotId, excludeSchemas: ctx.excludeSchemas, keepOwners: ctx.keepOwners }, ctx.sessions), ctx.unowned ?? []);
  ctx.signal.throwIfAborted();
  await applySql(ctx.tools, ctx.target, sql, `creating the schema of database "${ctx.database}" on the target`, ctx.sessions);
}

export async function dumpPostData(ctx: DbContext, snapshotId: string | undefined): Promise<PostData> {
  const sql = withoutOwners(await dumpToString(ctx.tools, ctx.source, { section: 'post-data', snapshot: snapshotId, excludeSchemas: ctx.excludeSchemas, keepOwners: ctx.keepOwners }, ctx.sessions), ctx.unowned ?? []);
  return splitPostData(sql);
}

export interface CopyTablesOptions {
  snapshotId: string | undefined;
  /** A source session reading the snapshot, used to plan ranges. */
  planner: pg.Client;
  /** Split thresholds (see partsFor). */
  minSplitBytes: number;
  maxParts: number;
  /** Bytes per second per pipe; only to make copies slow on purpose (tests). */
  rateLimit?: number;
  onTableStart?(t: TablePlan, parts: number): void;
  /** Bytes the source streamed for part `part` of a table (progress). */
  onBytes?(t: TablePlan, part: number, n: number): void;
  onTableDone?(t: TablePlan, rows: number, sourceRows: number): void;
  onTableError?(t: TablePlan, message: string): void;
}

/** The error of a failed table, naming it. */
export class TableCopyError extends Error {
  constructor(
    readonly table: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Copy tables through the worker budget, largest first. Tables copied in one piece use
 * TRUNCATE + COPY FREEZE; split tables are truncated once, then filled by parallel ranges.
 */
export async function copyTables(ctx: DbContext, tables: TablePlan[], o: CopyTablesOptions): Promise<void> {
  const total = tables.reduce((s, t) => s + t.bytes, 0);
  interface Job { t: TablePlan; chunk: Chunk; state: { left: number; rows: number; sourceRows: number } }
  const jobs: Job[] = [];
  for (const t of tables) {
    const parts = partsFor(t, total, { jobs: ctx.budget.size, minSplitBytes: o.minSplitBytes, maxParts: o.maxParts });
    const chunks = await chunksFor(o.planner, t, parts, ctx.sourceMajor);
    const state = { left: chunks.length, rows: 0, sourceRows: 0 };
    if (chunks.length > 1) {
      await ctx.sessions.open(ctx.target).then(async (c) => {
        try {
          await c.query(`TRUNCATE ONLY ${t.name}`);
        } finally {
          await ctx.sessions.close(c);
        }
      });
    }
    for (const chunk of chunks) jobs.push({ t, chunk, state });
  }
  const pipes = new PipePool(ctx.sessions, ctx.source, ctx.target, o.snapshotId);
  try {
    await runAll(
      ctx.budget,
      jobs,
      async ({ t, chunk, state }) => {
        if (chunk.index === 0) o.onTableStart?.(t, chunk.of);
        try {
          const part = chunk.of > 1 ? ` part ${chunk.index + 1}/${chunk.of}` : '';
          ctx.trace?.(`copy ${t.name}${part} start`);
          // A whole table retries safely (TRUNCATE + COPY in one transaction); a range's
          // transaction rolled back with its connection, unless its COMMIT was in flight.
          const onBytes = o.onBytes && ((n: number) => o.onBytes!(t, chunk.index, n));
          const r = await withRetry(
            async () => {
              try {
                return await pipes.use((ends) => copyChunk(ends, t, chunk, { truncateAndFreeze: chunk.of === 1, throttle: o.rateLimit ? rateLimiter(o.rateLimit, ctx.signal) : undefined, onBytes }));
              } catch (e) {
                if (ctx.signal.aborted || !isConnectionError(e)) throw e;
                const settled = await settleBrokenCopy(e, ctx.sessions, ctx.target);
                if (settled) return settled;
                throw e;
              }
            },
            {
              policy: retryPolicy(),
              signal: ctx.signal,
              onRetry: (attempt, e, delay) => {
                ctx.trace?.(`copy ${t.name}${part} retry ${attempt}`);
                ctx.onRetry?.(`Copying table ${t.name}${part} was retried (attempt ${attempt}, after ${delay / 1000} s) because a connection broke: ${brokenConnection(e, ctx)}`);
              },
            },
          );
          ctx.trace?.(`copy ${t.name}${part} end (${r.rows} rows)`);
          state.rows += r.rows;
          state.sourceRows += r.sourceRows;
        } catch (e) {
          const tries = isConnectionError(e) && !ctx.signal.aborted ? ` (tried ${retryPolicy().attempts} times)` : '';
          const message = `Copying table ${t.name} of database "${ctx.database}" failed${tries}: ${describeCopyError(e, ctx)}`;
          o.onTableError?.(t, message);
          throw new TableCopyError(t.name, message);
        }
        state.left -= 1;
        if (state.left === 0) o.onTableDone?.(t, state.rows, state.sourceRows);
      },
      ctx.signal,
    );
  } finally {
    await pipes.closeAll();
  }
}

function describeCopyError(e: unknown, ctx: DbContext): string {
  const side = (e as { pgflexSide?: 'source' | 'target' }).pgflexSide;
  const raw = e instanceof Error ? e.message : String(e);
  if (side && /Connection terminated|ECONNRESET|EPIPE|socket hang up|write after end/i.test(raw)) {
    const c = side === 'source' ? ctx.source : ctx.target;
    return `The ${side} server ${c.host}:${c.port} closed the connection during the copy (${raw}). Check that it is running, then run the migration again with the same name to resume.`;
  }
  if (side && (e as { code?: string }).code === 'ETIMEDOUT') {
    const c = side === 'source' ? ctx.source : ctx.target;
    return `The connection to the ${side} server ${c.host}:${c.port} went dead during the copy (${raw}). Check the network between here and that server, then run the migration again with the same name to resume.`;
  }
  if (side) return explainPgError(e, side === 'source' ? ctx.source : ctx.target).message;
  return e instanceof Error ? e.message : String(e);
}

/** Which server's connection broke, and how, for a retry's message. */
function brokenConnection(e: unknown, ctx: DbContext): string {
  const side = (e as { pgflexSide?: 'source' | 'target' }).pgflexSide;
  const raw = e instanceof Error ? e.message : String(e);
  if (!side) return raw;
  const c = side === 'source' ? ctx.source : ctx.target;
  return `${side} server ${c.host}:${c.port}: ${raw}`;
}

/** Slows a stream to about `bytesPerSecond` (tests use it to act in the middle of a copy). */
function rateLimiter(bytesPerSecond: number, signal: AbortSignal): Transform {
  const started = Date.now();
  let sent = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, cb) {
      sent += chunk.length;
      const due = started + (sent / bytesPerSecond) * 1000 - Date.now();
      if (due <= 0 || signal.aborted) cb(null, chunk);
      else setTimeout(() => cb(null, chunk), due);
    },
  });
}

/** Entries of group 1 (indexes, keys) for one table, to build as soon as its data is in. */
export function entriesForTable(pd: PostData, t: TablePlan): PostDataEntry[] {
  const key = quotedAll(t.schema, t.table);
  return pd.entries.filter((e) => e.group === 1 && e.table === key);
}

export async function runPostDataEntries(ctx: DbContext, pool: ClientPool, entries: PostDataEntry[], parallel: boolean, onDone: (e: PostDataEntry) => void): Promise<void> {
  // Every entry counts as load from now until it ends: a build starting beside queued work gets no workers.
  const jobs = entries.map((e) => ({ e, end: ctx.builds?.queued() }));
  const one = async ({ e, end }: (typeof jobs)[number]) => {
    const builds = e.type === 'INDEX' || e.type === 'CONSTRAINT' ? ctx.builds : undefined;
    try {
      await withRetry(
        (attempt) =>
          pool.use(async (c) => {
            if (builds) {
              const workers = builds.workersForNext();
              const memory = sortMemoryFor(e.sql, workers, e.table ? ctx.tableBytes?.get(e.table) : undefined);
              await c.query(`${parallelWorkersSql(workers)}; ${sortMemorySql(memory)}`);
              ctx.trace?.(`${e.type.toLowerCase()} ${e.name} start (parallel workers: ${workers ? `up to ${workers}` : 0}, sort memory ${memory})`);
            } else ctx.trace?.(`${e.type.toLowerCase()} ${e.name} start`);
            await queryOnRetry(c, e.sql, attempt);
            if (e.then) await queryOnRetry(c, e.then, attempt);
          }).catch(async (err: unknown) => {
            if (!ctx.signal.aborted && isConnectionError(err)) await pool.endBroken(err).catch(() => undefined);
            throw err;
          }),
        {
          policy: retryPolicy(),
          signal: ctx.signal,
          onRetry: (attempt, err, delay) => {
            ctx.trace?.(`${e.type.toLowerCase()} ${e.name} retry ${attempt}`);
            ctx.onRetry?.(`Building ${e.type.toLowerCase()} ${e.name} was retried (attempt ${attempt}, after ${delay / 1000} s) because the connection broke: ${explainPgError(err, ctx.target).message}`);
          },
        },
      );
    } catch (err) {
      if (ctx.signal.aborted) throw err;
      throw new Error(`Building ${e.type.toLowerCase()} ${e.name} of database "${ctx.database}" on the target failed: ${explainPgError(err, ctx.target).message}`);
    } finally {
      end?.();
    }
    ctx.trace?.(`${e.type.toLowerCase()} ${e.name} end`);
    onDone(e);
  };
  const budget = ctx.indexBudget ?? ctx.budget;
  try {
    if (parallel) await runAll(budget, jobs, one, ctx.signal);
    else {
      for (const job of jobs) {
        ctx.signal.throwIfAborted();
        await budget.run(() => one(job));
      }
    }
  } finally {
    for (const job of jobs) job.end?.(); // those a failure or a cancel left unstarted
  }
}

/**
 * A post-data statement; on a retry, "already exists" means the attempt whose connection broke
 * had committed it (its COMMIT went out, the answer did not come back), so it counts as done.
 */
async function queryOnRetry(c: pg.Client, sql: string, attempt: number): Promise<void> {
  try {
    await c.query(sql);
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (attempt > 1 && (code === '42P07' || code === '42710')) return;
    throw e;
  }
}

/**
 * Post-data in dependency order: indexes and keys (those not built early), then what hangs on
 * them, then foreign keys, then the rest one by one; in each group, entries marked oneAtATime
 * first, alone. `done` holds entries built already.
 */
export async function buildPostData(ctx: DbContext, pd: PostData, done: Set<string>, onDone: (e: PostDataEntry) => void, pool?: ClientPool): Promise<void> {
  const own = pool ?? new ClientPool(ctx.sessions, ctx.target, pd.prelude);
  try {
    for (const g of [1, 2, 3, 4] as const) {
      const todo = pd.entries.filter((e) => e.group === g && !done.has(postDataKey(e)));
      await runPostDataEntries(ctx, own, todo.filter((e) => e.oneAtATime), false, onDone);
      await runPostDataEntries(ctx, own, todo.filter((e) => !e.oneAtATime), g !== 4, onDone);
    }
  } finally {
    if (!pool) await own.closeAll();
  }
}

/** ANALYZE one table as soon as its data is in, through the index workers. */
export async function analyzeTable(ctx: DbContext, pool: ClientPool, table: string): Promise<void> {
  await (ctx.indexBudget ?? ctx.budget).run(async () => {
    ctx.trace?.(`analyze ${table} start`);
    try {
      await pool.use((c) => c.query(`ANALYZE ${table}`));
    } catch (e) {
      if (ctx.signal.aborted) throw e;
      throw new Error(`Analyzing table ${table} of database "${ctx.database}" on the target failed: ${explainPgError(e, ctx.target).message}`);
    }
    ctx.trace?.(`analyze ${table} end`);
  });
}

/** ANALYZE every user table of the target not analyzed yet (`done`: schema + NUL + table), in parallel. */
export async function analyzeTarget(ctx: DbContext, done: Set<string> = new Set()): Promise<void> {
  const pool = new ClientPool(ctx.sessions, ctx.target);
  try {
    const rels = await pool.use((c) =>
      c.query(`SELECT n.nspname AS schema, c.relname AS table FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind IN ('r', 'p', 'm') AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_(toast|temp)'
        ORDER BY pg_total_relation_size(c.oid) DESC`),
    );
    const todo = rels.rows.filter((r) => !done.has(`${r.schema}\0${r.table}`)).map((r) => qualified(r.schema as string, r.table as string));
    await runAll(ctx.indexBudget ?? ctx.budget, todo, (rel) => pool.use(async (c) => void (await c.query(`ANALYZE ${rel}`))), ctx.signal);
  } finally {
    await pool.closeAll();
  }
}
