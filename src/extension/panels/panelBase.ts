import * as vscode from 'vscode';
import { makeNonce, renderShell } from './html';
import type { PanelServices } from './services';

/** Only the built bundles and the css may load in a panel. */
export function panelOptions(services: PanelServices): vscode.WebviewPanelOptions & vscode.WebviewOptions {
  return {
    enableScripts: true,
    retainContextWhenHidden: false,
    localResourceRoots: [
      vscode.Uri.joinPath(services.extensionUri, 'dist', 'webview'),
      vscode.Uri.joinPath(services.extensionUri, 'media'),
    ],
  };
}

/** Re-applied on restore too: a revived panel keeps the options it was created with only partly. */
export function setPanelHtml(panel: vscode.WebviewPanel, services: PanelServices, bundle: string, title: string): void {
  panel.webview.options = { enableScripts: true, localResourceRoots: panelOptions(services).localResourceRoots };
  const asUri = (...p: string[]) => panel.webview.asWebviewUri(vscode.Uri.joinPath(services.extensionUri, ...p)).toString();
  panel.webview.html = renderShell({
    title,
    cspSource: panel.webview.cspSource,
    nonce: makeNonce(),
    scriptUri: asUri('dist', 'webview', `${bundle}.js`),
    styleUris: [asUri('media', 'webview', 'common.css')],
  });
}

/** Posting to a panel that just closed is not an error worth surfacing. */
export function poster(panel: vscode.WebviewPanel): (m: unknown) => void {
  return (m) => {
    try {
      void panel.webview.postMessage(m).then(undefined, () => undefined);
    } catch {
      // disposed
    }
  };
}

export function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
