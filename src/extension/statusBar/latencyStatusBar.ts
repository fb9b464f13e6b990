import * as vscode from 'vscode';
import { Disposable } from '../lifecycle';
import { LEVEL_BACKGROUND, latencyStatus, type KnownMigration, type LatencyThresholds } from '../model/latencyStatus';
import type { ServerRef } from '../../core/provider';

/** Owns the latency item: one state in (from latencyStatus), text, colour, tooltip and command out. */
export class LatencyStatusBar extends Disposable {
  private readonly item: vscode.StatusBarItem;
  private shown = false;

  constructor() {
    super();
    this.item = this._register(vscode.window.createStatusBarItem('pgflex.latency', vscode.StatusBarAlignment.Left, 50));
    this.item.name = 'PostgreSQL Migration latency';
  }

  update(known: KnownMigration<ServerRef>[], thresholds: LatencyThresholds): void {
    const s = latencyStatus(known, thresholds);
    if (!s.visible || !s.open) {
      this.item.hide();
      this.shown = false;
      return;
    }
    this.item.text = s.text;
    const bg = LEVEL_BACKGROUND[s.level];
    this.item.backgroundColor = bg ? new vscode.ThemeColor(bg) : undefined;
    this.item.tooltip = new vscode.MarkdownString(s.tooltip);
    this.item.accessibilityInformation = { label: `Migration ${s.open.migration.name} waiting for cutover, ${s.text.replace('$(sync) ', 'latency of ')}` };
    this.item.command = { command: 'pgflex.openDetails', title: 'Open Details', arguments: [{ migration: s.open.migration, target: s.open.target }] };
    this.item.show();
    this.shown = true;
  }

  /** For tests: what the item shows. */
  get current(): { visible: boolean; text: string } {
    return { visible: this.shown, text: this.shown ? this.item.text : '' };
  }
}
