/**
 * The panels' HTML shell. Pure (no vscode) so the webview tests serve the very same page.
 * The page carries no data: it gets everything through messages after its `ready` request.
 */
import { randomBytes } from 'node:crypto';

export interface ShellOptions {
  title: string;
  /** The webview's `cspSource` (origin of local resources). */
  cspSource: string;
  nonce: string;
  scriptUri: string;
  styleUris: string[];
}

/** A fresh nonce per page load. */
export function makeNonce(): string {
  return randomBytes(18).toString('base64').replace(/[^A-Za-z0-9]/g, 'x');
}

export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    // The toolkit (FAST) feature-detects :focus-visible with a <style> carrying the nonce from meta csp-nonce.
    `style-src ${cspSource} 'nonce-${nonce}'`,
    `font-src ${cspSource}`,
    `img-src ${cspSource} data:`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
}

const escapeAttr = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function renderShell(o: ShellOptions): string {
  const styles = o.styleUris.map((u) => `<link rel="stylesheet" href="${escapeAttr(u)}">`).join('\n    ');
  return `<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="UTF-8">
    <meta http-equiv="Content-Security-Policy" content="${escapeAttr(contentSecurityPolicy(o.cspSource, o.nonce))}">
    <meta property="csp-nonce" content="${escapeAttr(o.nonce)}">
    <meta name="viewport" content="width=device-width, initial-scale=1.0">
    ${styles}
    <title>${escapeAttr(o.title)}</title>
  </head>
  <body>
    <main id="app" aria-busy="true"><p class="muted">Loading…</p></main>
    <script nonce="${escapeAttr(o.nonce)}" src="${escapeAttr(o.scriptUri)}"></script>
  </body>
</html>`;
}
