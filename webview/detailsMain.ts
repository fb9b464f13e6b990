/** One migration's details page: everything arrives through messages; the state keeps only the ref. */
import { h, replace } from './lib/dom';
import { registerToolkit } from './lib/toolkit';
import { connectHost, vscodeApi } from './lib/host';
import { detailsEvents, detailsMethods, type DetailsMethods } from '../src/contract/protocol';
import { confirmCancel, confirmCutover } from './details/dialogs';
import { renderDetails, type DetailsActions, type DetailsView } from './details/view';

registerToolkit();
const rpc = connectHost(detailsMethods, detailsEvents);
const app = document.getElementById('app') as HTMLElement;
let view: DetailsView | undefined;

function render(): void {
  if (!view) return;
  app.removeAttribute('aria-busy');
  replace(app, renderDetails(view, actions));
}

function say(kind: 'info' | 'error', text: string): void {
  if (!view) return;
  view.message = { kind, text };
  render();
}

/** Run one host action, showing its result sentence or its error in the message line. */
async function run(method: Exclude<keyof DetailsMethods, 'ready' | 'refresh' | 'cutover' | 'cancel' | 'applyFix'>): Promise<void> {
  try {
    const r = await rpc.request(method, {});
    if (r.message) say('info', r.message);
  } catch (e) {
    say('error', (e as Error).message);
  }
}

const actions: DetailsActions = {
  refresh: async () => {
    if (!view) return;
    view.busy = true;
    render();
    try {
      view.snapshot = await rpc.request('refresh', {});
      view.error = undefined;
    } catch (e) {
      view.error = (e as Error).message;
    }
    view.busy = false;
    render();
  },
  cutover: () => {
    const m = view?.snapshot?.migration;
    if (!m) return;
    confirmCutover(m, (databases) => {
      rpc.request('cutover', { databases, confirmed: true }).then((r) => say('info', r.message ?? 'Cutover requested.'), (e: Error) => say('error', e.message));
    });
  },
  cancel: () => {
    const m = view?.snapshot?.migration;
    if (!m) return;
    confirmCancel(m, (databases) => {
      rpc.request('cancel', { confirmed: true, ...(databases ? { databases } : {}) }).then((r) => say('info', r.message ?? 'Cancel requested.'), (e: Error) => say('error', e.message));
    });
  },
  copyJson: () => void run('copyJson'),
  retry: () => void run('retry'),
  restart: () => void run('restartInWizard'),
  openInTree: () => void run('openInTree'),
  openTarget: () => void run('openTarget'),
  applyFix: (fixId, args) => {
    rpc.request('applyFix', { fixId, args }).then((r) => say('info', r.message ?? 'Fix applied. Validate again to confirm.'), (e: Error) => say('error', e.message));
  },
};

rpc.on('snapshot', (snapshot) => {
  if (!view) return;
  view.snapshot = snapshot;
  view.error = undefined;
  render();
});
rpc.on('refresh', (info) => {
  if (!view) return;
  view.refresh = info;
  render();
});

rpc.request('ready', {}).then(
  (init) => {
    vscodeApi().setState({ ref: init.ref });
    view = { ref: init.ref, snapshot: init.snapshot, refresh: init.refresh, error: init.error, busy: false, open: new Set() };
    render();
  },
  (e: Error) => replace(app, h('p', { class: 'error', role: 'alert' }, `The details could not load: ${e.message}`)),
);
