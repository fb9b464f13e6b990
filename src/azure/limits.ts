/**
 * The service's time limits, computed so the UI can show them before they bite: a migration
 * lives at most 7 days, and an online migration must be cut over within 72 hours of the end
 * of its initial copy. One migration (or validation) may be active per target server.
 */
import { isTerminal, type Migration } from '../core/model';

export const LIFETIME_MS = 7 * 24 * 3600 * 1000;
export const CUTOVER_WINDOW_MS = 72 * 3600 * 1000;
/** Warn this long before a deadline. */
export const WARN_BEFORE_MS = 12 * 3600 * 1000;

export interface Deadline {
  at: string;
  remainingMs: number;
  level: 'ok' | 'warning' | 'expired';
}

export interface MigrationDeadlines {
  /** When the service ends the migration (7 days after it started). */
  lifetime?: Deadline;
  /** When an online migration waiting for cutover times out (72 h after the initial copy). */
  cutover?: Deadline;
}

function deadline(startMs: number, spanMs: number, now: number): Deadline {
  const at = startMs + spanMs;
  const remainingMs = at - now;
  return { at: new Date(at).toISOString(), remainingMs, level: remainingMs <= 0 ? 'expired' : remainingMs <= WARN_BEFORE_MS ? 'warning' : 'ok' };
}

function earliest(dates: (string | undefined)[]): number | undefined {
  const ms = dates.map((d) => (d ? Date.parse(d) : NaN)).filter(Number.isFinite);
  return ms.length ? Math.min(...ms) : undefined;
}

/**
 * Deadlines of an active migration. ARM gives no creation time, so the start is the earliest
 * time the migration reports (validation start, database start, `startedOn`), or
 * `firstSeenAt` when the caller watched it being created. The initial copy's end is not
 * reported either: the caller passes when it first saw the migration waiting for cutover
 * (`waitingSince`), else the latest database `endedOn`, else the start (which errs early: safe).
 */
export function migrationDeadlines(m: Migration, opts: { now?: number; firstSeenAt?: string; waitingSince?: string } = {}): MigrationDeadlines {
  if (isTerminal(m)) return {};
  const now = opts.now ?? Date.now();
  const details = m.currentStatus?.currentSubStateDetails;
  const dbs = Object.values(details?.dbDetails ?? {});
  const start = earliest([m.startedOn, opts.firstSeenAt, details?.validationDetails?.validationStartTimeInUtc, ...dbs.map((d) => d.startedOn)]);
  const out: MigrationDeadlines = {};
  if (start !== undefined) out.lifetime = deadline(start, LIFETIME_MS, now);
  const waiting = m.currentStatus?.state === 'WaitingForUserAction' || details?.currentSubState === 'WaitingForCutoverTrigger' || dbs.some((d) => d.migrationState === 'WaitingForCutoverTrigger');
  if (m.migrationMode === 'Online' && waiting) {
    const copyEnd = opts.waitingSince ? Date.parse(opts.waitingSince) : Math.max(...dbs.map((d) => (d.endedOn ? Date.parse(d.endedOn) : NaN)).filter(Number.isFinite), -Infinity);
    const from = Number.isFinite(copyEnd) ? copyEnd : start;
    if (from !== undefined) out.cutover = deadline(from, CUTOVER_WINDOW_MS, now);
  }
  return out;
}

/** The migration that blocks a new one on this target (the service allows one active at a time). */
export function activeMigration(list: Migration[]): Migration | undefined {
  return list.find((m) => !isTerminal(m));
}
