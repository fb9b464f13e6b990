import { isTerminal } from '../core/model';
import type { MigrationProvider } from '../core/provider';
import { Disposable, toDisposable } from './lifecycle';
import type { Config } from './config';
import type { Logger } from './logger';
import type { NodeOf, TreeModel } from './model/treeModel';

/** How often migrations that are still running are re-read (the status bar's latency). */
const ACTIVE_POLL_MS = 10_000;

/**
 * Keeps the model fresh: running migrations are re-read every few seconds (one `get` each),
 * and every loaded level is reloaded at `pgflex.refreshInterval`. Starts after activation.
 */
export class MigrationWatcher extends Disposable {
  private activeTimer: NodeJS.Timeout | undefined;
  private fullTimer: NodeJS.Timeout | undefined;
  private busy = false;

  constructor(
    private readonly model: TreeModel,
    private readonly providerFor: (kind: 'azure' | 'direct') => MigrationProvider,
    private readonly config: Config,
    private readonly log: Logger,
    private readonly onUpdate: () => void,
    /** A migration this window watched has just ended (to offer the next step). */
    private readonly onEnded: (n: NodeOf<'migration'>) => void = () => undefined,
  ) {
    super();
    this._register(config.onDidChange(() => this.scheduleFull()));
    this._register(model.onDidChange(() => this.onUpdate()));
    this._register(toDisposable(() => {
      clearInterval(this.activeTimer);
      clearInterval(this.fullTimer);
    }));
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
      const running = this.model.migrations().filter((n) => !isTerminal(n.migration));
      await Promise.all(running.map(async (n) => {
        try {
          const m = await this.providerFor(n.migration.provider === 'azure' ? 'azure' : 'direct').get(n.target, n.migration.name);
          const updated = this.model.updateMigration(n.target, m);
          if (updated && isTerminal(m)) this.onEnded(updated);
        } catch (e) {
          this.log.debug(`Could not refresh migration ${n.migration.name}: ${e instanceof Error ? e.message : String(e)}`);
        }
      }));
    } finally {
      this.busy = false;
    }
  }
}
