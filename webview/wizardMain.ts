/** The new-migration wizard page: the portal's tabs, one step per file in wizard/steps/. */
import { replace, h } from './lib/dom';
import { registerToolkit } from './lib/toolkit';
import { connectHost, vscodeApi } from './lib/host';
import { checkDraft, wizardEvents, wizardMethods } from '../src/contract/protocol';
import { WizardController } from './wizard/controller';

registerToolkit();
const rpc = connectHost(wizardMethods, wizardEvents);
const app = document.getElementById('app') as HTMLElement;

function restored() {
  const state = vscodeApi().getState() as { draft?: unknown } | undefined;
  try {
    return state?.draft ? checkDraft(state.draft) : undefined;
  } catch {
    return undefined;
  }
}

rpc.request('ready', {}).then(
  (init) => new WizardController(app, rpc, init, restored()).start(),
  (e: Error) => replace(app, h('p', { class: 'error', role: 'alert' }, `The wizard could not start: ${e.message}`)),
);
