import * as vscode from 'vscode';
import { PgflexContext } from './context';
import { registerCommands } from './commands/registerCommands';
import { importSandboxConnections } from './commands/connectionCommands';
import { announceEnded } from './commands/openTarget';
import { createPanels } from './panelsWiring';
import { DetailsPanel, WizardPanel } from './panels';

/**
 * The one place that wires the extension: context (settings, log, connections, Azure
 * sign-in, providers, tree, status bar), commands, panels. It reads state only; providers
 * and the Azure SDK load on first use.
 */
export function activate(context: vscode.ExtensionContext): { context: PgflexContext; panels: { WizardPanel: typeof WizardPanel; DetailsPanel: typeof DetailsPanel } } {
  const ctx = new PgflexContext(context);
  context.subscriptions.push(ctx);
  const { panels, disposables } = createPanels(ctx);
  context.subscriptions.push(...disposables, ...registerCommands(ctx, panels), ctx.onDidEndMigration((n) => announceEnded(ctx, n)));
  ctx.watcher.start();
  void importSandboxConnections(ctx, process.env.PGFLEX_SANDBOX_CONNECTIONS).catch((e) => ctx.log.error(e));
  ctx.log.info(`PostgreSQL Migration ${context.extension.packageJSON.version ?? ''} activated.`);
  // The API is for the extension-host tests (they drive the panels' host side by messages).
  return { context: ctx, panels: { WizardPanel, DetailsPanel } };
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
