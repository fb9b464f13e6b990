import * as vscode from 'vscode';
import type { PgflexContext } from './context';
import type { Panels } from './panelHost';

/** Opens the webview panels (./panels) with the services they need from this context. */
export function createPanels(ctx: PgflexContext): Panels {
  return {
    async openWizard(prefill) {
      ctx.log.info(`Wizard requested${prefill ? ` (prefill: ${Object.keys(prefill).join(', ')})` : ''}.`);
      void vscode.window.showInformationMessage('The migration wizard is not available in this build yet.');
    },
    async openDetails(target, migration) {
      ctx.log.info(`Details of ${migration.name} on ${target.label} requested.`);
      void vscode.window.showInformationMessage('The details page is not available in this build yet.');
    },
  };
}
