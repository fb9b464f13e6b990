/**
 * Driving the VS Code workbench as a user does: by what is on screen (accessible names,
 * visible text), waiting on the page rather than on the clock.
 */
import type { FrameLocator, Locator, Page } from 'playwright-core';

export class Workbench {
  constructor(
    readonly page: Page,
    readonly timeoutMs = 30_000,
  ) {}

  async ready(): Promise<void> {
    await this.page.locator('.monaco-workbench .part.activitybar').first().waitFor({ state: 'visible', timeout: 60_000 });
  }

  /** The activity bar entry of a view container (its title is its accessible name). */
  activityItem(title: string): Locator {
    return this.page.locator(`.part.activitybar .action-item a[aria-label^="${title}"], .part.activitybar .action-item[aria-label^="${title}"]`).first();
  }

  /** Opens a view container from the activity bar; leaves it open when it already is. */
  async openView(title: string): Promise<void> {
    const item = this.activityItem(title);
    await item.waitFor({ state: 'visible', timeout: this.timeoutMs });
    const sidebarTitle = this.page.locator('.part.sidebar .composite.title h2');
    const current = (await sidebarTitle.isVisible()) ? (await sidebarTitle.textContent()) ?? '' : '';
    if (!current.toLowerCase().includes(title.toLowerCase())) await item.click();
    await this.page.locator('.part.sidebar .composite.title h2', { hasText: new RegExp(title, 'i') }).waitFor({ timeout: this.timeoutMs });
  }

  /** A tree row by what it shows (label, then description). Its aria-label is often the tooltip instead. */
  treeItem(text: string | RegExp): Locator {
    return this.page.locator('.part.sidebar [role="treeitem"]').filter({ hasText: text });
  }

  async waitForTreeItem(name: string | RegExp): Promise<Locator> {
    const item = this.treeItem(name).first();
    await item.waitFor({ state: 'visible', timeout: this.timeoutMs });
    return item;
  }

  quickInput(): Locator {
    return this.page.locator('.quick-input-widget');
  }

  /** Runs a command from the command palette by its title as shown there. */
  async runCommand(title: string): Promise<void> {
    await this.page.keyboard.press('F1');
    const input = this.quickInput().locator('input.input');
    await input.waitFor({ state: 'visible', timeout: this.timeoutMs });
    await input.fill(`>${title}`);
    const row = this.quickInput().getByRole('option', { name: new RegExp(escapeRegExp(title), 'i') }).first();
    await row.waitFor({ state: 'visible', timeout: this.timeoutMs });
    await row.click();
  }

  /** Waits for an input box whose prompt or title matches, types the answer and presses Enter. */
  async answer(prompt: RegExp, text: string): Promise<void> {
    const widget = this.quickInput();
    await widget.filter({ hasText: prompt }).waitFor({ state: 'visible', timeout: this.timeoutMs });
    const input = widget.locator('input.input');
    await input.fill(text);
    await input.press('Enter');
  }

  /** Picks an entry of a quick pick by its label. */
  async pick(label: string | RegExp): Promise<void> {
    const row = this.quickInput().getByRole('option', { name: label }).first();
    await row.waitFor({ state: 'visible', timeout: this.timeoutMs });
    await row.click();
  }

  notification(text: RegExp): Locator {
    return this.page.locator('.notifications-toasts .notification-list-item', { hasText: text }).first();
  }

  statusBarItem(text: RegExp): Locator {
    return this.page.locator('.part.statusbar .statusbar-item', { hasText: text }).first();
  }

  /**
   * The content of the visible webview whose page shows `text`. Webviews live in
   * iframe.webview, and their page in that iframe's #active-frame.
   */
  async webview(text: RegExp): Promise<FrameLocator> {
    const deadline = Date.now() + this.timeoutMs;
    for (;;) {
      const frames = this.page.locator('iframe.webview');
      const n = await frames.count();
      for (let i = 0; i < n; i++) {
        const outer = frames.nth(i);
        if (!(await outer.isVisible())) continue;
        const inner = this.page.frameLocator('iframe.webview').nth(i).frameLocator('#active-frame');
        if (await inner.locator('body', { hasText: text }).count()) return inner;
      }
      if (Date.now() > deadline) throw new Error(`No visible webview shows ${text}`);
      await this.page.waitForTimeout(250);
    }
  }
}

export function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
