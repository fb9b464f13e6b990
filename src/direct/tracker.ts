/**
 * The live model of one direct migration, with a throttled change event: the CLI, the
 * extension and the ARM test server watch it, and the record store persists it.
 */
import { EventEmitter } from 'node:events';
import type { DatabaseMigrationState, Migration, MigrationState, MigrationSubstate, TableProgress } from '../core/model';

export class MigrationTracker {
  private readonly events = new EventEmitter();
  private timer: NodeJS.Timeout | undefined;
  private last = 0;

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
    this.events.emit('change', this.migration);
  }

  /** A deep copy, safe to hand out. */
  snapshot(): Migration {
    return structuredClone(this.migration);
  }
}
