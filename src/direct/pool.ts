/**
 * One worker budget shared by every database of a migration: a counting semaphore. The
 * databases queue their COPY and index jobs here so `--jobs` bounds the whole migration.
 */
export class WorkerBudget {
  private free: number;
  private readonly waiting: (() => void)[] = [];

  constructor(readonly size: number) {
    this.free = Math.max(1, size);
  }

  get idle(): number {
    return this.free;
  }

  /** Add `n` workers (e.g. the COPY workers once every copy is done), starting queued jobs. */
  grow(n: number): void {
    for (let i = 0; i < n; i++) {
      const next = this.waiting.shift();
      if (next) next();
      else this.free += 1;
    }
  }

  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.free > 0) this.free -= 1;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    try {
      return await fn();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.free += 1;
    }
  }
}

/**
 * Run every job through the budget and wait for all of them. The first failure stops the
 * jobs not yet started and is rethrown once the running ones have settled, so no worker is
 * left touching a server after the caller returns.
 */
export async function runAll<T>(budget: WorkerBudget, items: readonly T[], fn: (item: T) => Promise<void>, signal?: AbortSignal): Promise<void> {
  let failure: unknown;
  let failed = false;
  await Promise.all(
    items.map((item) =>
      budget.run(async () => {
        if (failed || signal?.aborted) return;
        try {
          await fn(item);
        } catch (e) {
          if (!failed) {
            failed = true;
            failure = e;
          }
        }
      }),
    ),
  );
  if (failed) throw failure;
  signal?.throwIfAborted();
}
