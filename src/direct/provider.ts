/**
 * DirectProvider: the direct engine behind the MigrationProvider interface, so the
 * extension, the CLI and the ARM test server drive direct migrations exactly as Azure ones.
 *
 * - create() starts the migration in this process and returns at once; watch() or wait()
 *   follow it. Re-creating a Failed or Canceled migration with the same name resumes it.
 * - get()/list() read the live run, or the local record store for migrations run elsewhere.
 * - cancel() stops a run of this process, or asks the process running it (through the store)
 *   and, as a last resort, ends its sessions on the target by application_name.
 */
import type { Migration } from '../core/model';
import { isTerminal } from '../core/model';
import { checkDatabaseSelection, checkMigrationName, type NameCheck } from '../core/names';
import type { MigrationProvider, MigrationSpec, Secrets, ServerRef } from '../core/provider';
import { defaultRootCertFor } from '../pg/azureHosts';
import { connFromRef } from './connInfo';
import { DirectMigrationRun, type EngineOptions } from './engine';
import { appNameFor, terminateLeftovers } from './sessions';
import { RecordStore, runnerAlive, targetKeyOf, type MigrationRecord } from './store';
import { cancelOnline, cutoverOnline, statusOnline, watchOnline } from './online/control';
import { effectiveMigration } from './runnerView';

export class MigrationNotFoundError extends Error {}

export interface DirectProviderOptions {
  store?: RecordStore;
  engine?: EngineOptions;
  /** The target password, for ending a dead runner's sessions on cancel (SecretStorage, env). */
  targetPassword?: (target: ServerRef) => Promise<string | undefined> | string | undefined;
  /** The source password, for cutover and cancel of online migrations from another process. */
  sourcePassword?: (source: ServerRef) => Promise<string | undefined> | string | undefined;
  /** The CA file for a server whose ServerRef names none (the extension: a saved connection's, else pgflex.sslRootCert). */
  rootCertFor?(server: ServerRef): string | undefined;
  /**
   * Keep watching online migrations of this process once they wait for cutover (beats,
   * latency and CDC counters in the live model every second; cutover/cancel requests from
   * other processes honoured). For long-lived hosts such as the extension; the CLI watches itself.
   */
  watchOnline?: boolean;
}

export class DirectProvider implements MigrationProvider {
  readonly kind = 'direct' as const;
  readonly store: RecordStore;
  private readonly runs = new Map<string, DirectMigrationRun>();

  constructor(private readonly opts: DirectProviderOptions = {}) {
    this.store = opts.store ?? new RecordStore();
  }

  private key(target: ServerRef, name: string): string {
    return `${targetKeyOf(target)}/${name}`;
  }

  async checkName(target: ServerRef, name: string): Promise<NameCheck> {
    const rule = checkMigrationName(name, 'direct');
    if (!rule.ok) return rule;
    const rec = this.store.load(targetKeyOf(target), name);
    if (rec) {
      const state = this.effective(rec).currentStatus?.state;
      const resumable = state === 'Failed' || state === 'Canceled';
      return {
        ok: false,
        reason: resumable
          ? `A migration named "${name}" already exists on this target (${state}); run it again with the same name to resume it, or choose another name.`
          : `A migration named "${name}" already exists on this target (${state ?? 'unknown'}); choose another name.`,
      };
    }
    return { ok: true };
  }

  /** Start (or resume) a migration in this process. Rejects with a readable error on a bad spec. */
  async create(spec: MigrationSpec, secrets: Secrets): Promise<Migration> {
    return (await this.start(spec, secrets)).tracker.snapshot();
  }

  /** As create(), returning the live run (to watch it or await `done`). */
  async start(given: MigrationSpec, secrets: Secrets): Promise<DirectMigrationRun> {
    // The CA goes into the spec, so a cutover or cancel from another process trusts it too.
    const withCa = (r: ServerRef): ServerRef => {
      const file = defaultRootCertFor(r.host, r.sslRootCert, this.opts.rootCertFor?.(r));
      return file ? { ...r, sslRootCert: file } : r;
    };
    const spec = { ...given, source: withCa(given.source), target: withCa(given.target) };
    const name = checkMigrationName(spec.name, 'direct');
    if (!name.ok) throw new Error(name.reason);
    const dbs = checkDatabaseSelection(spec.databases, true);
    if (!dbs.ok) throw new Error(dbs.reason);
    const key = this.key(spec.target, spec.name);
    const live = this.runs.get(key);
    if (live && !isTerminal(live.migration)) throw new Error(`The migration "${spec.name}" is already running.`);
    const prev = this.store.load(targetKeyOf(spec.target), spec.name);
    if (prev) {
      const m = this.effective(prev);
      const state = m.currentStatus?.state;
      if (!isTerminal(m)) throw new Error(`The migration "${spec.name}" is already running in another process (pid ${prev.pid}). Watch it with "pgflex status", or cancel it first.`);
      if (state !== 'Failed' && state !== 'Canceled') throw new Error(`A migration named "${spec.name}" already exists on this target (${state}); choose another name.`);
      if (prev.spec.databases.join(',') !== spec.databases.join(',')) {
        throw new Error(`The migration "${spec.name}" was started with databases ${prev.spec.databases.join(', ')}; resume it with the same databases or choose another name.`);
      }
    }
    const run = new DirectMigrationRun(spec, secrets, { ...this.opts.engine, keepWatching: this.opts.engine?.keepWatching ?? this.opts.watchOnline, store: this.store }, prev);
    this.runs.set(key, run);
    if (spec.mode === 'Online' && this.opts.watchOnline) {
      void run.done.then((m) => {
        if (m.currentStatus?.state !== 'WaitingForUserAction') return;
        return watchOnline({ store: this.store, targetKey: targetKeyOf(spec.target), name: spec.name, secrets }, { cutover: 'wait', sink: run.tracker });
      }).catch(() => undefined);
    }
    return run;
  }

  /** The live run of this process, if the migration runs here. */
  run(target: ServerRef, name: string): DirectMigrationRun | undefined {
    return this.runs.get(this.key(target, name));
  }

  /** Follow changes of a migration running in this process; returns the unsubscribe function. */
  watch(target: ServerRef, name: string, listener: (m: Migration) => void): () => void {
    const run = this.run(target, name);
    if (!run) return () => undefined;
    return run.tracker.onChange(listener);
  }

  async get(target: ServerRef, name: string): Promise<Migration> {
    const run = this.run(target, name);
    if (run) return run.tracker.snapshot();
    const rec = this.store.load(targetKeyOf(target), name);
    if (!rec) throw new MigrationNotFoundError(`No direct migration named "${name}" is known for the target ${target.host}:${target.port}.`);
    const m = this.effective(rec);
    if (rec.spec.mode !== 'Online') return m;
    // Read from the servers: the latency of a stream nobody watches, what a dead run left.
    return statusOnline({ store: this.store, targetKey: targetKeyOf(target), name, secrets: await this.secretsFor(rec) }, m);
  }

  async list(target: ServerRef): Promise<Migration[]> {
    const recs = this.store.list(targetKeyOf(target));
    return recs
      .map((r) => this.run(target, r.migration.name)?.tracker.snapshot() ?? this.effective(r))
      .sort((a, b) => (b.startedOn ?? '').localeCompare(a.startedOn ?? ''));
  }

  async cutover(target: ServerRef, name: string, databases?: string[]): Promise<void> {
    const m = await this.get(target, name);
    if (m.migrationMode !== 'Online') throw new Error(`"${name}" is an offline migration: there is nothing to cut over.`);
    const rec = this.store.load(targetKeyOf(target), name)!;
    const m2 = await cutoverOnline({ store: this.store, targetKey: targetKeyOf(target), name, secrets: await this.secretsFor(rec) }, databases);
    const waiting = Object.values(m2.currentStatus?.currentSubStateDetails?.dbDetails ?? {}).find((d) => d.migrationState === 'WaitingForCutoverTrigger' && (!databases || databases.includes(d.databaseName ?? '')));
    if (waiting) throw new Error(waiting.message ?? `The cutover of "${name}" did not finish.`);
  }

  /** Passwords for a recorded migration, from the options' callbacks (SecretStorage, env). */
  private async secretsFor(rec: MigrationRecord) {
    return { sourcePassword: await this.opts.sourcePassword?.(rec.spec.source), targetPassword: await this.opts.targetPassword?.(rec.spec.target) };
  }

  /**
   * Cancel and wait (up to about 10 s) until it has stopped. The target databases stay.
   * A migration whose process is gone is marked Canceled here, and its sessions ended.
   */
  async cancel(target: ServerRef, name: string, databases?: string[]): Promise<void> {
    const run = this.run(target, name);
    const online = this.store.load(targetKeyOf(target), name);
    // An online migration past its copy has no run to stop: its replication objects go.
    const copying = run
      ? !isTerminal(run.migration) && run.migration.currentStatus?.state !== 'WaitingForUserAction'
      : online?.migration.currentStatus?.state === 'InProgress' && runnerAlive(online);
    const some = databases?.length && online && !online.spec.databases.every((db) => databases.includes(db)) ? databases : undefined;
    if (online?.spec.mode === 'Online' && !copying) {
      const r = await cancelOnline({ store: this.store, targetKey: targetKeyOf(target), name, secrets: await this.secretsFor(online) }, some);
      if (run) Object.assign(run.tracker.migration, r.migration);
      if (r.problems.length) throw new Error(r.migration.currentStatus?.error);
      return;
    }
    if (some) {
      // Databases copying side by side share one worker budget and snapshot set: they stop together.
      throw new Error(
        `"${name}" is copying, and its databases stop together: ${some.join(', ')} can be canceled alone only once an online migration streams. Cancel the whole migration (no database named), or wait.`,
      );
    }
    if (run) {
      run.cancel();
      await run.done;
      return;
    }
    const tk = targetKeyOf(target);
    const rec = this.store.load(tk, name);
    if (!rec) throw new MigrationNotFoundError(`No direct migration named "${name}" is known for the target ${target.host}:${target.port}.`);
    if (isTerminal(rec.migration)) throw new Error(`The migration "${name}" has already ended (${rec.migration.currentStatus?.state}); there is nothing to cancel.`);
    if (runnerAlive(rec)) {
      this.store.requestCancel(tk, name);
      const deadline = Date.now() + 10_000;
      while (Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 200));
        const now = this.store.load(tk, name);
        if (now && isTerminal(now.migration)) return;
      }
    }
    // The runner is gone (or did not answer): end its sessions on the target and record the cancel.
    const password = await this.opts.targetPassword?.(target);
    await terminateLeftovers(connFromRef(target, password, 'target'), appNameFor(name));
    const latest = this.store.load(tk, name) ?? rec;
    if (isTerminal(latest.migration)) return;
    const m = latest.migration;
    const now = new Date().toISOString();
    m.currentStatus = { ...m.currentStatus, state: 'Canceled', error: `Canceled by the user. The target databases (${latest.spec.databases.join(', ')}) are left in place; drop them on the target if you do not want them.` };
    m.endedOn = now;
    m.cancel = 'True';
    for (const d of Object.values(m.currentStatus.currentSubStateDetails?.dbDetails ?? {})) {
      if (d.migrationState !== 'Succeeded') {
        d.migrationState = 'Canceled';
        d.endedOn ??= now;
      }
    }
    latest.pid = undefined;
    this.store.save(latest);
    this.store.clearCancel(tk, name);
  }

  /** A record whose process died without finishing is shown as Failed (and can be resumed). */
  private effective(rec: MigrationRecord): Migration {
    return effectiveMigration(rec);
  }
}
