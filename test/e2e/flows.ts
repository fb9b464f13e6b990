/** The user's paths through the extension's UI, shared by the e2e flows. */
import type { FrameLocator } from 'playwright-core';
import { escapeRegExp } from '../../scripts/code-server/workbench';
import { current } from './session';

export const VIEW = 'PostgreSQL Migration';
export const SOURCE_LABEL = 'e2e source';
export const TARGET_LABEL = 'e2e target';

/** Adds a connection with the "Add connection…" tree entry, answering each input box as a user would. */
export async function addConnection(role: 'Source' | 'Target', label: string, port: number, password: string): Promise<void> {
  const { wb } = current();
  await (await wb.waitForTreeItem(/^Add connection/)).click();
  await wb.pick(new RegExp(`^${role}\\b`));
  await wb.answer(/\(2\/7\)/, '127.0.0.1');
  await wb.answer(/\(3\/7\)/, String(port));
  await wb.answer(/\(4\/7\)/, 'postgres');
  await wb.answer(/\(5\/7\)/, 'postgres');
  await wb.pick(/^disable\b/);
  await wb.answer(/\(7\/7\)/, password);
  await wb.answer(/Name this connection/, label);
}

/** Opens the wizard from the view's title bar ("New Migration…"). */
export async function openWizard(): Promise<FrameLocator> {
  const { wb, page } = current();
  await wb.openView(VIEW);
  await page.locator('.part.sidebar .title-actions [aria-label^="New Migration"]').first().click();
  const f = await wb.webview(/New migration/);
  await f.getByRole('tab', { name: /Setup/ }).click();
  await f.locator('#step[data-step=setup]').waitFor();
  return f;
}

export async function closeEditor(title: string | RegExp): Promise<void> {
  const { page } = current();
  const tab = page.locator('.tabs-container .tab', { hasText: title }).first();
  await tab.locator('.codicon-close').click();
  await tab.waitFor({ state: 'detached' });
}

export async function setup(f: FrameLocator, name: string, mode: 'Offline' | 'Online'): Promise<void> {
  await f.getByRole('textbox', { name: 'Migration name' }).fill(name);
  await f.getByRole('radio', { name: /^Validate and Migrate/ }).click();
  await f.getByRole('radio', { name: new RegExp(`^${mode}`) }).click();
  await f.getByRole('button', { name: /^Next/ }).click();
}

/** Source or target step with a saved connection (its password comes from secret storage). */
export async function savedServer(f: FrameLocator, role: 'source' | 'target'): Promise<void> {
  await f.locator(`#step[data-step=${role}]`).waitFor();
  await f.getByRole('radio', { name: 'A saved connection' }).click();
  await f.getByRole('combobox').click();
  await f.getByRole('option', { name: new RegExp(`^e2e ${role}`) }).click();
  await f.getByRole('button', { name: `Connect to ${role}` }).click();
  await f.locator(`#${role}-result.ok`).waitFor();
  await f.getByRole('button', { name: /^Next/ }).click();
}

export async function chooseDatabases(f: FrameLocator, dbs: string[], overwrite = false): Promise<void> {
  await f.locator('#step[data-step=databases] #db-table').waitFor();
  // The checkboxes' accessible name is the toolkit's default ("Checkbox"), so find them by their row.
  for (const db of dbs) await f.getByRole('row', { name: new RegExp(`\\b${escapeRegExp(db)}\\b`) }).getByRole('checkbox').click();
  await f.locator('#db-count', { hasText: `${dbs.length} of ` }).waitFor();
  // The wizard asks only when a database already exists on the target.
  if (overwrite && (await f.locator('#overwrite-notice').count())) await f.getByRole('checkbox', { name: /Overwrite these databases/ }).click();
  await f.getByRole('button', { name: /^Next/ }).click();
  await f.locator('#step[data-step=summary]').waitFor();
}

/** Starts the migration from the summary; the wizard closes and the details page opens. */
export async function start(f: FrameLocator, name: string): Promise<FrameLocator> {
  await f.getByRole('button', { name: 'Start migration' }).click();
  const { wb } = current();
  const d = await wb.webview(new RegExp(`${escapeRegExp(name)}[\\s\\S]*Copy as JSON`));
  await d.getByRole('button', { name: 'Refresh' }).first().waitFor();
  return d;
}

/**
 * Waits until the details page shows what `done` looks for. The page refreshes itself every
 * minute; a watching user presses its Refresh button, and so does this.
 */
export async function watchDetails(d: FrameLocator, done: (text: string) => boolean, what: string, timeoutMs = 120_000): Promise<string> {
  const { page } = current();
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const text = await d.locator('body').innerText();
    if (done(text)) return text;
    if (Date.now() > deadline) throw new Error(`The details page did not show ${what} within ${timeoutMs / 1000} s. It shows:\n${text.slice(0, 1500)}`);
    await d.getByRole('button', { name: 'Refresh' }).first().click();
    await page.waitForTimeout(1000);
  }
}

/** The header part of the details page (before the per-database grid). */
export function header(text: string): string {
  return text.split(/\nDatabases\n/)[0];
}

/** The grid row of one database: its cells, by column name. */
export function dbRow(text: string, db: string): Record<string, string> | undefined {
  const lines = text.split('\n');
  const head = lines.find((l) => l.startsWith('Database\tState'));
  const row = lines.find((l) => l.startsWith(`${db}\t`));
  if (!head || !row) return undefined;
  const cols = head.split('\t');
  const cells = row.split('\t');
  return Object.fromEntries(cols.map((c, i) => [c, cells[i] ?? '']));
}

/** Replication objects left anywhere: slots and publications on the source, subscriptions on the target. */
export async function replicationLeftovers(dbs: readonly string[]): Promise<string[]> {
  const { servers } = current();
  const found: string[] = [];
  const slots = (await servers.source.psql('postgres', 'SELECT slot_name FROM pg_replication_slots')).split('\n').filter(Boolean);
  found.push(...slots.map((s) => `slot ${s}`));
  for (const db of dbs) {
    const pubs = (await servers.source.psql(db, 'SELECT pubname FROM pg_publication')).split('\n').filter(Boolean);
    const subs = (await servers.target.psql(db, 'SELECT subname FROM pg_subscription')).split('\n').filter(Boolean);
    found.push(...pubs.map((p) => `publication ${p} in ${db}`), ...subs.map((s) => `subscription ${s} in ${db}`));
  }
  return found;
}

/** The sample's own tables (the engine's helper tables, if any, left out), with their row counts. */
export function sampleTables(counts: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(counts).filter(([t]) => !/pgflex/i.test(t)));
}
