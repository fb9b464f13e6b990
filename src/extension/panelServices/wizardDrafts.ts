import type * as vscode from 'vscode';
import type { WizardDraft } from '../../contract/protocol';
import type { PanelServices } from '../panels/services';

const DRAFTS_KEY = 'pgflex.wizardDrafts';

/** The wizard's "Save for later" drafts, in globalState (a draft never holds a password). */
export function wizardDrafts(state: vscode.Memento): Pick<PanelServices, 'listDrafts' | 'saveDraft' | 'deleteDraft'> {
  const all = () => state.get<WizardDraft[]>(DRAFTS_KEY, []);
  return {
    async listDrafts() {
      return all();
    },
    async saveDraft(draft) {
      await state.update(DRAFTS_KEY, [...all().filter((d) => d.id !== draft.id), draft]);
    },
    async deleteDraft(id) {
      await state.update(DRAFTS_KEY, all().filter((d) => d.id !== id));
    },
  };
}
