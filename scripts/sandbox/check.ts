/** The sandbox's non-interactive check: what a person would see first, verified in Chromium. */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { openBrowser } from '../code-server/browser';
import type { RunningCodeServer } from '../code-server/server';
import { Workbench } from '../code-server/workbench';
import type { SandboxServers } from './servers';

export const VIEW_TITLE = 'PostgreSQL Migration';
const SHOTS = path.resolve(__dirname, '..', '..', 'test', 'e2e', 'screenshots');

export async function checkSandbox(cs: RunningCodeServer, servers: SandboxServers, say: (s: string) => void): Promise<void> {
  const browser = await openBrowser(cs.url);
  const shot = path.join(SHOTS, 'sandbox-check.png');
  mkdirSync(SHOTS, { recursive: true });
  try {
    const wb = new Workbench(browser.page, 60_000);
    await wb.ready();
    await wb.openView(VIEW_TITLE);
    for (const c of servers.connections) await wb.waitForTreeItem(new RegExp(c.label.replace(/[()]/g, '\\$&')));
    await browser.page.screenshot({ path: shot });
    say(`Screenshot: ${shot}`);
    if (servers.writer && servers.writer.commits === 0) throw new Error(`The sample writer has committed nothing yet: ${servers.writer.lastError ?? 'no error reported'}`);
  } catch (e) {
    await browser.page.screenshot({ path: shot }).catch(() => undefined);
    throw new Error(`${(e as Error).message}\nScreenshot: ${shot}\nExtension logs:\n${cs.logs()}`);
  } finally {
    await browser.close();
  }
}
