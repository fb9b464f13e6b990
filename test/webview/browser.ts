/**
 * Renders a built webview bundle in headless Chromium, inside the same HTML shell and CSP the
 * panel host uses, with a stub `acquireVsCodeApi` that routes the page's messages to a fake
 * host written in the test. Run `npm run build` first.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { renderShell } from '../../src/extension/panels/html';

const ORIGIN = 'https://webview.test';
const ROOT = path.resolve(__dirname, '../..');

let browser: Browser | undefined;

export async function getBrowser(): Promise<Browser> {
  const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!existsSync(executablePath)) {
    throw new Error(`Chromium is not at ${executablePath}: install it (apt-get install -y chromium, see scripts/install-system-deps.sh) or set CHROMIUM_PATH.`);
  }
  browser ??= await chromium.launch({
    executablePath,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
  return browser;
}

export async function closeBrowser(): Promise<void> {
  await browser?.close();
  browser = undefined;
}

/** A theme's worth of VS Code variables, so screenshots look like the editor. */
const THEMES = {
  dark: `:root{--vscode-font-family:system-ui,sans-serif;--vscode-font-size:13px;--vscode-foreground:#cccccc;
--vscode-editor-background:#1e1e1e;--vscode-descriptionForeground:#9d9d9d;--vscode-focusBorder:#007fd4;--vscode-panel-border:#444;
--vscode-errorForeground:#f48771;--vscode-editorWarning-foreground:#cca700;--vscode-testing-iconPassed:#73c991;
--vscode-button-background:#0e639c;--vscode-button-foreground:#fff;--vscode-charts-blue:#3794ff;--vscode-editorWidget-background:#252526}`,
  light: `:root{--vscode-font-family:system-ui,sans-serif;--vscode-font-size:13px;--vscode-foreground:#3b3b3b;
--vscode-editor-background:#ffffff;--vscode-descriptionForeground:#717171;--vscode-focusBorder:#005fb8;--vscode-panel-border:#e5e5e5;
--vscode-errorForeground:#a1260d;--vscode-editorWarning-foreground:#bf8803;--vscode-testing-iconPassed:#388a34;
--vscode-button-background:#005fb8;--vscode-button-foreground:#fff;--vscode-charts-blue:#1a85ff;--vscode-editorWidget-background:#f8f8f8;
--vscode-input-background:#ffffff;--vscode-input-foreground:#3b3b3b;--vscode-input-border:#cecece;--vscode-dropdown-background:#ffffff;
--vscode-dropdown-foreground:#3b3b3b;--vscode-dropdown-border:#cecece;--vscode-checkbox-background:#f8f8f8;--vscode-checkbox-border:#cecece;
--vscode-button-secondaryBackground:#e5e5e5;--vscode-button-secondaryForeground:#3b3b3b}`,
  'high-contrast': `:root{--vscode-font-family:system-ui,sans-serif;--vscode-font-size:13px;--vscode-foreground:#ffffff;
--vscode-editor-background:#000000;--vscode-descriptionForeground:#ffffff;--vscode-focusBorder:#f38518;--vscode-contrastBorder:#6fc3df;
--vscode-errorForeground:#f48771;--vscode-editorWarning-foreground:#ffd700;--vscode-testing-iconPassed:#73c991;
--vscode-button-background:#000000;--vscode-button-foreground:#fff;--vscode-charts-blue:#3794ff;--vscode-editorWidget-background:#0c141f;
--vscode-button-border:#6fc3df;--vscode-input-background:#000000;--vscode-input-border:#6fc3df;--vscode-dropdown-background:#000000;--vscode-dropdown-border:#6fc3df}`,
};

export type Handler = (params: Record<string, unknown>) => unknown;

export interface WebviewPage {
  page: Page;
  /** Every message the page posted, in order. */
  posted: { type: string; method?: string; params?: Record<string, unknown>; id?: number }[];
  /** Messages the page posted that were requests for `method`. */
  requests(method: string): Record<string, unknown>[];
  /** Send a host → page message (event or anything else, e.g. malformed). */
  send(message: unknown): Promise<void>;
  state(): Promise<unknown>;
  cspViolations: string[];
  pageErrors: string[];
  close(): Promise<void>;
}

export interface OpenOptions {
  bundle: 'wizardMain' | 'detailsMain';
  /** Fake host: one handler per request method; a throwing handler answers with an error. */
  handlers: Record<string, Handler>;
  state?: unknown;
  width?: number;
  height?: number;
  theme?: keyof typeof THEMES;
}

export async function openWebview(o: OpenOptions): Promise<WebviewPage> {
  const bundlePath = path.join(ROOT, 'dist', 'webview', `${o.bundle}.js`);
  if (!existsSync(bundlePath)) throw new Error(`${bundlePath} is missing: run "npm run build" before the webview suite.`);
  const b = await getBrowser();
  const page = await b.newPage({ viewport: { width: o.width ?? 1000, height: o.height ?? 900 } });
  const posted: WebviewPage['posted'] = [];
  const cspViolations: string[] = [];
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) cspViolations.push(m.text());
  });

  await page.exposeFunction('__pgflexHostReceive', async (raw: string) => {
    const msg = JSON.parse(raw) as WebviewPage['posted'][number];
    posted.push(msg);
    if (msg.type !== 'request' || msg.method === undefined) return;
    const handler = o.handlers[msg.method];
    let reply: unknown;
    try {
      if (!handler) throw new Error(`fake host has no handler for ${msg.method}`);
      reply = { type: 'response', id: msg.id, ok: true, result: (await handler(msg.params ?? {})) ?? null };
    } catch (e) {
      reply = { type: 'response', id: msg.id, ok: false, error: (e as Error).message };
    }
    await page.evaluate(`window.postMessage(${JSON.stringify(reply)}, '*')`).catch(() => undefined);
  });
  // A string, not a function: the test's TypeScript transform would add helpers the page lacks.
  await page.addInitScript(`(() => {
    let state = ${JSON.stringify(o.state ?? null)};
    window.__pgflexState = () => state;
    window.acquireVsCodeApi = () => ({
      postMessage: (m) => { window.__pgflexHostReceive(JSON.stringify(m)); },
      getState: () => state,
      setState: (s) => { state = JSON.parse(JSON.stringify(s)); },
    });
  })();`);

  await page.route(`${ORIGIN}/**`, async (route) => {
    const url = new URL(route.request().url());
    if (url.pathname === '/index.html') {
      return route.fulfill({
        contentType: 'text/html',
        body: renderShell({
          title: o.bundle, cspSource: ORIGIN, nonce: `n${Math.random().toString(36).slice(2)}`,
          scriptUri: `${ORIGIN}/dist/webview/${o.bundle}.js`,
          styleUris: [`${ORIGIN}/theme.css`, `${ORIGIN}/media/webview/common.css`],
        }),
      });
    }
    if (url.pathname === '/theme.css') return route.fulfill({ contentType: 'text/css', body: THEMES[o.theme ?? 'dark'] });
    const file = path.join(ROOT, url.pathname);
    if (!file.startsWith(ROOT) || !existsSync(file)) return route.fulfill({ status: 404, body: 'not found' });
    return route.fulfill({ contentType: file.endsWith('.css') ? 'text/css' : 'text/javascript', body: readFileSync(file) });
  });
  await page.goto(`${ORIGIN}/index.html`);

  return {
    page,
    posted,
    requests: (method) => posted.filter((m) => m.type === 'request' && m.method === method).map((m) => m.params ?? {}),
    send: async (message) => { await page.evaluate(`window.postMessage(${JSON.stringify(message)}, '*')`); },
    state: () => page.evaluate('window.__pgflexState()'),
    cspViolations,
    pageErrors,
    close: () => page.close(),
  };
}

/** Poll until `fn` holds (no sleeps as synchronisation). */
export async function until<T>(fn: () => T | Promise<T>, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export const SCREENSHOTS = path.join(ROOT, 'test', 'webview', 'screenshots');
