/**
 * The status bar's state, derived from the migrations we know about: while any online
 * migration waits for cutover, show its worst database latency. Pure (no 'vscode').
 */
import { causeLine, rankedCauses } from '../../core/causes';
import { formatLatency } from '../../core/format';
import type { LatencyCause, Migration } from '../../core/model';
import { isOnline, isWaitingForCutover } from './migrationPresentation';

export type LatencyLevel = 'ok' | 'warning' | 'error';

export interface LatencyThresholds {
  warningSeconds: number;
  errorSeconds: number;
}

/** A migration together with the target it lives on (the details page needs both). */
export interface KnownMigration<Ref = unknown> {
  migration: Migration;
  target: Ref;
}

export interface LatencyStatus<Ref = unknown> {
  visible: boolean;
  text: string;
  level: LatencyLevel;
  /** Markdown: one line per database waiting for cutover. */
  tooltip: string;
  /** The migration the click opens (its details). */
  open?: KnownMigration<Ref>;
}

export const HIDDEN: LatencyStatus<never> = { visible: false, text: '', level: 'ok', tooltip: '' };

export function levelOf(seconds: number | undefined, t: LatencyThresholds): LatencyLevel {
  if (seconds === undefined || !Number.isFinite(seconds)) return 'warning';
  if (seconds >= t.errorSeconds) return 'error';
  if (seconds >= t.warningSeconds) return 'warning';
  return 'ok';
}

/** Theme colours for the item's background, as VS Code allows them for status bar items. */
export const LEVEL_BACKGROUND: Record<LatencyLevel, string | undefined> = {
  ok: undefined,
  warning: 'statusBarItem.warningBackground',
  error: 'statusBarItem.errorBackground',
};

export function latencyStatus<Ref>(known: KnownMigration<Ref>[], t: LatencyThresholds): LatencyStatus<Ref> {
  interface Row { k: KnownMigration<Ref>; db: string; latency: number | undefined; cause?: LatencyCause }
  const rows: Row[] = [];
  for (const k of known) {
    if (!isOnline(k.migration) || !isWaitingForCutover(k.migration)) continue;
    const details = k.migration.currentStatus?.currentSubStateDetails?.dbDetails ?? {};
    const names = Object.keys(details).length ? Object.keys(details) : (k.migration.dbsToMigrate ?? []);
    for (const db of names) rows.push({ k, db, latency: details[db]?.latency, cause: rankedCauses(details[db])[0] });
  }
  if (rows.length === 0) return HIDDEN;
  // Unknown latency counts as worst: it is what the user must look at first.
  const rank = (r: Row) => (r.latency === undefined ? Number.POSITIVE_INFINITY : r.latency);
  const worst = rows.reduce((a, b) => (rank(b) > rank(a) ? b : a));
  const level = levelOf(worst.latency, t);
  const several = new Set(rows.map((r) => r.k.migration.name)).size > 1;
  const tooltip = [
    `**Online migration${several ? 's' : ''} waiting for cutover**`,
    '',
    ...rows.map((r) => `- ${several ? `${esc(r.k.migration.name)} / ` : ''}${esc(r.db)}: ${formatLatency(r.latency)}${levelOf(r.latency, t) === 'ok' ? '' : ` (${levelOf(r.latency, t)})`}${r.cause ? ` — ${esc(causeLine(r.cause))}` : ''}`),
    '',
    'Click to open the details and cut over.',
  ].join('\n');
  return {
    visible: true,
    text: `$(sync) ${worst.db} ${formatLatency(worst.latency)}`,
    level,
    tooltip,
    open: worst.k,
  };
}

function esc(s: string): string {
  return s.replace(/[\\`*_[\]<>]/g, (c) => `\\${c}`);
}
