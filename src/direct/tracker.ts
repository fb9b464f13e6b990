/**
 * The live model of one direct migration, with a throttled change event: the CLI, the
 * extension and the ARM test server watch it, and the record store persists it.
 */
import { EventEmitter } from 'node:events';
import { isTerminal, type DatabaseMigrationState, type Migration, type MigrationProgress, type MigrationState, type MigrationSubstate, type TableProgress } from '../core/model';
import { etaSeconds, RateWindow, sumProgress } from '../core/progress';

export class MigrationTracker {
  private readonly events = new EventEmitter();
  private timer: NodeJS.Timeout | undefined;
  private last = 0;
  /** Each database's rate window, and the migration's under ''. */
  private readonly rates = new Map<string, RateWindow>();

  constructor(
    readonly migration: Migration,
    private readonly throttleMs = 250,
  ) {}

  /** Subscribe to changes; returns the unsubscribe function. */
  onChange(listener: (m: Migration) => void): () => void {
    this.events.on('change', listener);
    return () => this.events.off('change', listener);
  }

  setStatus(state: MigrationState, substate?: MigrationSubstate, error?: string): void {
    const status = (this.migration.currentStatus ??= {});
    status.state = state;
    if (substate) (status.currentSubStateDetails ??= {}).currentSubState = substate;
    if (error !== undefined) status.error = error;
    this.changed(true);
  }

  db(name: string): DatabaseMigrationState {
    const details = ((this.migration.currentStatus ??= {}).currentSubStateDetails ??= {});
    const dbs = (details.dbDetails ??= {});
    return (dbs[name] ??= { databaseName: name });
  }

  /** Recount the per-database table counters from its table list. */
  recount(name: string): void {
    const d = this.db(name);
    const tables: TableProgress[] = d.tables ?? [];
    d.fullLoadQueuedTables = tables.filter((t) => t.state === 'Queued').length;
    d.fullLoadLoadingTables = tables.filter((t) => t.state === 'Loading').length;
    d.fullLoadCompletedTables = tables.filter((t) => t.state === 'Completed').length;
    d.fullLoadErroredTables = tables.filter((t) => t.state === 'Errored').length;
    this.changed();
  }

  /** The database's progress, started at nothing to copy. */
  progress(name: string): MigrationProgress {
    return (this.db(name).progress ??= { bytesTotal: 0, bytesCopied: 0 });
  }

  /** Bytes of the database copied (negative: given back by a failed table). */
  copied(name: string, bytes: number): void {
    if (bytes === 0) return;
    this.progress(name).bytesCopied += bytes;
    this.changed();
  }

  /** A post-data entry of the database built. */
  built(name: string): void {
    const p = this.progress(name);
    p.postDataBuilt = (p.postDataBuilt ?? 0) + 1;
    this.changed();
  }

  /** Note a change; listeners hear about it at most every throttleMs, and at once when `now`. */
  changed(now = false): void {
    const wait = this.throttleMs - (Date.now() - this.last);
    if (now || wait <= 0) {
      this.flush();
      return;
    }
    this.timer ??= setTimeout(() => this.flush(), wait);
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.last = Date.now();
    this.updateRates(this.last);
    this.events.emit('change', this.migration);
  }

  /**
   * Rate and time left per database and for the migration, sampled as listeners hear of a change:
   * bytes arrive continuously while copying, so the samples are as frequent as the throttle.
   */
  private updateRates(now: number): void {
    const ended = isTerminal(this.migration);
    const dbs = Object.entries(this.migration.currentStatus?.currentSubStateDetails?.dbDetails ?? {});
    // Sampled only while tables load: before the copy the rate is unknown, not zero.
    const loading = (d: DatabaseMigrationState) => (d.fullLoadLoadingTables ?? 0) > 0;
    for (const [name, d] of dbs) if (d.progress) this.rate(name, d.progress, now, ended, loading(d));
    const sum = sumProgress(dbs.map(([, d]) => d.progress));
    if (sum) this.rate('', sum, now, ended, dbs.some(([, d]) => loading(d)));
    this.migration.progress = sum;
  }

  private rate(key: string, p: MigrationProgress, now: number, ended: boolean, copying: boolean): void {
    let w = this.rates.get(key);
    if (!w) this.rates.set(key, (w = new RateWindow()));
    if (ended || p.bytesCopied >= p.bytesTotal) w.reset();
    else if (copying) w.add(now, p.bytesCopied);
    const rate = w.rate();
    const eta = etaSeconds(p.bytesTotal - p.bytesCopied, rate);
    if (rate === undefined) delete p.bytesPerSecond;
    else p.bytesPerSecond = Math.round(rate);
    if (eta === undefined) delete p.etaSeconds;
    else p.etaSeconds = Math.round(eta);
  }

  /** A deep copy, safe to hand out. */
  snapshot(): Migration {
    return structuredClone(this.migration);
  }
}
