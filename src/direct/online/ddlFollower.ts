import type pg from 'pg';
import type { LatencyCause } from '../../core/model';
import { connect } from '../../pg/connection';
import { changesTables, queuedSince, refreshSubscription, refusedDdl, tablesSyncing } from './ddlApply';
import { monitorApp, nameOf, sourceConn, targetConn, type OnlineDb } from './replicationObjects';

export interface DdlReport {
  /** Statements not replicated (named with the reason), newest last; cumulative. */
  warnings: string[];
  /** Set while a statement the target refuses holds the stream. */
  refused?: LatencyCause;
}

/**
 * The watcher's side of replicated DDL for one database: after the target applied a statement
 * that creates or drops tables, the subscription is refreshed (it cannot be from inside the
 * apply worker); statements that were not replicated become warnings; when the stream stops,
 * the statement the target refuses is named with the target's error.
 */
export class DdlFollower {
  private source?: pg.Client;
  private target?: pg.Client;
  private applied = 0;
  private warned = 0;
  private needRefresh = false;
  private readonly warnings: string[] = [];
  private probedAt = 0;
  private refused?: LatencyCause;

  constructor(readonly db: OnlineDb) {}

  private async clients(): Promise<{ source: pg.Client; target: pg.Client }> {
    this.target ??= await connect(targetConn(this.db, monitorApp(this.db)));
    this.source ??= await connect(sourceConn(this.db, monitorApp(this.db)));
    return { source: this.source, target: this.target };
  }

  /** One step; `stalled`: the stream shows apply errors or no apply worker. */
  async tick(stalled: boolean): Promise<DdlReport> {
    const name = nameOf(this.db);
    try {
      const { source, target } = await this.clients();
      for (;;) {
        const rows = await queuedSince(target, name, this.applied);
        if (!rows.length) break;
        for (const q of rows) {
          if (changesTables(q)) this.needRefresh = true;
          if (q.note !== undefined) this.warnings.push(`Schema change not replicated: ${q.ddl.trim()} (${q.note}).`);
        }
        this.applied = rows[rows.length - 1].id;
      }
      // Statements the source did not queue for the target are warned about at once.
      for (const q of await queuedSince(source, name, this.warned)) {
        this.warned = q.id;
        if (q.note !== undefined && q.id > this.applied) this.warnings.push(`Schema change not replicated: ${q.ddl.trim()} (${q.note}).`);
      }
      if (this.needRefresh) {
        // Fails while a table the publication already holds is not yet created here: next tick.
        await refreshSubscription(target, name).then(() => (this.needRefresh = false), () => undefined);
      }
      if (!stalled) this.refused = undefined;
      else if (Date.now() - this.probedAt >= 5000) {
        this.probedAt = Date.now();
        this.refused = await refusedDdl(source, target, name, this.applied);
      }
    } catch {
      await this.close();
    }
    return { warnings: [...new Set(this.warnings)], refused: this.refused };
  }

  async close(): Promise<void> {
    await Promise.all([this.source, this.target].map((c) => c?.end().catch(() => undefined)));
    this.source = undefined;
    this.target = undefined;
  }
}

/**
 * At cutover, once the target has applied everything: tables created since the last refresh
 * join the subscription and are copied, and every table has caught up ('r'eady).
 */
export async function syncCreatedTables(target: pg.Client, name: string, nudge: () => Promise<void>, timeoutMs: number): Promise<void> {
  await refreshSubscription(target, name);
  const until = Date.now() + timeoutMs;
  for (;;) {
    const left = await tablesSyncing(target, name);
    if (!left.length) return;
    if (Date.now() > until) throw new Error(`the tables ${left.join(', ')}, created on the source while streaming, are still being copied to the target`);
    // A table leaves 'syncdone' for 'ready' when the apply worker passes its position: give it something to pass.
    await nudge();
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
