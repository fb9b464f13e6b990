/** How `pgflex azure …` prints a migration of the service: one line, or a block per database. */
import { migrationDeadlines } from '../azure/limits';
import { formatLatency } from '../core/format';
import type { Migration } from '../core/model';
import { formatValidationText } from '../core/rules/report';
import { exitCodeForState, EXIT } from './exitCodes';

export function line(m: Migration): string {
  const st = m.currentStatus;
  const dbs = Object.values(st?.currentSubStateDetails?.dbDetails ?? {});
  const lat = dbs.map((d) => d.latency).filter((x): x is number => typeof x === 'number');
  return [
    m.name,
    st?.state ?? 'Unknown',
    st?.currentSubStateDetails?.currentSubState ?? '',
    m.migrationMode ?? '',
    (m.dbsToMigrate ?? []).join(','),
    lat.length ? `latency ${formatLatency(Math.max(...lat))}` : '',
    st?.error ? `error: ${st.error}` : '',
  ].filter(Boolean).join('  ');
}

/** The line, each database, the service's deadlines and, once it ran, the validation report. */
export function details(m: Migration): string {
  const out = [line(m)];
  for (const [db, d] of Object.entries(m.currentStatus?.currentSubStateDetails?.dbDetails ?? {})) {
    out.push(`  ${db}: ${d.migrationState ?? ''} tables ${d.fullLoadCompletedTables ?? 0} done, ${d.fullLoadLoadingTables ?? 0} loading, ${d.fullLoadQueuedTables ?? 0} queued, ${d.fullLoadErroredTables ?? 0} errored${d.latency !== undefined ? `, latency ${formatLatency(d.latency)}` : ''}${d.message ? `; ${d.message}` : ''}`);
  }
  const dl = migrationDeadlines(m);
  if (dl.cutover) out.push(`  cut over before ${dl.cutover.at} (the service's 72-hour window)`);
  if (dl.lifetime) out.push(`  the service ends it at ${dl.lifetime.at} (7-day lifetime)`);
  const v = m.currentStatus?.currentSubStateDetails?.validationDetails;
  if (v) out.push(formatValidationText(v));
  return out.join('\n');
}

/** A migration still running is not a failure of the command. */
export function stateExit(m: Migration): number {
  const s = m.currentStatus?.state;
  return s === 'Succeeded' || s === 'Failed' || s === 'ValidationFailed' || s === 'Canceled' || s === 'WaitingForUserAction' ? exitCodeForState(s) : EXIT.succeeded;
}

/** How `--wait` polls an Azure migration. */
export interface WaitOptions {
  wait: boolean;
  timeoutS: number;
  intervalS: number;
}
