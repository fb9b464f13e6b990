import * as vscode from 'vscode';
import type { Logger } from '../logger';

/** Thrown (or returned as undefined input) when the user backs out: not an error. */
export class UserCancelledError extends Error {
  constructor(step = 'the command') {
    super(`Canceled ${step}.`);
    this.name = 'UserCancelledError';
  }
}

export function isCancellation(e: unknown): boolean {
  return e instanceof UserCancelledError || e instanceof vscode.CancellationError || (e instanceof Error && e.name === 'Canceled');
}

/** Returns the value, or throws UserCancelledError when an input box / pick was dismissed. */
export function required<T>(v: T | undefined, step?: string): T {
  if (v === undefined) throw new UserCancelledError(step);
  return v;
}

/**
 * The one way commands are registered: logs start, end and duration, shows a readable
 * error (with "Show Log"), and treats cancellation as a quiet end.
 */
export function registerCommand(
  log: Logger,
  id: string,
  handler: (...args: unknown[]) => unknown,
): vscode.Disposable {
  return vscode.commands.registerCommand(id, async (...args: unknown[]) => {
    const started = Date.now();
    log.debug(`${id}: started`);
    try {
      const result = await handler(...args);
      log.debug(`${id}: done in ${Date.now() - started} ms`);
      return result;
    } catch (e) {
      if (isCancellation(e)) {
        log.debug(`${id}: canceled by the user`);
        return undefined;
      }
      const message = e instanceof Error ? e.message : String(e);
      log.error(`${id} failed: ${message}`);
      if (e instanceof Error && e.stack) log.debug(e.stack);
      void vscode.window.showErrorMessage(message, 'Show Log').then((pick) => {
        if (pick) log.show();
      });
      return undefined;
    }
  });
}
