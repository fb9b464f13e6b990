/** Renders one migration's details. Text only through text nodes (lib/dom). */
import { rankedCauses } from '../../src/core/causes';
import { latencyChart } from './latencyChart';
import { parseDirectServerId } from '../../src/core/ids';
import { formatBytes, formatDuration, formatLatency } from '../../src/core/format';
import { stateOf, substateOf, type DatabaseMigrationState, type Migration, type ValidationSummaryItem } from '../../src/core/model';
import { h, svg, type Child } from '../lib/dom';
import type { DetailsSnapshot, LatencySample, MigrationRef, RefreshInfo } from '../../src/contract/protocol';
import {
  availableActions, azureLimits, dbEntries, postMigrationChecklist, stateTone, utc, validationRows, type RuleRow,
} from './rules';

export interface DetailsActions {
  refresh(): void;
  cutover(): void;
  cancel(): void;
  copyJson(): void;
  retry(): void;
  restart(): void;
  openInTree(): void;
  openTarget(): void;
  applyFix(fixId: string, args?: Record<string, string>): void;
}

export interface DetailsView {
  ref: MigrationRef;
  snapshot?: DetailsSnapshot;
  refresh: RefreshInfo;
  error?: string;
  message?: { kind: 'info' | 'error'; text: string };
  busy: boolean;
  /** Ids of <details> the user opened, kept across refreshes. */
  open: Set<string>;
}

export function renderDetails(v: DetailsView, a: DetailsActions): Child[] {
  const m = v.snapshot?.migration;
  return [
    header(v, m),
    toolbar(v, m, a),
    h('div', { id: 'action-msg', role: v.message?.kind === 'error' ? 'alert' : 'status', class: v.message ? `notice ${v.message.kind}` : 'notice empty' }, v.message?.text ?? ''),
    v.error ? h('p', { id: 'load-error', class: 'error', role: 'alert' }, v.error) : null,
    m ? body(v, m, a) : (!v.error ? h('p', { class: 'muted' }, 'Loading…') : null),
  ];
}

function header(v: DetailsView, m: Migration | undefined): Child {
  const state = m ? stateOf(m) : '';
  return h('header', null,
    h('div', { class: 'title' },
      h('h1', null, v.ref.name),
      m ? h('span', { id: 'state', class: `badge ${stateTone(state)} state-${state}` }, state) : null,
      m && substateOf(m) ? h('span', { id: 'substate', class: 'muted' }, substateOf(m)) : null,
    ),
    m ? facts(v, m) : null,
    m && v.ref.provider === 'azure' ? azureNote(m) : null,
    m?.currentStatus?.error ? h('p', { id: 'migration-error', class: 'error', role: 'alert' }, m.currentStatus.error) : null,
  );
}

function facts(v: DetailsView, m: Migration): HTMLElement {
  const started = m.startedOn ? Date.parse(m.startedOn) : NaN;
  const ended = m.endedOn ? Date.parse(m.endedOn) : v.snapshot?.fetchedAt ?? NaN;
  const rows: [string, string | undefined][] = [
    ['Runs on', v.ref.provider === 'azure' ? 'Azure migration service' : 'pgflex direct engine'],
    ['Mode', m.migrationMode],
    ['Option', m.migrationOption === 'ValidateAndMigrate' ? 'Validate and Migrate' : m.migrationOption],
    ['Source', m.sourceDbServerFullyQualifiedDomainName ?? lastSegment(m.sourceDbServerResourceId)],
    ['Target', m.targetDbServerFullyQualifiedDomainName ?? lastSegment(m.targetDbServerResourceId)],
    ['Databases', (m.dbsToMigrate ?? []).join(', ')],
    ['Started', utc(m.startedOn)],
    ['Duration', Number.isFinite(started) && Number.isFinite(ended) ? formatDuration(ended - started) : undefined],
    ['Ended', utc(m.endedOn)],
  ];
  return h('dl', { class: 'facts', id: 'facts' }, rows.filter(([, val]) => val).map(([k, val]) => [h('dt', null, k), h('dd', null, val ?? '')]));
}

function azureNote(m: Migration): Child {
  const l = azureLimits(m);
  return h('p', { id: 'azure-limits', class: 'hint' }, l.text, l.lifetimeEnds ? ` This one must end by ${utc(l.lifetimeEnds)}.` : '');
}

/** A server id as a person reads it: `host:port (user)` for direct ids, the name for ARM ids. */
function lastSegment(id: string | undefined): string | undefined {
  const direct = parseDirectServerId(id);
  if (direct) return `${direct.host}:${direct.port} (${direct.user})`;
  return id?.split('/').filter(Boolean).pop();
}

function toolbar(v: DetailsView, m: Migration | undefined, a: DetailsActions): Child {
  const act = m ? availableActions(m, v.ref.provider) : undefined;
  const status = v.refresh.error
    ? `Refresh failed: ${v.refresh.error}${v.refresh.nextInSeconds ? ` Retrying in ${v.refresh.nextInSeconds} s.` : ''}`
    : v.refresh.nextInSeconds ? `Refreshes automatically in ${v.refresh.nextInSeconds} s.` : v.refresh.note ?? '';
  return h('div', { class: 'toolbar', role: 'toolbar', 'aria-label': 'Migration actions' },
    h('vscode-button', { id: 'refresh', appearance: 'secondary', disabled: v.busy, onclick: () => a.refresh() }, 'Refresh'),
    act?.cutover ? h('vscode-button', { id: 'cutover', onclick: () => a.cutover() }, 'Cutover…') : null,
    act?.cancel ? h('vscode-button', { id: 'cancel', appearance: 'secondary', onclick: () => a.cancel() }, 'Cancel migration…') : null,
    act?.retry ? h('vscode-button', { id: 'retry', onclick: () => a.retry() }, 'Retry failed tables') : null,
    m ? h('vscode-button', { id: 'copy-json', appearance: 'secondary', onclick: () => a.copyJson() }, 'Copy as JSON') : null,
    m ? h('vscode-button', { id: 'restart', appearance: 'secondary', onclick: () => a.restart() }, 'Restart in wizard') : null,
    h('vscode-button', { id: 'show-in-tree', appearance: 'secondary', onclick: () => a.openInTree() }, 'Show in tree'),
    act?.openTarget ? h('vscode-button', { id: 'open-target', appearance: 'secondary', onclick: () => a.openTarget() }, 'Open target in PostgreSQL extension') : null,
    h('span', { id: 'refresh-status', class: 'muted' }, status),
  );
}

/** The settings' defaults, for a host that sends no thresholds. */
const DEFAULT_THRESHOLDS = { warningSeconds: 60, errorSeconds: 300 };
const CHART_MINUTES = 15;

function body(v: DetailsView, m: Migration, a: DetailsActions): Child[] {
  const dbs = dbEntries(m);
  const rules = validationRows(m);
  const succeeded = stateOf(m) === 'Succeeded';
  return [
    dbs.length ? h('section', { id: 'databases', 'aria-labelledby': 'h-dbs' },
      h('h2', { id: 'h-dbs' }, 'Databases'),
      databasesTable(v, m, dbs),
      m.migrationMode === 'Online' && v.snapshot ? dbs.filter((d) => v.snapshot!.latency[d.name]?.length).map((d) => latencyChart(d.name, v.snapshot!.latency[d.name], {
        thresholds: v.snapshot!.thresholds ?? DEFAULT_THRESHOLDS, windowMinutes: CHART_MINUTES, now: v.snapshot!.fetchedAt,
      })) : null,
      dbs.filter((d) => d.st.message).map((d) => h('p', { class: 'db-message muted' }, `${d.name}: ${d.st.message}`)),
      dbs.flatMap((d) => (d.st.warnings ?? []).map((w) => h('p', { class: 'db-warning warning' }, `${d.name}: ${w}`))),
      dbs.filter((d) => d.st.latencyCauses?.length).map((d) => latencyCauses(d.name, d.st)),
      dbs.filter((d) => d.st.tables?.length).map((d) => tablesDetail(v, d.name, d.st)),
      dbs.filter((d) => d.st.verification).map((d) => verification(d.name, d.st)),
    ) : null,
    rules.length ? validationSection(v, m, rules, a) : null,
    succeeded ? h('section', { id: 'checklist', 'aria-labelledby': 'h-check' },
      h('h2', { id: 'h-check' }, 'After the migration'),
      h('ul', { class: 'checklist' }, postMigrationChecklist(m, v.ref.provider, v.snapshot?.analyzed).map((i) =>
        h('li', { class: i.done ? 'ok' : '' }, i.done ? '✓ ' : '☐ ', i.text))),
    ) : null,
  ];
}

function databasesTable(v: DetailsView, m: Migration, dbs: { name: string; st: DatabaseMigrationState }[]): HTMLElement {
  const online = m.migrationMode === 'Online';
  const n = (x: number | undefined) => (x === undefined ? '–' : x.toLocaleString('en-US'));
  return h('table', { class: 'grid', id: 'db-table' },
    h('thead', null, h('tr', null,
      ['Database', 'State', 'Copied', 'Queued', 'Copying', 'Errors', ...(online ? ['Inserts', 'Updates', 'Deletes', 'Latency', 'Trend'] : [])]
        .map((c, i) => h('th', { scope: 'col', class: i >= 2 && c !== 'Trend' ? 'num' : '' }, c)))),
    h('tbody', null, dbs.map(({ name, st }) => h('tr', { 'data-db': name },
      h('td', null, name),
      h('td', null, h('span', { class: `badge ${stateTone(st.migrationState ?? '')}` }, st.migrationState ?? '–')),
      h('td', { class: 'num' }, n(st.fullLoadCompletedTables)),
      h('td', { class: 'num' }, n(st.fullLoadQueuedTables)),
      h('td', { class: 'num' }, n(st.fullLoadLoadingTables)),
      h('td', { class: `num${st.fullLoadErroredTables ? ' error' : ''}` }, n(st.fullLoadErroredTables)),
      online ? [
        h('td', { class: 'num' }, n(st.cdcInsertCounter)),
        h('td', { class: 'num' }, n(st.cdcUpdateCounter)),
        h('td', { class: 'num' }, n(st.cdcDeleteCounter)),
        h('td', { class: 'num latency' }, formatLatency(st.latency)),
        h('td', null, sparkline(v.snapshot?.latency[name] ?? [], name)),
      ] : null,
    ))),
  );
}

/** An inline SVG of the latency samples (no chart library, no external resource). */
export function sparkline(samples: LatencySample[], name: string): Child {
  if (samples.length < 2) return h('span', { class: 'muted' }, '');
  const w = 120;
  const hgt = 24;
  const max = Math.max(1, ...samples.map((s) => s.seconds));
  const t0 = samples[0].at;
  const span = Math.max(1, samples[samples.length - 1].at - t0);
  const points = samples.map((s) => `${(((s.at - t0) / span) * (w - 2) + 1).toFixed(1)},${(hgt - 1 - (s.seconds / max) * (hgt - 2)).toFixed(1)}`).join(' ');
  const el = svg('svg', { class: 'spark', width: w, height: hgt, viewBox: `0 0 ${w} ${hgt}`, role: 'img' }, svg('polyline', { points }));
  el.setAttribute('aria-label', `Latency of ${name} over the last ${samples.length} refreshes, now ${formatLatency(samples[samples.length - 1].seconds)}`);
  return el;
}

function openable(v: DetailsView, id: string, summary: Child, ...content: Child[]): HTMLElement {
  const d = h('details', { id, class: 'rule', open: v.open.has(id) }, h('summary', null, summary), h('div', { class: 'rule-body' }, content));
  d.addEventListener('toggle', () => ((d as HTMLDetailsElement).open ? v.open.add(id) : v.open.delete(id)));
  return d;
}

function tablesDetail(v: DetailsView, db: string, st: DatabaseMigrationState): HTMLElement {
  const tables = st.tables ?? [];
  const errored = tables.filter((t) => t.state === 'Errored').length;
  return openable(v, `tables-${db}`, [h('strong', null, `${db}: tables`), h('span', { class: 'muted' }, `${tables.length} tables${errored ? `, ${errored} with errors` : ''}`)],
    h('table', { class: 'grid' },
      h('thead', null, h('tr', null, ['Table', 'State', 'Rows', 'Size', 'Error'].map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', null, tables.map((t) => h('tr', null,
        h('td', null, t.name),
        h('td', null, h('span', { class: `badge ${t.state === 'Errored' ? 'err' : t.state === 'Completed' ? 'ok' : 'info'}` }, t.state)),
        h('td', { class: 'num' }, t.rows === undefined ? '' : t.rows.toLocaleString('en-US')),
        h('td', { class: 'num' }, formatBytes(t.bytes)),
        h('td', { class: 'error' }, t.error ?? ''))))));
}

/** Why a database's stream lags, as the servers show it: what stops it first, then what slows it. */
function latencyCauses(db: string, st: DatabaseMigrationState): HTMLElement {
  return h('div', { class: 'latency-causes', id: `causes-${db}` },
    h('h3', null, `Why ${db} lags`),
    h('ul', null, rankedCauses(st).map((c) => h('li', { class: `cause sev-${c.severity}` },
      h('strong', null, `${c.severity === 'error' ? 'Stopped' : 'Slowed'} (${c.side}): `),
      c.summary,
      h('div', { class: 'cause-action' }, c.action),
      c.query ? h('div', { class: 'muted' }, 'Query: ', h('code', null, c.query)) : null,
      c.command ? h('div', null, `Run on the ${c.side}: `, h('code', { class: 'cause-command' }, `${c.command};`)) : null,
    ))),
  );
}

function verification(db: string, st: DatabaseMigrationState): HTMLElement {
  const ver = st.verification!;
  return h('p', { class: ver.state === 'Succeeded' ? 'ok' : 'error' },
    `${db}: verification by ${ver.mode} ${ver.state === 'Succeeded' ? 'passed' : 'found differences'} (${ver.tablesChecked} tables checked${ver.mismatches.length ? `; ${ver.mismatches.map((x) => `${x.table}: source ${x.source}, target ${x.target}`).join('; ')}` : ''}).`);
}

function validationSection(v: DetailsView, m: Migration, rows: RuleRow[], a: DetailsActions): HTMLElement {
  const vd = m.currentStatus?.currentSubStateDetails?.validationDetails;
  const start = vd?.validationStartTimeInUtc ? Date.parse(vd.validationStartTimeInUtc) : NaN;
  const end = vd?.validationEndTimeInUtc ? Date.parse(vd.validationEndTimeInUtc) : NaN;
  const counts = { Succeeded: 0, Warning: 0, Failed: 0 } as Record<string, number>;
  for (const r of rows) counts[r.item.state] = (counts[r.item.state] ?? 0) + 1;
  return h('section', { id: 'validation', 'aria-labelledby': 'h-val' },
    h('h2', { id: 'h-val' }, 'Validation'),
    h('p', { class: 'row' },
      vd?.status ? h('span', { id: 'validation-status', class: `badge ${stateTone(vd.status)}` }, vd.status) : null,
      h('span', null, `${counts.Succeeded ?? 0} succeeded, ${counts.Warning ?? 0} warnings, ${counts.Failed ?? 0} failed`),
      vd?.validationStartTimeInUtc ? h('span', { class: 'muted' }, `Started ${utc(vd.validationStartTimeInUtc)}`) : null,
      vd?.validationEndTimeInUtc ? h('span', { class: 'muted' }, `ended ${utc(vd.validationEndTimeInUtc)}`) : null,
      Number.isFinite(start) && Number.isFinite(end) ? h('span', { class: 'muted' }, `(${formatDuration(end - start)})`) : null,
    ),
    rows.map((r, i) => rule(v, r, i, a)),
  );
}

function rule(v: DetailsView, r: RuleRow, i: number, a: DetailsActions): HTMLElement {
  const it: ValidationSummaryItem = r.item;
  const tone = stateTone(it.state);
  const id = `rule-${i}-${r.scope}-${it.type}`;
  if (tone !== 'ok' && !v.open.has(`seen-${id}`)) {
    // Failures and warnings start open the first time they are shown.
    v.open.add(`seen-${id}`);
    v.open.add(id);
  }
  return openable(v, id,
    [h('span', { class: `badge ${tone}` }, it.state), h('strong', null, it.type), h('span', { class: 'muted' }, r.scope)],
    (it.messages ?? []).map((msg) => h('p', { class: stateTone(msg.state) === 'err' ? 'error' : stateTone(msg.state) === 'warn' ? 'warning' : '' }, msg.message)),
    it.objects?.length ? h('p', null, h('span', { class: 'muted' }, 'Objects: '), it.objects.join(', ')) : null,
    it.correctiveAction ? h('p', { class: 'corrective' }, h('strong', null, 'What to do: '), it.correctiveAction) : null,
    it.code !== undefined ? h('p', { class: 'muted' }, `Error code ${it.code}`) : null,
    it.fix ? h('vscode-button', { class: 'fix', 'data-fix': it.fix.id, onclick: () => a.applyFix(it.fix!.id, it.fix!.args) }, it.fix.title) : null,
  );
}
