/**
 * An online migration after its copy: watched, cut over or canceled, from the process that
 * started it or from any later one. Everything needed lives on the servers (slot,
 * publication, subscription, heartbeat) plus the local record (spec and model, no password),
 * so a fresh process given the passwords can pick it up. The running watcher takes requests
 * from other processes through the record store's request files (cutover, cancel).
 */
import type { DatabaseMigrationState, Migration } from '../../core/model';
import type { Secrets } from '../../core/provider';
import { connFromRef } from '../connInfo';
import { runnerAlive, type MigrationRecord, type RecordStore } from '../store';
import { currentRunner } from '../liveness';
import { CutoverError, cutoverDatabase } from './cutover';
import { DdlFollower, type DdlReport } from './ddlFollower';
import { LatencyMonitor, measureOnce, type StreamSample } from './latency';
import { findLeftovers, describeLeftover, type Leftover } from './leftovers';
import { cleanupCommand } from '../../core/leftovers';
import { redactedUrl } from '../../pg/connection';
import { targetArgs } from '../runnerView';
import { removeReplication, type OnlineDb } from './replicationObjects';

export type CutoverMode = 'auto' | 'wait';

export interface OnlineRef {
  store: RecordStore;
  targetKey: string;
  name: string;
  secrets: Secrets;
}

/** The model of an online migration being watched (a tracker's, or the record's own). */
export interface ModelSink {
  migration: Migration;
  changed(): void;
}

function load(ref: OnlineRef): MigrationRecord {
  const rec = ref.store.load(ref.targetKey, ref.name);
  if (!rec) throw new Error(`No direct migration named "${ref.name}" is recorded for this target.`);
  if (rec.spec.mode !== 'Online') throw new Error(`"${ref.name}" is an offline migration: there is nothing to cut over.`);
  return rec;
}

function dbsOf(rec: MigrationRecord, secrets: Secrets, only?: string[]): OnlineDb[] {
  const source = connFromRef(rec.spec.source, secrets.sourcePassword, 'source');
  const target = connFromRef(rec.spec.target, secrets.targetPassword, 'target');
  return rec.spec.databases
    .filter((d) => !only || only.includes(d))
    .map((database) => ({ migration: rec.spec.name, database, source, target, replicateDdl: rec.spec.replicateDdl }));
}

function details(m: Migration): Record<string, DatabaseMigrationState> {
  return (((m.currentStatus ??= {}).currentSubStateDetails ??= {}).dbDetails ??= {});
}

function applySample(d: DatabaseMigrationState, s: StreamSample): void {
  d.latency = Math.round(s.latency * 10) / 10;
  d.cdcInsertCounter = s.cdcInsertCounter;
  d.cdcUpdateCounter = s.cdcUpdateCounter;
  d.cdcDeleteCounter = s.cdcDeleteCounter;
  d.appliedChanges = s.appliedChanges;
  if (s.incomingChanges !== undefined) d.incomingChanges = Math.max(s.incomingChanges, s.appliedChanges);
  if (s.causes) d.latencyCauses = s.causes;
  if (s.cutoverCopies) d.cutoverCopies = s.cutoverCopies;
  if (s.latency === 0 && s.workerRunning && !s.problem) d.caughtUpSince ??= new Date().toISOString();
  else delete d.caughtUpSince;
  const blocking = s.causes?.find((c) => c.severity === 'error');
  if (s.problem) d.message = s.problem;
  else if (blocking) d.message = blocking.summary;
  else if (!s.workerRunning) d.message = 'Replication is interrupted (the subscription worker on the target is not running); PostgreSQL retries by itself every few seconds.';
  else d.message = `Streaming; latency ${d.latency} s.`;
}

/** Replicated DDL's state on the database: warnings kept, a refused statement first among the causes. */
function applyDdl(d: DatabaseMigrationState, r: DdlReport): void {
  if (r.warnings.length) d.warnings = [...new Set([...(d.warnings ?? []), ...r.warnings])];
  if (!r.refused) return;
  d.latencyCauses = [r.refused, ...(d.latencyCauses ?? []).filter((c) => c.kind !== 'ddl-refused')];
  d.message = r.refused.summary;
}

const stalled = (s: StreamSample) => !s.workerRunning || (s.causes ?? []).some((c) => c.kind === 'apply-errors' || c.kind === 'apply-worker-down');

/**
 * Cut over the given databases (default: all still waiting), updating `sink`'s model.
 * Ends Succeeded when no database is left waiting; a database whose cutover fails keeps its
 * replication (so nothing is lost) and says why; the migration stays WaitingForUserAction.
 */
export async function performCutover(rec: MigrationRecord, secrets: Secrets, sink: ModelSink, only?: string[]): Promise<void> {
  const m = sink.migration;
  const all = details(m);
  const waiting = dbsOf(rec, secrets, only).filter((db) => all[db.database]?.migrationState === 'WaitingForCutoverTrigger');
  if (waiting.length === 0) throw new Error(`No database of "${rec.spec.name}" is waiting for cutover${only?.length ? ` among ${only.join(', ')}` : ''}.`);
  m.triggerCutover = 'True';
  m.dbsToTriggerCutoverOn = waiting.map((w) => w.database);
  m.currentStatus!.state = 'InProgress';
  m.currentStatus!.currentSubStateDetails!.currentSubState = 'CompletingMigration';
  sink.changed();
  await Promise.all(waiting.map(async (db) => {
    const d = all[db.database];
    d.migrationOperation = 'Cutting over';
    sink.changed();
    try {
      const r = await cutoverDatabase(db, { verify: rec.spec.verify !== 'none' });
      d.migrationState = 'Succeeded';
      d.cutoverSeconds = Math.round(r.cutoverSeconds * 1000) / 1000;
      d.verification = r.verification;
      d.latency = 0;
      d.endedOn = new Date().toISOString();
      if (r.warnings.length) d.warnings = [...new Set([...(d.warnings ?? []), ...r.warnings])];
      d.message = r.problems.length
        ? `Cut over in ${d.cutoverSeconds} s, but some replication objects could not be removed: ${r.problems.join(' ')}`
        : `Cut over in ${d.cutoverSeconds} s (drain ${r.steps.drain} s, sequences ${r.steps.sequences} s,${r.resynced.tables || r.resynced.largeObjects ? ` ${r.resynced.tables} unlogged tables and ${r.resynced.largeObjects} large objects copied again ${r.steps.resync} s,` : ''} row counts ${r.steps.verify} s, cleanup ${r.steps.cleanup} s); ${r.sequencesSet} sequences set; row counts equal in ${r.verification.tablesChecked} tables.`;
    } catch (e) {
      d.message = e instanceof CutoverError ? e.message : `Cutover of "${db.database}" failed: ${e instanceof Error ? e.message : String(e)}. Replication is still running; retry the cutover or cancel.`;
    } finally {
      d.migrationOperation = undefined;
      sink.changed();
    }
  }));
  const left = Object.values(all).filter((d) => d.migrationState !== 'Succeeded' && d.migrationState !== 'Canceled');
  if (left.length === 0) {
    m.currentStatus!.state = 'Succeeded';
    m.currentStatus!.currentSubStateDetails!.currentSubState = 'Completed';
    m.endedOn = new Date().toISOString();
  } else {
    m.currentStatus!.state = 'WaitingForUserAction';
    m.currentStatus!.currentSubStateDetails!.currentSubState = 'WaitingForCutoverTrigger';
    const failed = waiting.filter((w) => all[w.database].migrationState !== 'Succeeded');
    if (failed.length) m.currentStatus!.error = all[failed[0].database].message;
  }
  sink.changed();
}

/**
 * Cancel: replication objects removed on both servers; the target databases stay. `only`
 * cancels those databases and leaves the others streaming (ARM's dbsToCancelMigrationOn); the
 * migration ends once no database streams any more.
 */
export async function performCancel(rec: MigrationRecord, secrets: Secrets, sink: ModelSink, only?: string[]): Promise<string[]> {
  const m = sink.migration;
  const all = details(m);
  const ended = (db: string) => all[db]?.migrationState === 'Succeeded' || all[db]?.migrationState === 'Canceled';
  const dbs = dbsOf(rec, secrets, only?.length ? only : undefined).filter((db) => !ended(db.database));
  const problems = (await Promise.all(dbs.map((db) => removeReplication(db)))).flatMap((r) => r.problems);
  const now = new Date().toISOString();
  if (only?.length) m.dbsToCancelMigrationOn = [...only];
  for (const { database } of dbs) {
    const d = (all[database] ??= { databaseName: database });
    d.migrationState = 'Canceled';
    d.endedOn ??= now;
    d.migrationOperation = undefined;
    d.latency = undefined;
    d.message = `Canceled. The database "${database}" is left on the target as it is; drop it there if you do not want it.`;
  }
  const streaming = rec.spec.databases.filter((db) => !ended(db));
  const canceled = dbs.map((d) => d.database);
  const left = problems.length ? ` These replication objects could not be removed (run "pgflex cancel" again, or remove them by hand): ${problems.join(' ')}` : '';
  if (streaming.length) {
    // Some databases still stream: the migration goes on for them.
    m.currentStatus!.error = `Canceled ${canceled.join(', ')}; ${streaming.join(', ')} still ${streaming.length > 1 ? 'stream' : 'streams'}, waiting for cutover. The canceled databases are left on the target; drop them there if you do not want them.${left}`;
    sink.changed();
    return problems;
  }
  m.cancel = 'True';
  m.endedOn = now;
  const cutOver = rec.spec.databases.filter((db) => all[db]?.migrationState === 'Succeeded');
  m.currentStatus!.state = cutOver.length ? 'Succeeded' : 'Canceled';
  m.currentStatus!.currentSubStateDetails!.currentSubState = cutOver.length ? 'Completed' : undefined;
  m.currentStatus!.error = problems.length
    ? `Canceled, but these replication objects could not be removed (run "pgflex cancel" again, or remove them by hand): ${problems.join(' ')}`
    : cutOver.length
      ? `${cutOver.join(', ')} cut over; ${rec.spec.databases.filter((db) => !cutOver.includes(db)).join(', ')} canceled and left on the target (drop them there if you do not want them).`
      : `Canceled by the user. The target databases (${rec.spec.databases.join(', ')}) are left in place; drop them on the target if you do not want them.`;
  sink.changed();
  return problems;
}

export interface WatchOptions {
  cutover: CutoverMode;
  /** auto: how long every database must stay at latency 0 before the cutover (seconds). */
  quietSeconds?: number;
  /** How often the model is refreshed (ms). */
  everyMs?: number;
  /** Stop watching (the migration keeps streaming on the servers). */
  signal?: AbortSignal;
  /** The live model to update (e.g. the run's tracker); default: the record's own. */
  sink?: ModelSink;
  onChange?(m: Migration): void;
}

export type WatchEnd = 'Succeeded' | 'Canceled' | 'Detached';

/**
 * Watch a migration that waits for cutover: beats and latency every second into the model
 * and the record, requests from other processes honoured, and with `auto` the cutover once
 * the latency has stayed 0 for a few seconds. Resolves when it ends or `signal` stops it.
 */
export async function watchOnline(ref: OnlineRef, o: WatchOptions): Promise<WatchEnd> {
  const rec = load(ref);
  const sink: ModelSink = o.sink ?? { migration: rec.migration, changed: () => undefined };
  const save = () => {
    // Another process may have ended the migration (a cutover or cancel that did not see this
    // watcher yet): adopt its outcome instead of writing a stale state over it.
    const disk = ref.store.load(ref.targetKey, ref.name)?.migration;
    const ended = disk?.currentStatus?.state;
    if ((ended === 'Succeeded' || ended === 'Canceled') && sink.migration.currentStatus?.state !== ended) {
      Object.assign(sink.migration, disk);
      rec.migration = sink.migration;
      o.onChange?.(structuredClone(sink.migration));
      return;
    }
    rec.migration = sink.migration;
    ref.store.save(rec);
    o.onChange?.(structuredClone(sink.migration));
  };
  const saved: ModelSink = { migration: sink.migration, changed: () => { sink.changed(); save(); } };
  const key = watchKey(ref);
  if (watchers.has(key)) throw new Error(`The migration "${ref.name}" is already watched in this process.`);
  watchers.add(key);
  Object.assign(rec, currentRunner());
  save();
  const monitors = new Map<string, LatencyMonitor>();
  const followers = new Map<string, DdlFollower>();
  const refreshMonitors = () => {
    for (const db of dbsOf(rec, ref.secrets)) {
      const waiting = details(sink.migration)[db.database]?.migrationState === 'WaitingForCutoverTrigger';
      if (waiting && !monitors.has(db.database)) {
        const mon = new LatencyMonitor(db);
        mon.start();
        monitors.set(db.database, mon);
        if (db.replicateDdl) followers.set(db.database, new DdlFollower(db));
      } else if (!waiting && monitors.has(db.database)) {
        void monitors.get(db.database)!.stop();
        monitors.delete(db.database);
        void followers.get(db.database)?.close();
        followers.delete(db.database);
      }
    }
  };
  let quietSince: number | undefined;
  try {
    for (;;) {
      if (o.signal?.aborted) return 'Detached';
      const state = sink.migration.currentStatus?.state;
      if (state === 'Succeeded' || state === 'Canceled') return state;
      const cancelOf = ref.store.cancelRequest(ref.targetKey, ref.name);
      if (cancelOf !== undefined) {
        await Promise.all([...monitors.values()].map((x) => x.stop()));
        monitors.clear();
        await performCancel(rec, ref.secrets, saved, cancelOf);
        ref.store.clearCancel(ref.targetKey, ref.name);
        const after = sink.migration.currentStatus?.state;
        if (after === 'Succeeded' || after === 'Canceled') return after;
        continue;
      }
      const request = ref.store.claimCutoverRequest(ref.targetKey, ref.name);
      if (request) await performCutover(rec, ref.secrets, saved, request.length ? request : undefined).catch((e) => {
        sink.migration.currentStatus!.error = e instanceof Error ? e.message : String(e);
      });
      refreshMonitors();
      const samples = await Promise.all([...monitors.entries()].map(async ([db, mon]) => [db, await mon.sample()] as const));
      for (const [db, s] of samples) {
        applySample(details(sink.migration)[db], s);
        const f = followers.get(db);
        if (f) applyDdl(details(sink.migration)[db], await f.tick(stalled(s)));
      }
      saved.changed();
      const now = sink.migration.currentStatus?.state;
      if (now === 'Succeeded' || now === 'Canceled') return now;
      const allQuiet = samples.length > 0 && samples.every(([, s]) => s.latency === 0 && s.workerRunning && !s.problem);
      quietSince = allQuiet ? (quietSince ?? Date.now()) : undefined;
      if (o.cutover === 'auto' && quietSince !== undefined && Date.now() - quietSince >= (o.quietSeconds ?? 3) * 1000) {
        await Promise.all([...monitors.values()].map((x) => x.stop()));
        monitors.clear();
        await performCutover(rec, ref.secrets, saved);
        quietSince = undefined;
        continue;
      }
      await sleep(o.everyMs ?? 1000, o.signal);
    }
  } finally {
    watchers.delete(key);
    await Promise.all([...monitors.values()].map((x) => x.stop()));
    await Promise.all([...followers.values()].map((x) => x.close()));
    rec.pid = undefined;
    save();
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** Migrations watched by watchOnline in this process (`targetKey/name`). */
const watchers = new Set<string>();
const watchKey = (ref: OnlineRef) => `${ref.targetKey}/${ref.name}`;

/** A watcher (in another process, or in this one) is alive for the record: ask it, do not act. */
function watchedElsewhere(rec: MigrationRecord, ref: OnlineRef): boolean {
  if (watchers.has(watchKey(ref))) return true;
  return rec.pid !== undefined && rec.pid !== process.pid && runnerAlive(rec);
}

async function waitForRecord(ref: OnlineRef, done: (m: Migration) => boolean, timeoutMs: number): Promise<Migration> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const rec = load(ref);
    if (done(rec.migration)) return rec.migration;
    if (Date.now() > until || !watchedElsewhere(rec, ref)) return rec.migration;
    await sleep(200);
  }
}

/**
 * Cut over from any process: a running watcher is asked to do it; otherwise it is done here.
 * Returns the model afterwards (Succeeded, or still waiting with the reason in its messages).
 */
export async function cutoverOnline(ref: OnlineRef, dbs?: string[], timeoutMs = 15 * 60_000): Promise<Migration> {
  const rec = load(ref);
  const finished = (m: Migration) => m.currentStatus?.state === 'Succeeded' || (m.currentStatus?.state === 'WaitingForUserAction' && m.triggerCutover === 'True' && !ref.store.cutoverRequested(ref.targetKey, ref.name));
  if (watchedElsewhere(rec, ref)) {
    ref.store.requestCutover(ref.targetKey, ref.name, dbs ?? []);
    const m = await waitForRecord(ref, finished, timeoutMs);
    // The watcher went away before it took the request: take it back and cut over here.
    // If it did take it, it is cutting over (or ended): its record tells.
    if (finished(m) || ref.store.claimCutoverRequest(ref.targetKey, ref.name) === undefined) return m;
  }
  const fresh = load(ref);
  const state = fresh.migration.currentStatus?.state;
  if (state !== 'WaitingForUserAction') throw new Error(`The migration "${ref.name}" is ${state ?? 'in an unknown state'}; only a migration waiting for cutover can be cut over.`);
  await performCutover(fresh, ref.secrets, { migration: fresh.migration, changed: () => ref.store.save(fresh) }, dbs);
  ref.store.save(fresh);
  return fresh.migration;
}

/**
 * Cancel from any process: a running watcher is asked; otherwise the replication objects are
 * removed here, whatever state the record is in (a crashed run may have left them).
 */
export async function cancelOnline(ref: OnlineRef, only?: string[]): Promise<{ migration: Migration; problems: string[] }> {
  const rec = load(ref);
  if (rec.migration.currentStatus?.state === 'Succeeded') throw new Error(`The migration "${ref.name}" has already ended (Succeeded); there is nothing to cancel.`);
  const unknown = (only ?? []).filter((db) => !rec.spec.databases.includes(db));
  if (unknown.length) throw new Error(`The migration "${ref.name}" has no database ${unknown.map((d) => `"${d}"`).join(', ')}; its databases are ${rec.spec.databases.join(', ')}.`);
  const done = (m: Migration) => m.currentStatus?.state === 'Canceled' || (only?.length ? only.every((db) => details(m)[db]?.migrationState === 'Canceled') : false);
  if (watchedElsewhere(rec, ref)) {
    ref.store.requestCancel(ref.targetKey, ref.name, only);
    const m = await waitForRecord(ref, done, 30_000);
    if (done(m)) return { migration: m, problems: [] };
  }
  const fresh = load(ref);
  const problems = await performCancel(fresh, ref.secrets, { migration: fresh.migration, changed: () => undefined }, only);
  if (fresh.migration.currentStatus?.state === 'WaitingForUserAction') {
    // The others stream on; no process watches them now (a watcher would have taken the request).
    fresh.pid = undefined;
    ref.store.save(fresh);
    ref.store.clearCancel(ref.targetKey, ref.name);
    return { migration: fresh.migration, problems };
  }
  fresh.pid = undefined;
  ref.store.save(fresh);
  ref.store.clearCancel(ref.targetKey, ref.name);
  return { migration: fresh.migration, problems };
}

/**
 * The model with live figures: when no process watches the migration, one beat is written
 * and timed here. Replication objects an ended (or dead) run left are listed in `leftovers`
 * with the WAL their slots hold, and named in `error`. `view` is the record as judged by the
 * reader (a dead run shown as Failed); default: the record itself.
 */
export async function statusOnline(ref: OnlineRef, view?: Migration): Promise<Migration> {
  const rec = load(ref);
  const m = view ?? rec.migration;
  const state = m.currentStatus?.state;
  if (state === 'WaitingForUserAction' && !watchedElsewhere(rec, ref) && ref.secrets.sourcePassword !== undefined) {
    for (const db of dbsOf(rec, ref.secrets)) {
      const d = details(m)[db.database];
      if (d?.migrationState !== 'WaitingForCutoverTrigger') continue;
      const s = await measureOnce(db);
      applySample(d, s);
      if (db.replicateDdl) {
        const f = new DdlFollower(db);
        applyDdl(d, await f.tick(stalled(s)).finally(() => f.close()));
      }
    }
  }
  if (state === 'Succeeded' || state === 'Canceled' || state === 'Failed') {
    const source = connFromRef(rec.spec.source, ref.secrets.sourcePassword, 'source');
    const target = connFromRef(rec.spec.target, ref.secrets.targetPassword, 'target');
    let left: Leftover[] = [];
    let unread = '';
    try {
      left = await findLeftovers({ source, target }, rec.spec.name);
    } catch (e) {
      unread = ` Whether it left replication objects could not be checked: ${e instanceof Error ? e.message : String(e)}`;
    }
    m.leftovers = left;
    const status = (m.currentStatus ??= {});
    const before = status.error;
    if (left.length) {
      const fix = `Remove them with "pgflex cancel ${targetArgs(rec)}" or "${cleanupCommand(redactedUrl(source), redactedUrl(target))} --yes".`;
      status.error = `${before ? `${before} ` : ''}Replication objects of this migration are still on the servers: ${left.map(describeLeftover).join('; ')}. ${fix}`;
    } else if (unread) {
      status.error = `${before ?? ''}${unread}`;
    }
  }
  return m;
}
