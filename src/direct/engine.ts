/**
 * One direct offline migration of up to 8 databases, run in this process. It fills the
 * service's model (state InProgress → Succeeded / Failed / Canceled / ValidationFailed;
 * substates PerformingPreRequisiteSteps → ValidationInProgress → MigratingData →
 * CompletingMigration → Completed), emits throttled change events, persists the record, and
 * stops within seconds on cancel, leaving no session open on either server.
 */
import os from 'node:os';
import type { Migration, TableProgress } from '../core/model';
import type { MigrationSpec, Secrets } from '../core/provider';
import { describeServer, explainPgError, withDatabase, type ConnInfo } from '../pg/connection';
import { BuildLoad } from './buildLoad';
import { ClientPool } from './clientPool';
import { connFromRef } from './connInfo';
import { copyLargeObjects } from './largeObjects';
import { analyzeTarget, applyPreData, buildPostData, copyTables, dbContext, dumpPostData, entriesForTable, postDataKey, runPostDataEntries, type DbContext } from './phases';
import { checkPgDump, defaultTools, type PgTools } from './pgTools';
import { foreignKeyTables, keysAsIndexes, quotedAll } from './postData';
import { WorkerBudget } from './pool';
import { copySequences } from './sequences';
import { appNameFor, Sessions, terminateLeftovers } from './sessions';
import { exportSnapshot, openInSnapshot } from './snapshot';
import { targetKeyOf, type MigrationRecord, type RecordStore, type ResumeState } from './store';
import { listTables } from './tables';
import { createTargetDatabase } from './targetDatabase';
import { applyDatabaseAcl, applyRoles, readSourceRoles, type SourceRoles } from './roles';
import { applyDatabaseSettings, readDatabaseSettings } from './dbSettings';
import { MigrationTracker } from './tracker';
import { validateDirect } from './validation';
import { verifyTables } from './verify';
import { HEARTBEAT_SCHEMA } from './online/names';
import { onlineDb, onlineSnapshot, removeOnlineObjects, resetForOnline, startOnlineStream } from './online/engineHooks';

export interface EngineOptions {
  /** Worker budget for the whole migration: this many COPY pipes, and as many index builds. */
  jobs?: number;
  tools?: PgTools;
  store?: RecordStore;
  /** Tables below this size are never split into ranges (default 256 MB). */
  minSplitBytes?: number;
  maxParts?: number;
  excludeSchemas?: string[];
  /** How often listeners hear of changes (ms). */
  throttleMs?: number;
  /** Bytes per second per COPY pipe: only to make a copy slow on purpose (tests, demos). */
  copyRateLimit?: number;
  /**
   * This process goes on watching an online migration once it waits for cutover (the CLI
   * without `--cutover none`, the extension): the record keeps its pid, so a cutover or
   * cancel asked from another process in between is handed to the watcher, not raced.
   */
  keepWatching?: boolean;
  /** Hears the timeline of the work: copies and post-data steps as they start and end. */
  trace?(event: string): void;
}

export function defaultJobs(): number {
  return Math.max(2, Math.min(16, os.availableParallelism?.() ?? os.cpus().length));
}

class Canceled extends Error {}

export class DirectMigrationRun {
  readonly tracker: MigrationTracker;
  /** Resolves with the final model (never rejects). */
  readonly done: Promise<Migration>;
  private readonly controller = new AbortController();
  private readonly sessions: Sessions;
  private firstError: unknown;
  private canceled = false;
  private readonly record: MigrationRecord;
  private pollTimer: NodeJS.Timeout | undefined;
  private ended = false;
  /** Databases not yet through their copy phase. */
  private copying: number;
  private readonly builds: BuildLoad;
  private saveTimer: NodeJS.Timeout | undefined;
  private readonly source: ConnInfo;
  private readonly target: ConnInfo;
  private readonly tools: PgTools;
  private readonly budget: WorkerBudget;
  private readonly indexBudget: WorkerBudget;
  /** The source's roles, read when roles are migrated (spec.migrateRoles). */
  private sourceRoles: SourceRoles | undefined;

  constructor(
    readonly spec: MigrationSpec,
    secrets: Secrets,
    private readonly opts: EngineOptions = {},
    previous?: MigrationRecord,
  ) {
    const now = new Date().toISOString();
    // pgflex's own heartbeat schema is made on the target by the migration itself, never copied.
    if (spec.mode === 'Online') this.opts = { ...opts, excludeSchemas: [...(opts.excludeSchemas ?? []), HEARTBEAT_SCHEMA] };
    this.source = connFromRef(spec.source, secrets.sourcePassword, 'source');
    this.target = connFromRef(spec.target, secrets.targetPassword, 'target');
    this.tools = opts.tools ?? defaultTools();
    this.budget = new WorkerBudget(spec.jobs ?? opts.jobs ?? defaultJobs());
    this.indexBudget = new WorkerBudget(this.budget.size);
    this.copying = spec.databases.length;
    this.builds = new BuildLoad(this.budget.size);
    this.sessions = new Sessions(appNameFor(spec.name));
    const prior = previous?.migration;
    const migration: Migration = {
      name: spec.name,
      id: `direct:${targetKeyOf(spec.target)}/${spec.name}`,
      provider: 'direct',
      migrationMode: spec.mode,
      migrationOption: spec.option,
      sourceType: spec.sourceType ?? 'OnPremises',
      dbsToMigrate: [...spec.databases],
      overwriteDbsInTarget: spec.overwrite ? 'True' : 'False',
      migrateRoles: spec.migrateRoles ? 'True' : 'False',
      sourceDbServerFullyQualifiedDomainName: spec.source.host,
      targetDbServerFullyQualifiedDomainName: spec.target.host,
      sourceDbServerResourceId: spec.source.id,
      targetDbServerResourceId: spec.target.id,
      startedOn: now,
      currentStatus: { state: 'InProgress', currentSubStateDetails: { currentSubState: 'PerformingPreRequisiteSteps', dbDetails: {} } },
    };
    // A resumed migration keeps its tables' progress: completed tables are not copied again.
    if (prior?.currentStatus?.currentSubStateDetails?.dbDetails) {
      for (const [db, d] of Object.entries(prior.currentStatus.currentSubStateDetails.dbDetails)) {
        migration.currentStatus!.currentSubStateDetails!.dbDetails![db] = {
          databaseName: db,
          migrationState: 'InProgress',
          tables: (d.tables ?? []).map((t) => (t.state === 'Completed' ? t : { name: t.name, state: 'Queued', bytes: t.bytes })),
        };
      }
    }
    this.tracker = new MigrationTracker(migration, opts.throttleMs ?? 250);
    this.record = {
      version: 1,
      targetKey: targetKeyOf(spec.target),
      spec,
      migration,
      pid: process.pid,
      hostname: os.hostname(),
      resume: previous?.resume ?? {},
    };
    this.opts.store?.clearCancel(this.record.targetKey, spec.name);
    this.save();
    this.tracker.onChange(() => this.scheduleSave());
    this.done = this.run();
  }

  get migration(): Migration {
    return this.tracker.migration;
  }

  /** Stop now: workers end, sessions close, state Canceled; target databases stay. */
  cancel(): void {
    if (this.canceled || this.controller.signal.aborted) return;
    this.canceled = true;
    this.controller.abort(new Canceled('Canceled.'));
    this.sessions.destroyAll();
  }

  private fail(e: unknown): void {
    if (this.firstError === undefined && !this.canceled) this.firstError = e;
    if (!this.controller.signal.aborted) this.controller.abort(e);
    this.sessions.destroyAll();
  }

  private save(): void {
    this.record.migration = this.tracker?.migration ?? this.record.migration;
    this.opts.store?.save(this.record);
  }

  private scheduleSave(): void {
    // Once ended, finish() has saved the final state: a timer now would only hold the process open.
    if (this.ended) return;
    this.saveTimer ??= setTimeout(() => {
      this.saveTimer = undefined;
      this.save();
    }, 500);
  }

  private resumeOf(db: string): ResumeState {
    return (this.record.resume[db] ??= {});
  }

  private async run(): Promise<Migration> {
    const t = this.tracker;
    const store = this.opts.store;
    if (store) {
      this.pollTimer = setInterval(() => {
        if (store.cancelRequested(this.record.targetKey, this.spec.name)) this.cancel();
      }, 300);
    }
    try {
      const sourceMajor = await this.prerequisites();
      if (this.spec.option !== 'Migrate') {
        t.setStatus('InProgress', 'ValidationInProgress');
        const v = await validateDirect({
          source: this.source,
          target: this.target,
          databases: this.spec.databases,
          mode: this.spec.mode,
          overwrite: this.spec.overwrite,
          migrateRoles: this.spec.migrateRoles,
          pgDumpPath: this.tools.pgDump,
        });
        this.controller.signal.throwIfAborted();
        t.migration.currentStatus!.currentSubStateDetails!.validationDetails = v;
        if (v.status === 'Failed') {
          return this.finish('ValidationFailed', 'Validation found problems that stop the migration; see the validation details.');
        }
        if (this.spec.option === 'Validate') return this.finish('Succeeded');
      }
      if (this.spec.migrateRoles) await this.migrateRoles();
      t.setStatus('InProgress', 'MigratingData');
      const finals = await Promise.all(this.spec.databases.map((db) => this.migrateDatabase(db, sourceMajor).catch((e) => {
        this.fail(e);
        return undefined;
      })));
      if (this.firstError !== undefined || this.canceled) throw this.firstError ?? new Canceled('Canceled.');
      t.setStatus('InProgress', 'CompletingMigration');
      await Promise.all(finals.map((f) => f?.().catch((e) => {
        this.fail(e);
      })));
      if (this.firstError !== undefined || this.canceled) throw this.firstError ?? new Canceled('Canceled.');
      return this.finish(this.spec.mode === 'Online' ? 'WaitingForUserAction' : 'Succeeded');
    } catch (e) {
      if (this.canceled) return this.finish('Canceled');
      this.fail(e);
      return this.finish('Failed', errorText(this.firstError ?? e));
    }
  }

  /**
   * The roles the databases use, created on the target before any schema, so pg_dump's owners
   * and grants apply there. Roles are server-wide: done once for all databases.
   */
  private async migrateRoles(): Promise<void> {
    this.opts.trace?.('Migrating roles');
    this.sourceRoles = await readSourceRoles(this.spec.databases, (db) => this.sessions.open(withDatabase(this.source, db)), (c) => this.sessions.close(c));
    this.controller.signal.throwIfAborted();
    const tgt = await this.sessions.open(this.target);
    try {
      this.tracker.migration.roles = await applyRoles(tgt, this.sourceRoles, describeServer(this.target));
    } finally {
      await this.sessions.close(tgt);
    }
    this.tracker.changed();
  }

  /** Both servers reachable, the source databases present, a pg_dump able to dump the source. */
  private async prerequisites(): Promise<number> {
    const src = await this.sessions.open(this.source);
    let major: number;
    try {
      major = Math.floor(Number((await src.query('SHOW server_version_num')).rows[0].server_version_num) / 10000);
      const r = await src.query('SELECT datname FROM pg_database WHERE datname = ANY($1::text[])', [this.spec.databases]);
      const present = new Set(r.rows.map((x) => x.datname as string));
      const missing = this.spec.databases.filter((d) => !present.has(d));
      if (missing.length) throw new Error(`The database${missing.length > 1 ? 's' : ''} ${missing.map((d) => `"${d}"`).join(', ')} do${missing.length > 1 ? '' : 'es'} not exist on the ${describeServer(this.source)}. Check the names.`);
    } finally {
      await this.sessions.close(src);
    }
    const tgt = await this.sessions.open(this.target);
    await this.sessions.close(tgt);
    await checkPgDump(this.tools, major, describeServer(this.source));
    return major;
  }

  /**
   * Everything of one database up to post-data; returns the completion step (analyze,
   * verify), run once every database has its data, while the snapshot is still held.
   */
  private async migrateDatabase(db: string, sourceMajor: number): Promise<() => Promise<void>> {
    const t = this.tracker;
    const d = t.db(db);
    d.migrationState = 'InProgress';
    d.startedOn = new Date().toISOString();
    d.phaseSeconds = {};
    const phases = d.phaseSeconds;
    const timed = async <T>(phase: string, fn: () => Promise<T>): Promise<T> => {
      const start = Date.now();
      try {
        return await fn();
      } finally {
        phases[phase] = Math.round((phases[phase] ?? 0) * 1000 + (Date.now() - start)) / 1000;
      }
    };
    t.changed();
    const resume = this.resumeOf(db);
    if (this.spec.mode === 'Online') resetForOnline(resume, d);
    const ctx: DbContext = dbContext(
      { database: db, sourceMajor, sessions: this.sessions, tools: this.tools, budget: this.budget, indexBudget: this.indexBudget, signal: this.controller.signal, excludeSchemas: this.opts.excludeSchemas, keepOwners: Boolean(this.spec.migrateRoles), unowned: this.migration.roles?.unowned, builds: this.builds, trace: this.opts.trace && ((e) => this.opts.trace!(`${db}: ${e}`)) },
      this.source,
      this.target,
    );
    const step = (m: string) => {
      ctx.trace?.(m);
      d.migrationOperation = m;
      t.changed();
    };
    const started = Date.now();
    if (!resume.created) {
      step('Creating the target database');
      const src = await this.sessions.open(ctx.source);
      let enc;
      try {
        enc = (await src.query("SELECT pg_encoding_to_char(encoding) AS encoding, datcollate AS collate, datctype AS ctype FROM pg_database WHERE datname = current_database()")).rows[0];
      } finally {
        await this.sessions.close(src);
      }
      await createTargetDatabase(this.sessions, this.target, db, { overwrite: this.spec.overwrite, encodingFrom: enc });
      const acl = this.sourceRoles?.databases[db];
      if (acl) {
        const admin = await this.sessions.open(this.target);
        try {
          await applyDatabaseAcl(admin, db, acl, this.migration.roles?.unowned ?? []);
        } catch (e) {
          throw new Error(`Giving database "${db}" its owner and grants on the target failed: ${explainPgError(e, this.target).message} Grant the target user membership in the database's owner role there (or connect as a superuser), or migrate without roles.`);
        } finally {
          await this.sessions.close(admin);
        }
      }
      resume.created = true;
      resume.preData = false;
      resume.postDataDone = [];
      this.save();
    }
    const snap = this.spec.mode === 'Online'
      ? await onlineSnapshot(this.sessions, onlineDb(this.spec.name, db, this.source, this.target))
      : await exportSnapshot(this.sessions, ctx.source);
    const tables = await listTables(snap.holder, sourceMajor, this.opts.excludeSchemas);
    ctx.tableBytes = new Map(tables.map((x) => [quotedAll(x.schema, x.table), x.bytes]));
    const prior = new Map((d.tables ?? []).map((x) => [x.name, x]));
    d.tables = tables.map((x): TableProgress => {
      const p = prior.get(x.name);
      return p?.state === 'Completed' ? p : { name: x.name, state: 'Queued', bytes: x.bytes };
    });
    t.recount(db);
    // The post-data dump runs while the pre-data is applied: both only read the snapshot.
    const pdDump = dumpPostData(ctx, snap.id);
    pdDump.catch(() => undefined);
    if (!resume.preData) {
      step('Creating the schema (pre-data)');
      await timed('schema', () => applyPreData(ctx, snap.id));
      resume.preData = true;
      this.save();
    }
    const pd = keysAsIndexes(await pdDump, new Set(tables.map((x) => quotedAll(x.schema, x.table))));
    const done = new Set(resume.postDataDone ?? []);
    const markDone = (e: { type: string; schema: string; name: string }) => {
      done.add(postDataKey(e as never));
      resume.postDataDone = [...done];
      this.scheduleSave();
    };
    const pool = new ClientPool(this.sessions, ctx.target, pd.prelude);
    const early: Promise<void>[] = [];
    const copied = new Map<string, { source: number; target: number }>();
    const analyzed = new Set<string>();
    // Foreign keys are validated as soon as they can be, each once: the referenced table has its
    // keys, and the referencing table's data is in with nothing else running on it (it is
    // between its ANALYZE and its index builds, or done) — so the ALTER TABLE never waits on a lock.
    const keyed = new Set<string>();
    const settled = new Set<string>();
    const inFkStep = new Set<string>();
    const launched = new Set<string>();
    /** Foreign key validations running on each referencing table. */
    const fkRuns = new Map<string, Promise<unknown>[]>();
    const validateReadyForeignKeys = async () => {
      const fks = pd.entries.filter((e) => {
        const pair = foreignKeyTables(e);
        return pair && (settled.has(pair[0]) || inFkStep.has(pair[0])) && keyed.has(pair[1]) && !launched.has(postDataKey(e)) && !done.has(postDataKey(e));
      });
      for (const e of fks) launched.add(postDataKey(e));
      if (!fks.length) return;
      const run = runPostDataEntries(ctx, pool, fks, true, markDone);
      for (const e of fks) {
        const on = foreignKeyTables(e)![0];
        fkRuns.set(on, [...(fkRuns.get(on) ?? []), run.catch(() => undefined)]);
      }
      await run;
    };

    const byName = new Map(d.tables.map((x) => [x.name, x]));
    const todo = tables.filter((x) => byName.get(x.name)?.state !== 'Completed');
    step('Copying data');
    const copyStart = Date.now();
    const planner = await openInSnapshot(this.sessions, ctx.source, snap.id);
    try {
      await copyTables(ctx, todo, {
        snapshotId: snap.id,
        planner,
        minSplitBytes: this.opts.minSplitBytes ?? 256 * 1024 * 1024,
        maxParts: this.opts.maxParts ?? 8,
        rateLimit: this.opts.copyRateLimit,
        onTableStart: (x, parts) => {
          const p = byName.get(x.name)!;
          p.state = 'Loading';
          p.format = x.format;
          p.parts = parts;
          t.recount(db);
        },
        onTableDone: (x, rows, sent) => {
          const p = byName.get(x.name)!;
          p.state = 'Completed';
          p.rows = rows;
          copied.set(x.name, { source: sent, target: rows });
          t.recount(db);
          this.save();
          // This table's post-data starts now, as pgcopydb's does, while other tables still copy.
          // Its single-threaded steps (ANALYZE, validating its foreign keys) go first and its
          // index builds last: those can use parallel workers when the machine runs idle at the
          // end. ANALYZE waits for the indexes only where an expression index needs statistics.
          const key = quotedAll(x.schema, x.table);
          const entries = entriesForTable(pd, x).filter((e) => !done.has(postDataKey(e)));
          const analyze = () => this.indexBudget.run(async () => {
            ctx.trace?.(`analyze ${x.name} start`);
            try {
              await pool.use((c) => c.query(`ANALYZE ${x.name}`));
            } catch (e) {
              if (ctx.signal.aborted) throw e;
              throw new Error(`Analyzing table ${x.name} of database "${db}" on the target failed: ${explainPgError(e, ctx.target).message}`);
            }
            ctx.trace?.(`analyze ${x.name} end`);
            analyzed.add(`${x.schema}\0${x.table}`);
          });
          const p2 = (async () => {
            if (!x.expressionIndex) await analyze();
            inFkStep.add(key);
            await validateReadyForeignKeys();
            inFkStep.delete(key);
            await Promise.all(fkRuns.get(key) ?? []); // those another table's chain started on this one
            if (entries.length) await runPostDataEntries(ctx, pool, entries, true, markDone);
            keyed.add(key);
            if (x.expressionIndex) await analyze();
            settled.add(key);
            await validateReadyForeignKeys();
          })();
          p2.catch((e) => this.fail(e));
          early.push(p2);
        },
        onTableError: (x, message) => {
          const p = byName.get(x.name)!;
          p.state = 'Errored';
          p.error = message;
          t.recount(db);
        },
      });
    } finally {
      await this.sessions.close(planner);
    }
    phases.copy = (Date.now() - copyStart) / 1000;
    // The last database out of its copy hands the COPY workers to the index builds still queued.
    this.copying -= 1;
    if (this.copying === 0) {
      this.builds.copying = false;
      this.indexBudget.grow(this.budget.size);
    }
    step('Building indexes, constraints and triggers (post-data)');
    const idxStart = Date.now();
    await Promise.all(early);
    await buildPostData(ctx, pd, done, markDone, pool);
    phases.indexes = (Date.now() - idxStart) / 1000;
    const tgt = await this.sessions.open(ctx.target);
    try {
      step('Setting sequences');
      await timed('sequences', () => copySequences(snap.holder, tgt, this.opts.excludeSchemas));
      step('Copying large objects');
      await timed('largeObjects', () => copyLargeObjects(snap.holder, tgt, this.spec.migrateRoles ? { owners: { unowned: this.migration.roles?.unowned ?? [] } } : {}));
    } finally {
      await this.sessions.close(tgt);
    }
    await pool.closeAll();
    t.changed();
    return async () => {
      try {
        const c = await this.sessions.open(ctx.target);
        try {
          step('Analyzing');
          await timed('analyze', () => analyzeTarget(ctx, analyzed));
          if ((this.spec.verify ?? 'counts') !== 'none') {
            step('Verifying');
            const mode = this.spec.verify === 'checksums' ? 'checksums' : 'counts';
            const v = await timed('verify', () => verifyTables(snap.holder, c, tables, mode, this.controller.signal, copied));
            d.verification = v;
            if (v.state === 'Failed') {
              const m = v.mismatches[0];
              throw new Error(`Verification of database "${db}" failed: table ${m.table} has ${mode === 'counts' ? `${m.source} rows on the source and ${m.target} on the target` : 'different contents on the source and the target'}${v.mismatches.length > 1 ? ` (and ${v.mismatches.length - 1} more tables)` : ''}.`);
            }
          }
        } finally {
          await this.sessions.close(c);
        }
        if (this.spec.mode === 'Online') {
          await snap.release();
          await startOnlineStream(onlineDb(this.spec.name, db, this.source, this.target), sourceMajor, d);
        } else {
          step('Applying database settings');
          const warnings = await carryDatabaseSettings(this.sessions, ctx.source, this.target, db);
          if (warnings.length) d.warnings = warnings;
          d.migrationState = 'Succeeded';
          d.migrationOperation = undefined;
          d.endedOn = new Date().toISOString();
        }
        phases.total = (Date.now() - started) / 1000;
        t.changed();
      } finally {
        await snap.release();
      }
    };
  }

  private async finish(state: 'Succeeded' | 'Failed' | 'Canceled' | 'ValidationFailed' | 'WaitingForUserAction', error?: string): Promise<Migration> {
    if (this.pollTimer) clearInterval(this.pollTimer);
    const t = this.tracker;
    this.opts.trace?.(`ending: ${state}`);
    this.sessions.destroyAll();
    // Whatever a destroyed socket left behind on a server is ended by name.
    const app = this.sessions.appName;
    await Promise.all([terminateLeftovers(this.source, app), terminateLeftovers(this.target, app)]);
    if (this.spec.mode === 'Online' && (state === 'Failed' || state === 'Canceled')) {
      const left = await removeOnlineObjects(this.spec.databases.map((db) => onlineDb(this.spec.name, db, this.source, this.target)));
      if (left.length) error = `${error ?? 'Canceled.'} Some replication objects could not be removed (run "pgflex cancel" again once the servers are reachable): ${left.join(' ')}`;
    }
    const now = new Date().toISOString();
    for (const db of this.spec.databases) {
      const d = t.db(db);
      if (d.migrationState === 'Succeeded' || state === 'WaitingForUserAction') continue;
      if (state === 'Succeeded' && this.spec.option === 'Validate') continue;
      d.migrationState = state === 'Canceled' ? 'Canceled' : state === 'Succeeded' ? 'Succeeded' : 'Failed';
      d.endedOn ??= now;
      d.migrationOperation = undefined;
      for (const x of d.tables ?? []) if (x.state === 'Loading') x.state = state === 'Canceled' ? 'Queued' : 'Errored';
      t.recount(db);
      if (state === 'Canceled') d.message = `Canceled. The database "${db}" is left on the target as it is; drop it there if you do not want it.`;
      else if (state === 'Failed' && d.migrationState === 'Failed') d.message = error?.includes(`"${db}"`) ? error : `Stopped because the migration failed: ${error ?? ''}`;
    }
    if (state !== 'WaitingForUserAction') t.migration.endedOn = now;
    t.migration.cancel = state === 'Canceled' ? 'True' : t.migration.cancel;
    const substate = state === 'Succeeded' ? 'Completed' : state === 'WaitingForUserAction' ? 'WaitingForCutoverTrigger' : undefined;
    if (state === 'Canceled') {
      t.migration.currentStatus!.error = `Canceled by the user. The target databases (${this.spec.databases.join(', ')}) are left in place; drop them on the target if you do not want them.`;
    }
    t.setStatus(state, substate, error);
    this.opts.store?.clearCancel(this.record.targetKey, this.spec.name);
    if (this.saveTimer) clearTimeout(this.saveTimer);
    this.saveTimer = undefined;
    this.ended = true;
    this.record.pid = state === 'WaitingForUserAction' && this.opts.keepWatching ? process.pid : undefined;
    this.save();
    t.flush();
    this.opts.trace?.(`ended: ${state}`);
    return t.snapshot();
  }
}

/** The source database's settings onto the target's, at the end (see dbSettings.ts). */
async function carryDatabaseSettings(sessions: Sessions, sourceDb: ConnInfo, target: ConnInfo, db: string): Promise<string[]> {
  const src = await sessions.open(sourceDb);
  let settings;
  try {
    settings = await readDatabaseSettings(src);
  } finally {
    await sessions.close(src);
  }
  if (!settings.length) return [];
  const tgt = await sessions.open(target);
  try {
    return await applyDatabaseSettings(tgt, db, settings);
  } finally {
    await sessions.close(tgt);
  }
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
