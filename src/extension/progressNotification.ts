/**
 * A notification that follows a direct migration started in this window: bytes copied, rate
 * and time left, then post-data. Its Cancel asks to cancel the migration (the Cancel command,
 * with its confirmation); when the user keeps it running, the notification comes back.
 */
import * as vscode from 'vscode';
import { isTerminal, type Migration } from '../core/model';
import type { ServerRef } from '../core/provider';
import type { PgflexContext } from './context';
import type { LiveWatch } from './model/liveWatch';
import { noticeStep } from './model/progressNotice';

/** Follow a migration this window just started, if it runs here (direct engine); Azure ones are not followed. */
export function followStartedRun(ctx: PgflexContext, target: ServerRef, name: string): void {
  followInNotification(ctx.watchLive, target, name, (m) => vscode.commands.executeCommand('pgflex.cancel', { migration: m, target }));
}

export function followInNotification(watch: LiveWatch, target: ServerRef, name: string, cancel: (m: Migration) => Thenable<unknown>): void {
  let latest: Migration | undefined;
  let off: (() => void) | undefined;
  void vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Migration "${name}"`, cancellable: true },
    (progress, token) => new Promise<void>((resolve) => {
      let shown = 0;
      let ended = false;
      const end = () => {
        if (ended) return;
        ended = true;
        resolve();
      };
      off = watch(target, name, (m) => {
        latest = m;
        if (ended) return;
        const step = noticeStep(m, shown);
        shown = step.percent;
        progress.report({ message: step.message, increment: step.increment || undefined });
        if (step.done) {
          off?.();
          end();
        }
      });
      if (!off) return end();
      token.onCancellationRequested(() => {
        end();
        const asked = latest ?? { name };
        void Promise.resolve(cancel(asked)).then(() => {
          off?.();
          if (latest && !isTerminal(latest) && latest.currentStatus?.state !== 'WaitingForUserAction') followInNotification(watch, target, name, cancel);
        }, () => off?.());
      });
    }),
  );
}
