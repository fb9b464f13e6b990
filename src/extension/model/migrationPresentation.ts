/**
 * How a migration looks in the tree: icon, colour, contextValue (which drives the menus'
 * `when` clauses), description and tooltip. Pure, so it is tested in plain Node.
 */
import { causeLine, rankedCauses } from '../../core/causes';
import { formatDuration, formatLatency } from '../../core/format';
import { stateOf, substateOf, type Migration } from '../../core/model';

/** The state part of a migration's contextValue. */
export type StateKey =
  | 'inProgress'
  | 'waitingForCutover'
  | 'waitingForUser'
  | 'succeeded'
  | 'failed'
  | 'validationFailed'
  | 'canceled'
  | 'cleaningUp'
  | 'unknown';

export function stateKey(m: Migration): StateKey {
  const state = stateOf(m);
  switch (state) {
    case 'InProgress':
      return 'inProgress';
    case 'WaitingForUserAction':
      return isWaitingForCutover(m) ? 'waitingForCutover' : 'waitingForUser';
    case 'Succeeded':
      return 'succeeded';
    case 'Failed':
      return 'failed';
    case 'ValidationFailed':
      return 'validationFailed';
    case 'Canceled':
      return 'canceled';
    case 'CleaningUp':
      return 'cleaningUp';
    default:
      return 'unknown';
  }
}

export function isWaitingForCutover(m: Migration): boolean {
  if (stateOf(m) !== 'WaitingForUserAction' && stateOf(m) !== 'InProgress') return false;
  if (substateOf(m) === 'WaitingForCutoverTrigger') return true;
  const dbs = Object.values(m.currentStatus?.currentSubStateDetails?.dbDetails ?? {});
  return stateOf(m) === 'WaitingForUserAction' && dbs.some((d) => d.migrationState === 'WaitingForCutoverTrigger');
}

export function isOnline(m: Migration): boolean {
  return (m.migrationMode ?? '').toLowerCase() === 'online';
}

/** e.g. `migration.direct.online.waitingForCutover`; menus match it with regular expressions. */
export function migrationContextValue(m: Migration): string {
  return `migration.${m.provider ?? 'azure'}.${isOnline(m) ? 'online' : 'offline'}.${stateKey(m)}`;
}

export interface StateLook {
  /** Codicon id (ThemeIcon). */
  icon: string;
  /** Theme colour id (ThemeColor), if any. */
  color?: string;
  label: string;
}

const LOOKS: Record<StateKey, StateLook> = {
  inProgress: { icon: 'sync~spin', color: 'charts.blue', label: 'In progress' },
  waitingForCutover: { icon: 'debug-pause', color: 'charts.yellow', label: 'Waiting for cutover' },
  waitingForUser: { icon: 'bell', color: 'charts.yellow', label: 'Waiting for you' },
  succeeded: { icon: 'pass', color: 'testing.iconPassed', label: 'Succeeded' },
  failed: { icon: 'error', color: 'testing.iconFailed', label: 'Failed' },
  validationFailed: { icon: 'warning', color: 'testing.iconFailed', label: 'Validation failed' },
  canceled: { icon: 'circle-slash', color: 'disabledForeground', label: 'Canceled' },
  cleaningUp: { icon: 'loading~spin', color: 'charts.orange', label: 'Cleaning up' },
  unknown: { icon: 'question', label: 'Unknown' },
};

export function stateLook(m: Migration): StateLook {
  return LOOKS[stateKey(m)];
}

export function databasesOf(m: Migration): string[] {
  if (m.dbsToMigrate?.length) return m.dbsToMigrate;
  return Object.keys(m.currentStatus?.currentSubStateDetails?.dbDetails ?? {});
}

/** Start time: ours, else the earliest database start. */
export function startedOn(m: Migration): string | undefined {
  if (m.startedOn) return m.startedOn;
  const starts = Object.values(m.currentStatus?.currentSubStateDetails?.dbDetails ?? {})
    .map((d) => d.startedOn)
    .filter((s): s is string => !!s)
    .sort();
  return starts[0];
}

export function durationMs(m: Migration, now: number): number | undefined {
  const start = startedOn(m);
  if (!start) return undefined;
  const end = m.endedOn ? Date.parse(m.endedOn) : now;
  const ms = end - Date.parse(start);
  return Number.isFinite(ms) && ms >= 0 ? ms : undefined;
}

/** One line next to the name: `Online · orders, billing · 3m 12s`. */
export function migrationDescription(m: Migration, now: number): string {
  const parts = [stateLook(m).label, isOnline(m) ? 'Online' : 'Offline'];
  const dbs = databasesOf(m);
  if (dbs.length) parts.push(dbs.length > 3 ? `${dbs.slice(0, 3).join(', ')} +${dbs.length - 3}` : dbs.join(', '));
  const d = durationMs(m, now);
  if (d !== undefined) parts.push(formatDuration(d));
  return parts.join(' · ');
}

/** Markdown for the hover. Names come from servers, so they are escaped. */
export function migrationTooltip(m: Migration, now: number): string {
  const head = [`**${md(m.name)}** — ${stateLook(m).label}${substateOf(m) ? ` (${md(substateOf(m))})` : ''}`];
  head.push(`Mode: ${md(m.migrationMode ?? 'Offline')} · Option: ${md(m.migrationOption ?? 'Migrate')}`);
  if (m.sourceDbServerFullyQualifiedDomainName) head.push(`Source: ${md(m.sourceDbServerFullyQualifiedDomainName)}`);
  const start = startedOn(m);
  if (start) head.push(`Started: ${new Date(start).toISOString().replace('T', ' ').slice(0, 19)} UTC`);
  const d = durationMs(m, now);
  if (d !== undefined) head.push(`Duration: ${formatDuration(d)}`);
  // Two trailing spaces: a Markdown line break inside one paragraph.
  const blocks = [head.join('  \n')];
  const details = m.currentStatus?.currentSubStateDetails?.dbDetails ?? {};
  const dbs = databasesOf(m);
  if (dbs.length) {
    const rows = ['| Database | State | Tables | Latency |', '|---|---|---|---|'];
    for (const name of dbs) {
      const x = details[name] ?? {};
      const done = x.fullLoadCompletedTables ?? 0;
      const total = done + (x.fullLoadQueuedTables ?? 0) + (x.fullLoadLoadingTables ?? 0) + (x.fullLoadErroredTables ?? 0);
      rows.push(`| ${md(name)} | ${md(x.migrationState ?? '')} | ${total ? `${done}/${total}` : ''} | ${x.latency !== undefined ? formatLatency(x.latency) : ''} |`);
    }
    blocks.push(rows.join('\n'));
    const causes = dbs.flatMap((name) => rankedCauses(details[name]).map((c) => `- ${md(name)}: ${md(causeLine(c))}`));
    if (causes.length) blocks.push(['Why the latency:', ...causes].join('\n'));
  }
  if (m.currentStatus?.error) blocks.push(`Error: ${md(m.currentStatus.error)}`);
  return blocks.join('\n\n');
}

function md(s: string): string {
  return s.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, (c) => `\\${c}`);
}

/** Newest first; migrations without a start time last, by name. */
export function newestFirst(a: Migration, b: Migration): number {
  const sa = startedOn(a) ?? '';
  const sb = startedOn(b) ?? '';
  if (sa !== sb) return sa < sb ? 1 : -1;
  return a.name.localeCompare(b.name);
}
