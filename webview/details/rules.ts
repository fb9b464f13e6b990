/** What the details page offers and warns about, from the migration alone. Pure. */
import { isTerminal, stateOf, substateOf, type Migration, type ValidationSummaryItem } from '../../src/core/model';
import type { ProviderKind } from '../../src/contract/protocol';
import { formatBytes, formatDuration, formatLatency } from '../../src/core/format';

/** Latency (seconds) under which cutover is "near zero", as the portal advises. */
export const NEAR_ZERO_SECONDS = 5;
export const AZURE_LIFETIME_HOURS = 7 * 24;
export const AZURE_CUTOVER_WINDOW_HOURS = 72;

export interface Actions {
  cutover: boolean;
  cancel: boolean;
  retry: boolean;
  openTarget: boolean;
}

export function dbEntries(m: Migration) {
  return Object.entries(m.currentStatus?.currentSubStateDetails?.dbDetails ?? {}).map(([name, st]) => ({ name: st.databaseName ?? name, st }));
}

export function waitingForCutover(m: Migration): boolean {
  if (isTerminal(m)) return false;
  return substateOf(m) === 'WaitingForCutoverTrigger' || dbEntries(m).some((d) => d.st.migrationState === 'WaitingForCutoverTrigger');
}

export function availableActions(m: Migration, provider: ProviderKind): Actions {
  return {
    cutover: m.migrationMode === 'Online' && waitingForCutover(m),
    cancel: !isTerminal(m) && stateOf(m) !== 'CleaningUp',
    retry: provider === 'direct' && stateOf(m) === 'Failed',
    openTarget: stateOf(m) === 'Succeeded',
  };
}

export interface CutoverRow { name: string; latency: number | undefined; nearZero: boolean; waiting: boolean }

export function cutoverRows(m: Migration): CutoverRow[] {
  return dbEntries(m).map(({ name, st }) => ({
    name,
    latency: st.latency,
    nearZero: st.latency !== undefined && st.latency <= NEAR_ZERO_SECONDS,
    waiting: st.migrationState === 'WaitingForCutoverTrigger',
  }));
}

/** The databases to cut over: those waiting for it (all of them when none says so per database). */
export function cutoverDatabases(m: Migration): string[] {
  const rows = cutoverRows(m);
  const waiting = rows.filter((r) => r.waiting).map((r) => r.name);
  return waiting.length ? waiting : rows.map((r) => r.name);
}

export function cutoverWarning(m: Migration): string | undefined {
  const rows = cutoverRows(m);
  const considered = rows.some((r) => r.waiting) ? rows.filter((r) => r.waiting) : rows;
  const behind = considered.filter((r) => !r.nearZero);
  if (!behind.length) return undefined;
  return `${behind.map((r) => r.name).join(', ')} ${behind.length === 1 ? 'is' : 'are'} not caught up (latency not near zero). ` +
    'Stop writes to the source and wait until the latency is near zero, or changes made since then may be lost on the target.';
}

/** One line of the cutover dialog's readiness list: `ok` false is something to deal with first. */
export interface ReadinessItem { ok: boolean; text: string }

/**
 * Before the user confirms: has each database's latency been at zero (and for how long), is a
 * transaction open on the source that the cutover would cut off, and what the cutover will still
 * copy (unlogged tables, large objects). Only what the migration reports (direct engine).
 */
export function cutoverReadiness(m: Migration, now: number): ReadinessItem[] {
  const out: ReadinessItem[] = [];
  for (const { name, st } of dbEntries(m).filter((d) => cutoverDatabases(m).includes(d.name))) {
    if (st.caughtUpSince) {
      out.push({ ok: true, text: `${name}: latency at zero for ${formatDuration(Math.max(0, now - Date.parse(st.caughtUpSince)))}.` });
    } else if (st.latency !== undefined) {
      out.push({ ok: false, text: `${name}: not caught up (latency ${formatLatency(st.latency)}).` });
    }
    for (const c of st.latencyCauses ?? []) {
      if (c.kind === 'long-transaction') out.push({ ok: false, text: `${name}: ${c.summary} Changes it commits after the cutover are lost: end it or let it finish first${c.command ? ` (${c.command}; on the source)` : ''}.` });
    }
    const copies = st.cutoverCopies;
    if (copies && (copies.unloggedTables || copies.largeObjects)) {
      const parts = [
        copies.unloggedTables ? `${copies.unloggedTables} unlogged table${copies.unloggedTables === 1 ? '' : 's'} (${formatBytes(copies.unloggedBytes)})` : '',
        copies.largeObjects ? `${copies.largeObjects.toLocaleString('en-US')} large object${copies.largeObjects === 1 ? '' : 's'} (${formatBytes(copies.largeObjectBytes)})` : '',
      ].filter(Boolean);
      out.push({ ok: true, text: `${name}: the cutover will copy ${parts.join(' and ')} again, while writes are stopped.` });
    } else if (copies) {
      out.push({ ok: true, text: `${name}: nothing to copy again at cutover (no unlogged tables, no large objects).` });
    }
  }
  return out;
}

export interface RuleRow { scope: string; item: ValidationSummaryItem }

export function validationRows(m: Migration): RuleRow[] {
  const v = m.currentStatus?.currentSubStateDetails?.validationDetails;
  return [
    ...(v?.serverLevelValidationDetails ?? []).map((item) => ({ scope: 'Server', item })),
    ...(v?.dbLevelValidationDetails ?? []).flatMap((d) => d.summary.map((item) => ({ scope: d.databaseName, item }))),
  ];
}

export interface ChecklistItem { done: boolean; text: string }

function rolesChecklist(m: Migration, provider: ProviderKind): ChecklistItem[] {
  if (provider === 'azure') return [{ done: false, text: 'Check roles and grants on the target: the service migrates roles, but passwords of non-admin roles are not copied; reset them.' }];
  if (!m.roles) return [{ done: false, text: 'Create the application roles on the target and grant them (this migration did not migrate roles; owners and grants were not copied).' }];
  const created = m.roles.created.length ? `Roles created on the target: ${m.roles.created.join(', ')}.` : 'Every role the databases use already existed on the target.';
  return [{ done: true, text: `${created} Owners and grants were kept.` }, ...m.roles.warnings.map((text) => ({ done: false, text }))];
}

export function postMigrationChecklist(m: Migration, provider: ProviderKind, analyzed: boolean | undefined): ChecklistItem[] {
  const dbs = (m.dbsToMigrate ?? dbEntries(m).map((d) => d.name)).join(', ');
  return [
    analyzed
      ? { done: true, text: `ANALYZE ran on the target databases (${dbs}).` }
      : { done: false, text: `Run ANALYZE on each migrated database (${dbs}) so the planner has statistics.` },
    ...rolesChecklist(m, provider),
    { done: false, text: 'Point connection strings (applications, jobs, BI tools) at the target server.' },
    { done: false, text: 'Check extensions and server parameters on the target match what the applications need.' },
    ...(m.migrationMode === 'Online' ? [{ done: false, text: 'Confirm the replication slot and publication on the source are gone (cutover removes them).' }] : []),
    { done: false, text: 'Keep the source until the applications have run on the target for a while, then decommission it.' },
  ];
}

/** Azure's limits as dates, when the migration started. */
export function azureLimits(m: Migration): { lifetimeEnds?: string; text: string } {
  const text = `Azure limits: a migration runs at most 7 days; an online migration must be cut over within ${AZURE_CUTOVER_WINDOW_HOURS} hours after the initial copy.`;
  if (!m.startedOn) return { text };
  const t = Date.parse(m.startedOn);
  if (!Number.isFinite(t)) return { text };
  return { text, lifetimeEnds: new Date(t + AZURE_LIFETIME_HOURS * 3600_000).toISOString() };
}

export function utc(iso: string | undefined): string {
  if (!iso) return '';
  const t = Date.parse(iso);
  return Number.isFinite(t) ? `${new Date(t).toISOString().slice(0, 19).replace('T', ' ')} UTC` : iso;
}

export function stateTone(state: string): 'ok' | 'warn' | 'err' | 'info' {
  if (state === 'Succeeded') return 'ok';
  if (state === 'Failed' || state === 'ValidationFailed') return 'err';
  if (state === 'Warning' || state === 'WaitingForUserAction' || state === 'WaitingForCutoverTrigger' || state === 'Canceled') return 'warn';
  return 'info';
}
