/**
 * One direct migration of up to 8 databases, run in this process; what differs between
 * offline and online is behind a ModeStrategy (modeStrategy.ts). It fills the service's model
 * (state InProgress → Succeeded / Failed / Canceled / ValidationFailed, or waiting for cutover;
 * substates PerformingPreRequisiteSteps → ValidationInProgress → MigratingData →
 * CompletingMigration → Completed), emits throttled change events, persists the record, and
 * stops within seconds on cancel, leaving no session open on either server.
 */
import os from 'node:os';
import type { DatabaseMigrationState, Migration, TableProgress } from '../core/model';
import type { MigrationSpec, Secrets } from '../core/provider';
import { describeServer, explainPgError, withDatabase, type ConnInfo } from '../pg/connection';
import { BuildLoad } from './buildLoad';
import { ClientPool } from './clientPool';
import { TableCopyAccount } from './copyAccount';
import { connFromRef } from './connInfo';
import { copyLargeObjects } from './largeObjects';
import { DatabaseResume } from './databaseResume';
import type { ModeStrategy } from './modeStrategy';
import { offlineMode } from './offlineMode';
import { analyzeTable, analyzeTarget, applyPreData, buildPostData, copyTables, dbContext, dumpPostData, runPostDataEntries, type DbContext } from './phases';
import { PhaseClock } from './phaseClock';
import { planReplicationTls } from '../core/replicationTls';
import { checkPgDump, defaultTools, type PgTools } from './pgTools';
import { keysAsIndexes, postDataKey, quotedAll, type PostDataEntry } from './postData';
import { PostDataScheduler } from './postDataScheduler';
import { WorkerBudget } from './pool';
import { copySequences } from './sequences';
import { appNameFor, Sessions, terminateLeftovers } from './sessions';
import { openInSnapshot, type ExportedSnapshot } from './snapshot';
import { targetKeyOf, type MigrationRecord, type RecordStore, type ResumeState } from './store';
import { currentRunner } from './liveness';
import { listTables, type TablePlan } from './tables';
import { createTargetDatabase } from './targetDatabase';
import { applyDatabaseAcl, applyRoles, readSourceRoles, type SourceRoles } from './roles';
import { MigrationTracker } from './tracker';
import { validateDirect } from './validation';
import { verifyTables } from './verify';
import { onlineMode } from './online/onlineMode';

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

/** One database as it runs: its connections, its part of the model, its clock. */
interface DatabaseRun {
  db: string;
  ctx: DbContext;
  d: DatabaseMigrationState;
  clock: PhaseClock;
  /** Names the step now running (trace, model). */
  step(m: string): void;
}

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
  /** What differs between offline and online, chosen once. */
  private readonly mode: ModeStrategy;
  /** The source's roles, read when roles are migrated (spec.migrateRoles). */
  private sourceRoles: SourceRoles | undefined;

  constructor(
    readonly spec: MigrationSpec,
    secrets: Secrets,
    private readonly opts: EngineOptions = {},
    previous?: MigrationRecord,
  ) {
    const now = new Date().toISOString();
    this.source = connFromRef(spec.source, secrets.sourcePassword, 'source');
    this.target = connFromRef(spec.target, secrets.targetPassword, 'target');
    this.tools = opts.tools ?? defaultTools();
    this.budget = new WorkerBudget(spec.jobs ?? opts.jobs ?? defaultJobs());
    this.indexBudget = new WorkerBudget(this.budget.size);
    this.copying = spec.databases.length;
    this.builds = new BuildLoad(this.budget.size);
    this.sessions = new Sessions(appNameFor(spec.name));
    this.mode = (spec.mode === 'Online' ? onlineMode : offlineMode)({ spec, sessions: this.sessions, source: this.source, target: this.target });
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
      ...currentRunner(),
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
          replicateDdl: this.spec.replicateDdl,
          pgDumpPath: this.tools.pgDump,
          psqlPath: this.tools.psql,
          allowWeakerReplicationTls: this.spec.allowWeakerReplicationTls,
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
      return this.finish(this.mode.endState);
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
    try {
      if (this.spec.mode === 'Online') {
        // Refused before the copy, not after it, when the subscription could not verify the source.
        const targetMajor = Math.floor(Number((await tgt.query('SHOW server_version_num')).rows[0].server_version_num) / 10000);
        const plan = planReplicationTls({ sslMode: this.source.sslMode, targetMajor, allowWeaker: !!this.spec.allowWeakerReplicationTls });
        if (!plan.ok) throw new Error(`${plan.reason} ${plan.fix}`);
      }
    } finally {
      await this.sessions.close(tgt);
    }
    await checkPgDump(this.tools, major, describeServer(this.source));
    return major;
  }

  /**
   * Everything of one database up to post-data; returns the completion step (analyze,
   * verify, the mode's last step), run once every database has its data, while the snapshot
   * is still held.
   */
  private async migrateDatabase(db: string, sourceMajor: number): Promise<() => Promise<void>> {
    const run = this.startDatabase(db, sourceMajor);
    const { ctx, d, clock, step } = run;
    const total = clock.start('total');
    this.mode.prepare(this.resumeOf(db), d);
    const resume = new DatabaseResume(this.resumeOf(db), () => this.save(), () => this.scheduleSave());
    if (!resume.created) {
      step('Creating the target database');
      await this.createDatabase(ctx);
      resume.databaseCreated();
    }
    const snap = await this.mode.snapshot(db);
    const tables = await this.tablesOf(run, snap);
    // The post-data dump runs while the pre-data is applied: both only read the snapshot.
    const pdDump = dumpPostData(ctx, snap.id);
    pdDump.catch(() => undefined);
    if (!resume.schemaApplied) {
      step('Creating the schema (pre-data)');
      await clock.time('schema', () => applyPreData(ctx, snap.id));
      resume.schemaDone();
    }
    const pd = keysAsIndexes(await pdDump, new Set(tables.map((x) => quotedAll(x.schema, x.table))));
    const pool = new ClientPool(this.sessions, ctx.target, pd.prelude);
    const progress = this.tracker.progress(run.db);
    progress.postDataTotal = pd.entries.length;
    progress.postDataBuilt = pd.entries.filter((e) => resume.built.has(postDataKey(e))).length;
    const built = (e: PostDataEntry) => {
      resume.entryBuilt(e);
      this.tracker.built(run.db);
    };
    const analyzed = new Set<string>();
    const early = new PostDataScheduler<TablePlan>(pd.entries, resume.built, {
      build: (entries) => runPostDataEntries(ctx, pool, entries, true, built),
      analyze: async (x) => {
        await analyzeTable(ctx, pool, x.name);
        analyzed.add(`${x.schema}\0${x.table}`);
      },
      failed: (e) => this.fail(e),
    });
    step('Copying data');
    const copyTime = clock.start('copy');
    const copied = await this.copyData(run, snap, tables, (x) => early.tableCopied(x));
    copyTime();
    this.copyEnded();
    step('Building indexes, constraints and triggers (post-data)');
    const indexTime = clock.start('indexes');
    await early.settledAll();
    await buildPostData(ctx, pd, resume.built, built, pool);
    indexTime();
    await this.sequencesAndLargeObjects(run, snap);
    await pool.closeAll();
    this.tracker.changed();
    return () => this.completeDatabase(run, snap, tables, copied, analyzed, total);
  }

  /** The database's model set going, its connections, its clock. */
  private startDatabase(db: string, sourceMajor: number): DatabaseRun {
    const t = this.tracker;
    const d = t.db(db);
    d.migrationState = 'InProgress';
    d.startedOn = new Date().toISOString();
    d.phaseSeconds = {};
    t.changed();
    const ctx: DbContext = dbContext(
      { database: db, sourceMajor, sessions: this.sessions, tools: this.tools, budget: this.budget, indexBudget: this.indexBudget, signal: this.controller.signal, excludeSchemas: this.opts.excludeSchemas, keepOwners: Boolean(this.spec.migrateRoles), unowned: this.migration.roles?.unowned, builds: this.builds, trace: this.opts.trace && ((e) => this.opts.trace!(`${db}: ${e}`)), onRetry: (m) => noteRetry(d, m, () => t.changed()) },
      this.source,
      this.target,
    );
    const step = (m: string) => {
      ctx.trace?.(m);
      d.migrationOperation = m;
      t.changed();
    };
    return { db, ctx, d, clock: new PhaseClock(d.phaseSeconds), step };
  }

  /** The target database, with the source's encoding and locale, and its owner and grants when roles are migrated. */
  private async createDatabase(ctx: DbContext): Promise<void> {
    const db = ctx.database;
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
  }

  /** The snapshot's tables, shown in the model: those a resumed run completed stay completed. */
  private async tablesOf({ db, ctx, d }: DatabaseRun, snap: ExportedSnapshot): Promise<TablePlan[]> {
    const tables = await listTables(snap.holder, ctx.sourceMajor, this.opts.excludeSchemas);
    ctx.tableBytes = new Map(tables.map((x) => [quotedAll(x.schema, x.table), x.bytes]));
    const prior = new Map((d.tables ?? []).map((x) => [x.name, x]));
    d.tables = tables.map((x): TableProgress => {
      const p = prior.get(x.name);
      return p?.state === 'Completed' ? p : { name: x.name, state: 'Queued', bytes: x.bytes };
    });
    // Bytes to copy: the tables' sizes now; those a resumed run completed count as copied.
    const p = this.tracker.progress(db);
    p.bytesTotal = tables.reduce((s, x) => s + x.bytes, 0);
    p.bytesCopied = tables.filter((x) => prior.get(x.name)?.state === 'Completed').reduce((s, x) => s + x.bytes, 0);
    this.tracker.recount(db);
    return tables;
  }

  /**
   * COPY of the tables not completed yet, from the snapshot; `copied(table)` hears each one
   * whose data is all in. Returns the rows sent and received per table, for the verification.
   */
  private async copyData({ db, ctx, d }: DatabaseRun, snap: ExportedSnapshot, tables: TablePlan[], copied: (x: TablePlan) => void): Promise<Map<string, { source: number; target: number }>> {
    const t = this.tracker;
    const rows = new Map<string, { source: number; target: number }>();
    const byName = new Map((d.tables ?? []).map((x) => [x.name, x]));
    const todo = tables.filter((x) => byName.get(x.name)?.state !== 'Completed');
    const accounts = new Map<string, TableCopyAccount>();
    const planner = await openInSnapshot(this.sessions, ctx.source, snap.id);
    // A stalled copy sends no bytes and so no change: a beat keeps its rate falling, not frozen.
    const beat = setInterval(() => t.changed(), 1000);
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
          accounts.set(x.name, new TableCopyAccount(x.bytes, parts));
          t.recount(db);
        },
        onBytes: (x, part, n) => t.copied(db, accounts.get(x.name)?.stream(part, n) ?? 0),
        onTableDone: (x, received, sent) => {
          t.copied(db, accounts.get(x.name)?.done() ?? 0);
          const p = byName.get(x.name)!;
          p.state = 'Completed';
          p.rows = received;
          rows.set(x.name, { source: sent, target: received });
          t.recount(db);
          this.save();
          copied(x);
        },
        onTableError: (x, message) => {
          t.copied(db, accounts.get(x.name)?.failed() ?? 0);
          const p = byName.get(x.name)!;
          p.state = 'Errored';
          p.error = message;
          t.recount(db);
        },
      });
    } finally {
      clearInterval(beat);
      await this.sessions.close(planner);
    }
    return rows;
  }

  /** The last database out of its copy hands the COPY workers to the index builds still queued. */
  private copyEnded(): void {
    this.copying -= 1;
    if (this.copying === 0) {
      this.builds.copying = false;
      this.indexBudget.grow(this.budget.size);
    }
  }

  private async sequencesAndLargeObjects({ ctx, clock, step }: DatabaseRun, snap: ExportedSnapshot): Promise<void> {
    const tgt = await this.sessions.open(ctx.target);
    try {
      step('Setting sequences');
      await clock.time('sequences', () => copySequences(snap.holder, tgt, this.opts.excludeSchemas));
      step('Copying large objects');
      await clock.time('largeObjects', () => copyLargeObjects(snap.holder, tgt, this.spec.migrateRoles ? { owners: { unowned: this.migration.roles?.unowned ?? [] } } : {}));
    } finally {
      await this.sessions.close(tgt);
    }
  }

  /** Analyze, verify, then the mode's last step; the snapshot is released in any case. */
  private async completeDatabase(run: DatabaseRun, snap: ExportedSnapshot, tables: TablePlan[], copied: Map<string, { source: number; target: number }>, analyzed: Set<string>, total: () => void): Promise<void> {
    const { db, ctx, d, clock, step } = run;
    try {
      const c = await this.sessions.open(ctx.target);
      try {
        step('Analyzing');
        await clock.time('analyze', () => analyzeTarget(ctx, analyzed));
        if ((this.spec.verify ?? 'counts') !== 'none') {
          step('Verifying');
          const mode = this.spec.verify === 'checksums' ? 'checksums' : 'counts';
          const v = await clock.time('verify', () => verifyTables(snap.holder, c, tables, mode, this.controller.signal, copied));
          d.verification = v;
          if (v.state === 'Failed') {
            const m = v.mismatches[0];
            throw new Error(`Verification of database "${db}" failed: table ${m.table} has ${mode === 'counts' ? `${m.source} rows on the source and ${m.target} on the target` : 'different contents on the source and the target'}${v.mismatches.length > 1 ? ` (and ${v.mismatches.length - 1} more tables)` : ''}.`);
          }
        }
      } finally {
        await this.sessions.close(c);
      }
      await this.mode.finishDatabase({ db, details: d, snapshot: snap, sourceMajor: ctx.sourceMajor, step });
      total();
      this.tracker.changed();
    } finally {
      await snap.release();
    }
  }

  private async finish(state: 'Succeeded' | 'Failed' | 'Canceled' | 'ValidationFailed' | 'WaitingForUserAction', error?: string): Promise<Migration> {
    if (this.pollTimer) clearInterval(this.pollTimer);
    const t = this.tracker;
    this.opts.trace?.(`ending: ${state}`);
    this.sessions.destroyAll();
    // Whatever a destroyed socket left behind on a server is ended by name.
    const app = this.sessions.appName;
    await Promise.all([terminateLeftovers(this.source, app), terminateLeftovers(this.target, app)]);
    if (state === 'Failed' || state === 'Canceled') error = await this.mode.stopped(error);
    const now = new Date().toISOString();
    for (const db of this.spec.databases) {
      const d = t.db(db);
      if (d.migrationState === 'Succeeded' || state === 'WaitingForUserAction') continue;
      if (state === 'Succeeded' && this.spec.option === 'Validate') continue;
      d.migrationState = state === 'Canceled' ? 'Canceled' : state === 'Succeeded' ? 'Succeeded' : 'Failed';
      d.endedOn ??= now;
      d.migrationOperation = undefined;
      for (const x of d.tables ?? []) if (x.state === 'Loading') x.state = state === 'Canceled' ? 'Queued' : 'Errored';
      // Tables cut off mid-copy were rolled back: only completed tables count as copied.
      if (d.progress && state !== 'Succeeded') d.progress.bytesCopied = (d.tables ?? []).filter((x) => x.state === 'Completed').reduce((sum, x) => sum + (x.bytes ?? 0), 0);
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

/** Count a retry on the database's details, keeping the last few reasons to show. */
function noteRetry(d: DatabaseMigrationState, message: string, changed: () => void): void {
  d.retries = (d.retries ?? 0) + 1;
  d.retryMessages = [...(d.retryMessages ?? []), message].slice(-10);
  changed();
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
