import type * as vscode from 'vscode';

/**
 * Dispose every item even when one throws (a failing dispose must not keep the others alive),
 * then report what failed: the one error, or an AggregateError of them all.
 */
export function disposeAll(items: Iterable<vscode.Disposable>): void {
  const errors: unknown[] = [];
  for (const d of items) {
    try {
      d.dispose();
    } catch (e) {
      errors.push(e);
    }
  }
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) throw new AggregateError(errors, `${errors.length} disposables failed while disposing.`);
}

/** Collects disposables; whatever was added goes away with it, the last added first. */
export class DisposableStore implements vscode.Disposable {
  private readonly items: vscode.Disposable[] = [];
  private disposed = false;

  /** Added after the store was disposed: disposed at once, so nothing leaks. */
  add<T extends vscode.Disposable>(d: T): T {
    if (this.disposed) d.dispose();
    else this.items.push(d);
    return d;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    // Reverse order: later registrations may depend on earlier ones.
    disposeAll(this.items.splice(0).reverse());
  }
}

/** Owns disposables: whatever is registered goes away with the owner, so nothing leaks. */
export abstract class Disposable implements vscode.Disposable {
  private readonly store = new DisposableStore();

  protected _register<T extends vscode.Disposable>(d: T): T {
    return this.store.add(d);
  }

  dispose(): void {
    this.store.dispose();
  }
}

export function toDisposable(fn: () => void): vscode.Disposable {
  return { dispose: fn };
}
