import type * as vscode from 'vscode';

/** Wires the extension together; the UI work fills it in. */
export function activate(_context: vscode.ExtensionContext): void {
  // Intentionally empty until the extension UI lands.
}

export function deactivate(): void {
  // Nothing to release yet.
}
