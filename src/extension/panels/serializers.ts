import * as vscode from 'vscode';
import { DetailsPanel } from './DetailsPanel';
import type { PanelServices } from './services';
import { WizardPanel } from './WizardPanel';

/**
 * Restore panels after a reload. Needs `onWebviewPanel:pgflex.wizard` and
 * `onWebviewPanel:pgflex.details` in package.json's activationEvents.
 */
export function registerPanelSerializers(services: PanelServices): vscode.Disposable[] {
  return [
    vscode.window.registerWebviewPanelSerializer(WizardPanel.viewType, {
      async deserializeWebviewPanel(panel) {
        WizardPanel.revive(panel, services);
      },
    }),
    vscode.window.registerWebviewPanelSerializer(DetailsPanel.viewType, {
      async deserializeWebviewPanel(panel, state) {
        DetailsPanel.revive(panel, services, state);
      },
    }),
  ];
}
