import { isTerminal } from '../core/model';
import type { MigrationProvider } from '../core/provider';
import { Disposable, toDisposable } from './lifecycle';
import type { Config } from './config';
import type { Logger } from './logger';
import type { NodeOf, TreeModel } from './model/treeModel';
import type { Migration } from '../core/model';
import type { ServerRef } from '../core/provider';
import { LIVE_THROTTLE_MS, type LiveWatch } from './model/liveWatch';
import { throttle, type Throttled } from './model/throttle';

/** How often migrations that are still running are re-read (the status bar's latency). */
const ACTIVE_POLL_MS = 10_000;

/**
 * Keeps the model fresh: migrations running in this extension host push their changes (at
 * most every LIVE_THROTTLE_MS); other running ones are re-read every few seconds (one `get`
 * each), and every loaded level is reloaded at `pgflex.refreshInterval`. Starts after activation.
 */
export class MigrationWatcher extends Disposable {
  private activeTimer: NodeJS.Timeout | undefined;
  private fullTimer: NodeJS.Timeout | undefined;
  private busy = false;
  /** Migrations followed through `live`, by target id and name. */
  private readonly followed = new Map<string, { stop: () => void; push: Throttled<Migration> }>();

  constructor(
    private readonly model: TreeModel,
    private readonly providerFor: (kind: 'azure' | 'direct') => MigrationProvider,
    private readonly config: Config,
    private readonly log: Logger,
    private readonly onUpdate: () => void,
    /** A migration this window watched has just ended (to offer the next step). */
    private readonly onEnded: (n: NodeOf<'migration'>) => void = () => undefined,
    private readonly live: LiveWatch = () => undefined,
  ) {
    super();
    this._register(config.onDidChange(() => this.scheduleFull()));
    this._register(model.onDidChange(() => {
      this.follow();
      this.onUpdate();
    }));
    this._register(model.onDidLoad(() => {
      this.follow();
      this.onUpdate();
    }));
    this._register(toDisposable(() => {
      clearInterval(this.activeTimer);
      clearInterval(this.fullTimer);
      for (const k of [...this.followed.keys()]) this.unfollow(k);
    }));
  }

  /** Subscribe to every running migration of the model that runs in this host (idempotent). */
  follow(): void {
    for (const n of this.model.migrations()) {
      const key = followKey(n.target, n.migration.name);
      if (isTerminal(n.migration) || n.migration.provider === 'azure' || this.followed.has(key)) continue;
      const target = n.target;
      const push = throttle<Migration>((m) => this.apply(target, m), LIVE_THROTTLE_MS, isTerminal);
      // The engine mutates its live object: keep a copy as it was at this change.
      const stop = this.live(target, n.migration.name, (m) => push.push(structuredClone(m)));
      if (!stop) {
        push.dispose();
        continue;
      }
      this.followed.set(key, { stop, push });
      // It may have changed (even ended) between the read the model holds and the subscription.
      void this.providerFor('direct').get(target, n.migration.name).then((m) => push.push(m), () => undefined);
    }
  }

  private unfollow(key: string): void {
    const f = this.followed.get(key);
    if (!f) return;
    this.followed.delete(key);
    f.push.dispose();
    f.stop();
  }

  /** Put a fresh read of a migration into the model; says when it has just ended. */
  private apply(target: ServerRef, m: Migration): void {
    const before = this.model.migrations().find((n) => n.target.id === target.id && n.migration.name === m.name);
    const updated = this.model.updateMigration(target, m);
    if (!isTerminal(m)) return;
    this.unfollow(followKey(target, m.name));
    if (updated && before && !isTerminal(before.migration)) this.onEnded(updated);
  }

  start(): void {
    this.activeTimer = setInterval(() => void this.pollActive(), ACTIVE_POLL_MS);
    this.activeTimer.unref?.();
    this.scheduleFull();
    // After activation, not during it: read the Direct targets' migrations (a local store) so
    // the status bar and the palette's pickers know them before the tree is expanded.
    const warm = setTimeout(() => void this.preloadDirect(), 1500);
    warm.unref?.();
    this._register(toDisposable(() => clearTimeout(warm)));
  }

  private async preloadDirect(): Promise<void> {
    const direct = this.model.get('direct');
    if (!direct) return;
    const kids = await this.model.children(direct);
    await Promise.all(kids.filter((k) => k.kind === 'connection' && k.connection.role === 'target').map((k) => this.model.children(k)));
  }

  private scheduleFull(): void {
    clearInterval(this.fullTimer);
    const ms = this.config.refreshIntervalMs;
    if (ms > 0) {
      this.fullTimer = setInterval(() => this.refreshLoaded(), ms);
      this.fullTimer.unref?.();
    }
  }

  private refreshLoaded(): void {
    for (const node of this.model.loadedTargets()) this.model.refresh(node);
  }

  /** Re-read every running migration once; overlapping ticks are skipped. */
  async pollActive(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      const running = this.model.migrations().filter((n) => !isTerminal(n.migration) && !this.followed.has(followKey(n.target, n.migration.name)));
      await Promise.all(running.map(async (n) => {
        try {
          const m = await this.providerFor(n.migration.provider === 'azure' ? 'azure' : 'direct').get(n.target, n.migration.name);
          this.apply(n.target, m);
        } catch (e) {
          this.log.debug(`Could not refresh migration ${n.migration.name}: ${e instanceof Error ? e.message : String(e)}`);
        }
      }));
    } finally {
      this.busy = false;
    }
  }
}

function followKey(target: ServerRef, name: string): string {
  return `${target.id}\n${name}`;
}
