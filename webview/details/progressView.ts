/**
 * The top of the details page: what went wrong, then how far the copy has come. A direct
 * migration gives bytes, rate and time left; the Azure service gives table counts only, so its
 * bars count tables and no bytes are made up.
 */
import { bytesText, percentCopied, postDataText, rateText, tableCounts } from '../../src/core/progress';
import { isTerminal, type DatabaseMigrationState, type Migration, type MigrationProgress } from '../../src/core/model';
import { h, type Child } from '../lib/dom';

interface Db { name: string; st: DatabaseMigrationState }

/** Failed databases' messages and tables that failed, above everything else (the migration's own error is in the header). */
export function errorsFirst(dbs: Db[]): Child {
  const items = dbs.flatMap(({ name, st }) => [
    ...(st.migrationState === 'Failed' && st.message ? [`${name}: ${st.message}`] : []),
    ...(st.tables ?? []).filter((t) => t.state === 'Errored' && t.error).map((t) => `${name}: ${t.error}`),
  ]);
  if (!items.length) return null;
  return h('section', { id: 'errors', class: 'errors', 'aria-labelledby': 'h-errors' },
    h('h2', { id: 'h-errors', class: 'error' }, items.length === 1 ? 'Error' : `Errors (${items.length})`),
    h('ul', null, items.map((t) => h('li', { class: 'error' }, t))));
}

/** A bar for the migration and one per database, with bytes, rate and time left where known. */
export function progressSection(m: Migration, dbs: Db[]): Child {
  const rows = dbs.map(({ name, st }) => ({ name, st, counts: tableCounts(st) })).filter((r) => r.st.progress || r.counts);
  if (!rows.length) return null;
  const running = !isTerminal(m);
  const all = m.progress ?? (rows.every((r) => !r.st.progress) ? tableSum(rows.map((r) => r.counts)) : undefined);
  return h('section', { id: 'progress', 'aria-labelledby': 'h-progress' },
    h('h2', { id: 'h-progress' }, 'Progress'),
    all ? bar('progress-migration', 'All databases', all, running) : null,
    rows.map((r) => bar(`progress-${r.name}`, r.name, r.st.progress ?? r.counts!, running, r.name)),
  );
}

function bar(id: string, label: string, p: MigrationProgress | { done: number; total: number }, running: boolean, db?: string): HTMLElement {
  if (!('bytesTotal' in p)) {
    return h('div', { id, class: 'progress-row', 'data-db': db },
      h('span', { class: 'progress-label' }, label),
      h('progress', { value: p.done, max: p.total, 'aria-label': `${label}: ${p.done} of ${p.total} tables copied` }),
      h('span', { class: 'progress-text' }, h('span', { class: 'progress-bytes' }, `tables ${p.done}/${p.total} copied`)),
    );
  }
  const pct = percentCopied(p);
  const copying = running && p.bytesCopied < p.bytesTotal;
  const rate = copying ? rateText(p) : '';
  const post = p.postDataTotal !== undefined && (p.postDataBuilt || !copying) ? postDataText(p) : '';
  return h('div', { id, class: 'progress-row', 'data-db': db },
    h('span', { class: 'progress-label' }, label),
    h('progress', { value: pct, max: 100, 'aria-label': `${label}: ${pct}% of the bytes copied` }),
    h('span', { class: 'progress-text' },
      h('span', { class: 'progress-bytes' }, bytesText(p)),
      rate ? h('span', { class: 'progress-rate' }, rate) : copying ? h('span', { class: 'progress-rate muted' }, 'measuring the rate…') : null,
      post ? h('span', { class: 'progress-post muted' }, post) : null,
    ),
  );
}

function tableSum(counts: ({ done: number; total: number } | undefined)[]): { done: number; total: number } | undefined {
  const known = counts.filter((c): c is { done: number; total: number } => c !== undefined);
  return known.length ? { done: known.reduce((s, c) => s + c.done, 0), total: known.reduce((s, c) => s + c.total, 0) } : undefined;
}
