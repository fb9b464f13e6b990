/**
 * The cutover confirmation's content and rules, apart from the QuickPick that shows them:
 * one row per database waiting for cutover with its latency, and the explicit
 * "writes to the source are stopped" confirmation the user must tick.
 */
import { formatLatency } from '../../core/format';
import type { Migration } from '../../core/model';
import { levelOf, type LatencyThresholds } from './latencyStatus';

export const CONFIRM_LABEL = 'Writes to the source are stopped';

export interface CutoverRow {
  database: string;
  latency?: number;
  /** Shown next to the name. */
  description: string;
  /** A warning line when the latency is not near zero. */
  warning?: string;
}

export function cutoverRows(m: Migration, t: LatencyThresholds): CutoverRow[] {
  const details = m.currentStatus?.currentSubStateDetails?.dbDetails ?? {};
  const names = Object.keys(details).length ? Object.keys(details) : (m.dbsToMigrate ?? []);
  return names
    .filter((db) => !details[db]?.migrationState || details[db]?.migrationState === 'WaitingForCutoverTrigger')
    .map((database) => {
      const latency = details[database]?.latency;
      const level = levelOf(latency, t);
      return {
        database,
        latency,
        description: `latency ${formatLatency(latency)}`,
        warning: level === 'ok'
          ? undefined
          : latency === undefined
            ? 'Latency not known yet: the target may still be catching up.'
            : `The target trails the source by ${formatLatency(latency)}; cutover waits until it has caught up.`,
      };
    });
}

export type CutoverDecision =
  | { ok: true; databases: string[] | undefined; warnings: string[] }
  | { ok: false; reason: string };

/**
 * What the user's ticks mean. `databases` is undefined when every waiting database is
 * chosen (cut over the whole migration), else the subset.
 */
export function decideCutover(rows: CutoverRow[], picked: string[], confirmed: boolean): CutoverDecision {
  if (!confirmed) {
    return { ok: false, reason: `Cutover needs your confirmation: tick "${CONFIRM_LABEL}" once the applications no longer write to the source.` };
  }
  const chosen = rows.filter((r) => picked.includes(r.database));
  if (!chosen.length) return { ok: false, reason: 'Choose at least one database to cut over.' };
  const warnings = chosen.filter((r) => r.warning).map((r) => `${r.database}: ${r.warning}`);
  return { ok: true, databases: chosen.length === rows.length ? undefined : chosen.map((r) => r.database), warnings };
}
