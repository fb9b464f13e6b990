import * as vscode from 'vscode';
import { isTerminal, stateOf, type Migration, type ValidationSummaryItem } from '../../core/model';
import type { ServerRef } from '../../core/provider';
import {
  checkRef, detailsMethods, type DetailsEvents, type DetailsMethods, type DetailsSnapshot, type LatencySample,
  type MigrationRef, type RefreshInfo,
} from '../../contract/protocol';
import { RpcHost, type Handlers } from '../../contract/rpc';
import { DisposableStore } from '../lifecycle';
import { errorText, panelOptions, poster, setPanelHtml } from './panelBase';
import { RefreshSchedule } from './refreshSchedule';
import { LIVE_THROTTLE_MS } from '../model/liveWatch';
import { throttle, type Throttled } from '../model/throttle';
import type { PanelServices } from './services';

const MAX_SAMPLES = 240;
const MIN_PUSHED_SAMPLE_MS = 10_000;

function keyOf(ref: MigrationRef): string {
  return `${ref.provider}|${ref.targetId}|${ref.name}`;
}

/** One panel per migration; restorable after reload from the ref the page keeps in its state. */
export class DetailsPanel {
  static readonly viewType = 'pgflex.details';
  private static readonly open_ = new Map<string, DetailsPanel>();

  static open(services: PanelServices, ref: MigrationRef): DetailsPanel {
    const existing = DetailsPanel.open_.get(keyOf(ref));
    if (existing) {
      existing.panel.reveal();
      void existing.refreshNow();
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(DetailsPanel.viewType, ref.name, vscode.ViewColumn.Active, panelOptions(services));
    return new DetailsPanel(panel, services, ref);
  }

  /** The open panel for a migration, if any (extension-host tests drive it through `handleMessage`). */
  static find(ref: MigrationRef): DetailsPanel | undefined {
    return DetailsPanel.open_.get(keyOf(ref));
  }

  /** For the serializer: the page's saved state holds only the ref. */
  static revive(panel: vscode.WebviewPanel, services: PanelServices, state: unknown): DetailsPanel | undefined {
    let ref: MigrationRef;
    try {
      ref = checkRef((state as { ref?: unknown } | undefined)?.ref, 'state.ref');
    } catch {
      panel.dispose();
      return undefined;
    }
    DetailsPanel.open_.get(keyOf(ref))?.panel.dispose();
    return new DetailsPanel(panel, services, ref);
  }

  private readonly disposables = new DisposableStore();
  private readonly rpc: RpcHost<DetailsMethods, DetailsEvents>;
  private readonly schedule: RefreshSchedule;
  private readonly latency = new Map<string, LatencySample[]>();
  private migration: Migration | undefined;
  private target: ServerRef | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private disposed = false;
  /** Pushed changes of a migration running in this window (the timer stays for the others). */
  private live: { stop: () => void; push: Throttled<Migration> } | undefined;
  /** A change arrived while the panel was hidden: refresh when it shows again. */
  private stale = false;

  private constructor(readonly panel: vscode.WebviewPanel, private readonly services: PanelServices, readonly ref: MigrationRef) {
    DetailsPanel.open_.set(keyOf(ref), this);
    panel.title = ref.name;
    this.schedule = new RefreshSchedule(services.refreshIntervalSeconds());
    this.rpc = new RpcHost(detailsMethods, this.handlers(), poster(panel), (why) => services.log.warn(`Details: ignored a malformed message (${why}).`));
    this.disposables.add(panel.webview.onDidReceiveMessage((m) => void this.rpc.receive(m)));
    this.disposables.add(panel.onDidDispose(() => this.dispose()));
    this.disposables.add(panel.onDidChangeViewState(() => {
      if (!panel.visible) this.stopTimer();
      else if (this.stale) void this.refreshNow();
    }));
    setPanelHtml(panel, services, 'detailsMain', ref.name);
  }

  /** Handle one message as if the page had posted it; resolves to the response sent back. */
  handleMessage(raw: unknown) {
    return this.rpc.receive(raw);
  }

  private dispose(): void {
    this.disposed = true;
    this.stopTimer();
    this.unfollow();
    if (DetailsPanel.open_.get(keyOf(this.ref)) === this) DetailsPanel.open_.delete(keyOf(this.ref));
    this.disposables.dispose();
  }

  private stopTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Follow the migration while it runs in this window; every pushed change refreshes the page. */
  private follow(target: ServerRef, m: Migration): void {
    if (this.live || this.disposed || isTerminal(m) || !this.services.watch || this.ref.provider !== 'direct') return;
    const push = throttle<Migration>(() => {
      if (!this.panel.visible) {
        this.stale = true;
        return;
      }
      void this.refreshNow(true);
    }, LIVE_THROTTLE_MS, isTerminal);
    const stop = this.services.watch(target, this.ref.name, (x) => push.push(x));
    if (!stop) {
      push.dispose();
      return;
    }
    this.live = { stop, push };
  }

  private unfollow(): void {
    this.live?.push.dispose();
    this.live?.stop();
    this.live = undefined;
  }

  private async resolve(): Promise<{ provider: NonNullable<ReturnType<PanelServices['provider']>>; target: ServerRef }> {
    const provider = this.services.provider(this.ref.provider);
    if (!provider) throw new Error(this.ref.provider === 'azure' ? 'Sign in to Azure to see this migration.' : 'The direct engine is not available.');
    this.target ??= await this.services.resolveTarget(this.ref);
    if (!this.target) throw new Error(`The target server of "${this.ref.name}" is no longer in the Migrations view; add its connection again to see this migration.`);
    return { provider, target: this.target };
  }

  private async fetch(pushed = false): Promise<DetailsSnapshot> {
    const { provider, target } = await this.resolve();
    const m = await provider.get(target, this.ref.name);
    this.stale = false;
    if (isTerminal(m)) this.unfollow();
    else this.follow(target, m);
    const now = Date.now();
    for (const [db, st] of Object.entries(m.currentStatus?.currentSubStateDetails?.dbDetails ?? {})) {
      if (m.migrationMode !== 'Online' || st.latency === undefined) continue;
      const list = this.latency.get(db) ?? [];
      // Pushes come every second or so: keep the sparkline's span near what polling gives.
      if (pushed && now - (list.at(-1)?.at ?? 0) < MIN_PUSHED_SAMPLE_MS) continue;
      list.push({ at: now, seconds: st.latency, ...(st.appliedChanges !== undefined ? { applied: st.appliedChanges } : {}) });
      if (list.length > MAX_SAMPLES) list.splice(0, list.length - MAX_SAMPLES);
      this.latency.set(db, list);
    }
    this.migration = m;
    // The direct engine ANALYZEs every table before it reports Succeeded; the Azure service does not.
    const analyzed = this.ref.provider === 'direct' && stateOf(m) === 'Succeeded';
    const thresholds = this.services.latencyThresholds?.();
    return { migration: m, fetchedAt: now, latency: Object.fromEntries(this.latency), analyzed, ...(thresholds ? { thresholds } : {}) };
  }

  /** Fetch, push to the page, and plan the next automatic refresh. */
  async refreshNow(pushed = false): Promise<void> {
    this.stopTimer();
    const before = JSON.stringify(this.migration?.currentStatus ?? null);
    let info: RefreshInfo = {};
    let ok = true;
    try {
      const snap = await this.fetch(pushed);
      if (this.disposed) return;
      this.rpc.emit('snapshot', snap);
    } catch (e) {
      ok = false;
      info = { error: errorText(e) };
    }
    this.plan(ok, JSON.stringify(this.migration?.currentStatus ?? null) !== before, info);
  }

  private plan(ok: boolean, changed: boolean, info: RefreshInfo): RefreshInfo {
    if (this.disposed) return info;
    const terminal = this.migration ? isTerminal(this.migration) : false;
    const next = this.schedule.next({ ok, changed, terminal, visible: this.panel.visible });
    const out: RefreshInfo = { ...info };
    if (next !== undefined) {
      out.nextInSeconds = next;
      this.timer = setTimeout(() => void this.refreshNow(), next * 1000);
    } else if (this.services.refreshIntervalSeconds() <= 0) {
      out.note = 'Automatic refresh is off (setting).';
    } else if (terminal) {
      out.note = `Automatic refresh stopped: the migration is ${stateOf(this.migration!)}.`;
    }
    this.rpc.emit('refresh', out);
    return out;
  }

  private findFix(fixId: string): NonNullable<ValidationSummaryItem['fix']> | undefined {
    const v = this.migration?.currentStatus?.currentSubStateDetails?.validationDetails;
    const items = [...(v?.serverLevelValidationDetails ?? []), ...(v?.dbLevelValidationDetails ?? []).flatMap((d) => d.summary)];
    return items.map((i) => i.fix).find((f) => f?.id === fixId);
  }

  private handlers(): Handlers<DetailsMethods> {
    const s = this.services;
    return {
      ready: async () => {
        this.schedule.reset();
        try {
          const snapshot = await this.fetch();
          const refresh = this.plan(true, true, {});
          return { ref: this.ref, snapshot, refresh };
        } catch (e) {
          return { ref: this.ref, refresh: this.plan(false, false, {}), error: errorText(e) };
        }
      },
      refresh: async () => {
        this.schedule.reset();
        this.stopTimer();
        const snap = await this.fetch();
        this.plan(true, true, {});
        return snap;
      },
      cutover: async ({ databases, confirmed }) => {
        if (!confirmed) throw new Error('Confirm that writes to the source are stopped before cutting over.');
        const { provider, target } = await this.resolve();
        s.log.info(`Details: cutover of "${this.ref.name}"${databases?.length ? ` (${databases.join(', ')})` : ''}.`);
        await provider.cutover(target, this.ref.name, databases);
        void this.refreshNow();
        return { message: 'Cutover requested. The migration completes once the remaining changes are applied.' };
      },
      cancel: async ({ confirmed, databases }) => {
        if (!confirmed) throw new Error('Confirm the cancellation first.');
        if (this.migration && isTerminal(this.migration)) throw new Error(`"${this.ref.name}" has already ended (${stateOf(this.migration)}); there is nothing to cancel.`);
        const { provider, target } = await this.resolve();
        s.log.info(`Details: cancel of "${this.ref.name}"${databases?.length ? ` (${databases.join(', ')})` : ''}.`);
        await provider.cancel(target, this.ref.name, databases);
        void this.refreshNow();
        return { message: 'Cancel requested. Databases already created on the target stay there: drop them when you no longer need them.' };
      },
      applyFix: async ({ fixId }) => {
        const fix = this.findFix(fixId);
        if (!fix) throw new Error('That fix is no longer offered; refresh the page.');
        if (!s.applyFix) throw new Error('This provider cannot apply fixes; follow the corrective action instead.');
        s.log.info(`Details: applying fix "${fix.title}" for "${this.ref.name}".`);
        const message = await s.applyFix(this.ref, fix);
        return { message };
      },
      copyJson: async () => {
        if (!this.migration) throw new Error('The migration has not loaded yet.');
        await vscode.env.clipboard.writeText(JSON.stringify(this.migration, null, 2));
        return { message: 'Copied the migration as JSON.' };
      },
      retry: async () => {
        if (!s.retry) throw new Error('Retry is offered for direct migrations only.');
        await s.retry(this.ref);
        void this.refreshNow();
        return { message: 'Retrying the tables that failed.' };
      },
      restartInWizard: async () => {
        if (!this.migration) throw new Error('The migration has not loaded yet.');
        await s.panels.openWizard({ provider: this.ref.provider, from: this.migration, targetServer: this.target });
        return {};
      },
      openInTree: async () => {
        await s.revealInTree(this.ref);
        return {};
      },
      openTarget: async () => {
        if (!s.openTarget || !this.migration) throw new Error('Opening the target needs the PostgreSQL extension (ms-ossdata.vscode-pgsql).');
        await s.openTarget(this.ref, this.migration);
        return {};
      },
    };
  }
}
