import type * as vscode from 'vscode';
import type { PgflexContext } from '../context';
import type { Panels } from '../panelHost';
import { registerCommand } from './registerCommand';
import { addConnection, copyConnectionString, removeConnection } from './connectionCommands';
import { cancel, copyName, openDetails, openInPgsql, refreshMigration, removeFromList, restartInWizard, retry } from './migrationCommands';
import { cutover } from './cutoverCommand';
import { cleanupLeftovers } from './cleanupCommand';
import { migrateNow, newMigration, refresh, refreshNode, showLog, signIn } from './viewCommands';

/** Every contributed command, registered through the one wrapper (scripts/check-commands.mjs checks the list). */
export function registerCommands(ctx: PgflexContext, panels: Panels): vscode.Disposable[] {
  const log = ctx.log;
  return [
    registerCommand(log, 'pgflex.newMigration', (a) => newMigration(ctx, panels, a)),
    registerCommand(log, 'pgflex.signIn', (t) => signIn(ctx, t)),
    registerCommand(log, 'pgflex.addConnection', (r) => addConnection(ctx, r)),
    registerCommand(log, 'pgflex.refresh', () => refresh(ctx)),
    registerCommand(log, 'pgflex.openDetails', (a) => openDetails(ctx, panels, a)),
    registerCommand(log, 'pgflex.cutover', (a) => cutover(ctx, a)),
    registerCommand(log, 'pgflex.cancel', (a) => cancel(ctx, a)),
    registerCommand(log, 'pgflex.showLog', () => showLog(ctx)),
    registerCommand(log, 'pgflex.refreshNode', (a) => refreshNode(ctx, a)),
    registerCommand(log, 'pgflex.refreshMigration', (a) => refreshMigration(ctx, a)),
    registerCommand(log, 'pgflex.migrateNow', (a) => migrateNow(ctx, panels, a)),
    registerCommand(log, 'pgflex.copyName', (a) => copyName(ctx, a)),
    registerCommand(log, 'pgflex.removeFromList', (a) => removeFromList(ctx, a)),
    registerCommand(log, 'pgflex.retry', (a) => retry(ctx, a)),
    registerCommand(log, 'pgflex.restartInWizard', (a) => restartInWizard(ctx, panels, a)),
    registerCommand(log, 'pgflex.openInPgsql', (a) => openInPgsql(ctx, a)),
    registerCommand(log, 'pgflex.copyConnectionString', (a) => copyConnectionString(ctx, a)),
    registerCommand(log, 'pgflex.removeConnection', (a) => removeConnection(ctx, a)),
    registerCommand(log, 'pgflex.cleanupLeftovers', (a) => cleanupLeftovers(ctx, a)),
  ];
}
