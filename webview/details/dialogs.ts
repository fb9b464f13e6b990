/** Cutover and cancel confirmations, as modal <dialog>s (Esc closes, focus stays inside). */
import { formatLatency } from '../../src/core/format';
import type { Migration } from '../../src/core/model';
import { checkedOf, h } from '../lib/dom';
import { cutoverDatabases, cutoverReadiness, cutoverRows, cutoverWarning } from './rules';

function show(d: HTMLDialogElement): void {
  document.getElementById(d.id)?.remove();
  document.body.appendChild(d);
  d.addEventListener('close', () => d.remove());
  d.showModal();
}

export function confirmCutover(m: Migration, onConfirm: (databases: string[]) => void): HTMLDialogElement {
  const dbs = cutoverDatabases(m);
  const rows = cutoverRows(m).filter((r) => dbs.includes(r.name));
  const warning = cutoverWarning(m);
  const readiness = cutoverReadiness(m, Date.now());
  let confirmed = false;
  const go = h('vscode-button', {
    id: 'cutover-confirm', disabled: true,
    onclick: () => { if (confirmed) { d.close(); onConfirm(dbs); } },
  }, 'Cut over');
  const d = h('dialog', { id: 'cutover-dialog', 'aria-labelledby': 'cutover-title' },
    h('h2', { id: 'cutover-title' }, `Cut over "${m.name}"?`),
    h('p', null, 'Cutover applies the remaining changes, then stops replication. After it, the target is the database your applications use.'),
    h('table', { class: 'grid', id: 'cutover-latency' },
      h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'Database'), h('th', { scope: 'col', class: 'num' }, 'Latency'))),
      h('tbody', null, rows.map((r) => h('tr', null, h('td', null, r.name), h('td', { class: `num ${r.nearZero ? 'ok' : 'warning'}` }, formatLatency(r.latency)))))),
    warning ? h('p', { id: 'cutover-warning', class: 'warning', role: 'alert' }, warning) : null,
    readiness.length ? h('ul', { id: 'cutover-readiness', class: 'readiness' },
      readiness.map((r) => h('li', { class: r.ok ? 'ready' : 'not-ready' }, r.ok ? '✓ ' : '! ', r.text))) : null,
    h('vscode-checkbox', {
      id: 'writes-stopped',
      onchange: (e: Event) => {
        confirmed = checkedOf(e);
        if (confirmed) go.removeAttribute('disabled');
        else go.setAttribute('disabled', '');
      },
    }, 'Writes to the source are stopped'),
    h('div', { class: 'dialog-actions' },
      h('vscode-button', { id: 'cutover-dismiss', appearance: 'secondary', onclick: () => d.close() }, 'Not now'),
      go,
    ),
  ) as HTMLDialogElement;
  show(d);
  return d;
}

/**
 * `onConfirm` gets the databases to cancel, or undefined for all of them. Databases can be
 * chosen once two or more stream (waiting for cutover); the others go on streaming.
 */
export function confirmCancel(m: Migration, onConfirm: (databases?: string[]) => void): HTMLDialogElement {
  const streaming = cutoverRows(m).filter((r) => r.waiting).map((r) => r.name);
  const chosen = new Set(streaming);
  const go = h('vscode-button', {
    id: 'cancel-confirm',
    onclick: () => {
      if (streaming.length > 1 && chosen.size === 0) return;
      d.close();
      onConfirm(streaming.length > 1 && chosen.size < streaming.length ? streaming.filter((db) => chosen.has(db)) : undefined);
    },
  }, 'Cancel migration');
  const d = h('dialog', { id: 'cancel-dialog', 'aria-labelledby': 'cancel-title' },
    h('h2', { id: 'cancel-title' }, `Cancel "${m.name}"?`),
    h('p', null, 'The migration stops and its replication objects are removed. Databases already created on the target stay there: drop them yourself when you no longer need them.'),
    streaming.length > 1 ? h('fieldset', { id: 'cancel-databases' },
      h('legend', null, 'Databases to cancel (the others go on streaming)'),
      streaming.map((db) => h('vscode-checkbox', {
        'data-db': db, checked: true,
        onchange: (e: Event) => {
          if (checkedOf(e)) chosen.add(db);
          else chosen.delete(db);
          go.textContent = chosen.size === streaming.length ? 'Cancel migration' : `Cancel ${chosen.size} of ${streaming.length} databases`;
          if (chosen.size === 0) go.setAttribute('disabled', '');
          else go.removeAttribute('disabled');
        },
      }, db))) : null,
    h('div', { class: 'dialog-actions' },
      h('vscode-button', { id: 'cancel-dismiss', appearance: 'secondary', onclick: () => d.close() }, 'Keep running'),
      go,
    ),
  ) as HTMLDialogElement;
  show(d);
  return d;
}
