/** What the e2e flows share: the servers, code-server, the browser page, and steps with screenshots. */
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { ensureCodeServer } from '../../scripts/code-server/install';
import { startCodeServer, type RunningCodeServer } from '../../scripts/code-server/server';
import { openBrowser, type OpenBrowser } from '../../scripts/code-server/browser';
import { Workbench } from '../../scripts/code-server/workbench';
import { packageVsix } from '../../scripts/sandbox/packageVsix';
import { startSandboxServers, type SandboxServers } from '../../scripts/sandbox/servers';
import { E2E_SCALE } from '../../scripts/sandbox/sampleDb';
import { startSandboxCheck, type SandboxCheckRun } from './sandboxCheck';

export const SHOTS = path.resolve(__dirname, 'screenshots');

export interface Session {
  servers: SandboxServers;
  codeServer: RunningCodeServer;
  browser: OpenBrowser;
  page: Page;
  wb: Workbench;
  /** `npm start -- --check`, running alongside the flows (started once packaging is done). */
  sandboxCheck: SandboxCheckRun;
  stop(): Promise<void>;
}

export let session: Session | undefined;

const log = (s: string): void => console.log(`      [e2e] ${s}`);

export async function startSession(): Promise<Session> {
  mkdirSync(SHOTS, { recursive: true });
  for (const f of readdirSync(SHOTS)) if (f.endsWith('.png')) rmSync(path.join(SHOTS, f));
  const stops: (() => Promise<void>)[] = [];
  const stop = async (): Promise<void> => {
    for (const s of stops.reverse()) await s().catch((e) => console.error(`[e2e] teardown: ${(e as Error).message}`));
  };
  try {
    const t0 = Date.now();
    const [vsix, bin, servers] = await Promise.all([
      packageVsix().then((p) => (log(`packaged in ${Math.round((Date.now() - t0) / 1000)} s`), p)).then((p) => (stops.push(async () => rmSync(path.dirname(p), { recursive: true, force: true })), p)),
      ensureCodeServer(log),
      startSandboxServers({ scale: E2E_SCALE }).then((s) => (log(`servers up and seeded in ${Math.round((Date.now() - t0) / 1000)} s`), s)).then((s) => (stops.push(() => s.stop()), s)),
    ]);
    // Both build into dist/, so the sandbox starts only after this packaging is done.
    const sandboxCheck = startSandboxCheck();
    stops.push(() => sandboxCheck.stop());
    const codeServer = await startCodeServer({ bin, vsix });
    stops.push(() => codeServer.stop());
    log(`code-server up in ${Math.round((Date.now() - t0) / 1000)} s`);
    const browser = await openBrowser(codeServer.url);
    stops.push(() => browser.close());
    const wb = new Workbench(browser.page);
    await wb.ready();
    log(`ready in ${Math.round((Date.now() - t0) / 1000)} s: ${codeServer.url}, source ${servers.source.label}, target ${servers.target.label}`);
    session = { servers, codeServer, browser, page: browser.page, wb, sandboxCheck, stop };
    return session;
  } catch (e) {
    await stop();
    throw e;
  }
}

export function current(): Session {
  if (!session) throw new Error('The e2e session did not start (see the root hook error above).');
  return session;
}

let stepNo = 0;

/**
 * One user-visible step: runs it, then saves a screenshot; on failure saves the screenshot of
 * the failing screen and prints its path and the extension's log.
 */
export async function step(name: string, fn: () => Promise<void>): Promise<void> {
  const s = current();
  stepNo += 1;
  const base = `${String(stepNo).padStart(2, '0')}-${name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '')}`;
  try {
    await fn();
    await s.page.screenshot({ path: path.join(SHOTS, `${base}.png`) });
  } catch (e) {
    const shot = path.join(SHOTS, `${base}-FAILED.png`);
    await s.page.screenshot({ path: shot }).catch(() => undefined);
    console.error(`\n[e2e] Step "${name}" failed: ${(e as Error).message.split('\n')[0]}\n[e2e] Screenshot: ${shot}\n[e2e] Extension log:\n${s.codeServer.logs(/pgflex|PostgreSQL Migration|remoteexthost/)}`);
    throw e;
  }
}
