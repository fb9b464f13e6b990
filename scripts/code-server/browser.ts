/** Debian's Chromium driven by playwright-core (no browser download: the machine's own binary). */
import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

export function chromiumPath(): string {
  const found = [process.env.PGFLEX_CHROMIUM, ...CANDIDATES].find((p): p is string => !!p && existsSync(p));
  if (!found) throw new Error('Chromium is not installed: apt-get install -y chromium (or set PGFLEX_CHROMIUM to a Chromium binary).');
  return found;
}

export interface OpenBrowser {
  browser: Browser;
  page: Page;
  close(): Promise<void>;
}

export async function openBrowser(url: string, opts: { headless?: boolean } = {}): Promise<OpenBrowser> {
  const browser = await chromium.launch({
    executablePath: chromiumPath(),
    headless: opts.headless ?? true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
  const context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
  const page = await context.newPage();
  await page.goto(url, { waitUntil: 'domcontentloaded' });
  return {
    browser,
    page,
    close: async () => {
      await browser.close().catch(() => undefined);
    },
  };
}

/** Waits until the VS Code workbench is up: the activity bar is drawn. */
export async function waitForWorkbench(page: Page, timeoutMs = 60_000): Promise<void> {
  await page.locator('.monaco-workbench .activitybar').first().waitFor({ state: 'visible', timeout: timeoutMs });
}
