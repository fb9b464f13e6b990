/** A bounded-concurrency pool and a short-lived cache for ARM discovery calls. */

export class Pool {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(readonly limit: number) {
    if (!(limit >= 1)) throw new Error(`A pool needs room for at least one task (got ${limit}).`);
  }

  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.active++;
    try {
      return await fn();
    } finally {
      this.active--;
      this.waiting.shift()?.();
    }
  }

  get running(): number {
    return this.active;
  }
}

/**
 * A keyed pool: at most `perKey` tasks per key (ARM throttles per subscription) and at most
 * `total` overall, so one large subscription cannot starve the others.
 */
export class KeyedPool {
  private readonly pools = new Map<string, Pool>();
  private readonly all: Pool;

  constructor(readonly perKey: number, total: number) {
    this.all = new Pool(total);
  }

  run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    let p = this.pools.get(key);
    if (!p) {
      p = new Pool(this.perKey);
      this.pools.set(key, p);
    }
    return p.run(() => this.all.run(fn));
  }
}

interface Entry<T> {
  at: number;
  value: Promise<T>;
}

/** Results kept for `ttlMs`; concurrent callers of the same key share one call; failures are not kept. */
export class TtlCache {
  private readonly entries = new Map<string, Entry<unknown>>();

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  get<T>(key: string, load: () => Promise<T>): Promise<T> {
    const hit = this.entries.get(key) as Entry<T> | undefined;
    if (hit && this.now() - hit.at < this.ttlMs) return hit.value;
    const value = load();
    this.entries.set(key, { at: this.now(), value });
    value.catch(() => {
      if (this.entries.get(key)?.value === value) this.entries.delete(key);
    });
    return value;
  }

  /** Forget one key, or every key starting with `prefix*` (e.g. after a create). */
  invalidate(keyOrPrefix?: string): void {
    if (keyOrPrefix === undefined) {
      this.entries.clear();
      return;
    }
    if (keyOrPrefix.endsWith('*')) {
      const p = keyOrPrefix.slice(0, -1);
      for (const k of [...this.entries.keys()]) if (k.startsWith(p)) this.entries.delete(k);
      return;
    }
    this.entries.delete(keyOrPrefix);
  }
}
