/**
 * How busy the target is with this migration's work, to size each index build's parallel
 * workers. A parallel build pays for its workers: starting them, writing their sorted runs to
 * temporary files, merging them (about a core-second for the benchmark's three big indexes on
 * two cores). That only pays back on cores that would otherwise sit idle, so a build gets
 * workers from the spare capacity alone: the migration's jobs less the post-data jobs running
 * or queued, itself included. None while tables still copy (the machine is full then); on a
 * 2-core machine only a build that is the last thing left gets one.
 */
export class BuildLoad {
  /** Whether any database of the migration is still copying tables. */
  copying = true;
  private pending = 0;

  constructor(readonly jobs: number) {}

  /** A post-data job (index, key, constraint) is queued; the returned function marks it ended. */
  queued(): () => void {
    this.pending += 1;
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      this.pending -= 1;
    };
  }

  /** Parallel workers for a build starting now: 0, or the spare capacity (the server's max_parallel_maintenance_workers still caps it). */
  workersForNext(): number {
    if (this.copying) return 0;
    return Math.max(0, this.jobs - this.pending);
  }
}

/** The session settings that give a build at most `workers` parallel workers, never more than the server allows. */
export function parallelWorkersSql(workers: number): string {
  if (workers <= 0) return 'SET max_parallel_maintenance_workers = 0';
  return `RESET max_parallel_maintenance_workers; SELECT set_config('max_parallel_maintenance_workers', least(${Math.floor(workers)}, current_setting('max_parallel_maintenance_workers')::int)::text, false)`;
}
