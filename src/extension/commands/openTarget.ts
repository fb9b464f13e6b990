import * as vscode from 'vscode';
import { stateOf, type Migration } from '../../core/model';
import type { ServerRef } from '../../core/provider';
import type { PgflexContext } from '../context';
import { pgsqlConnectLink } from '../model/connections';
import { databasesOf } from '../model/migrationPresentation';
import type { NodeOf } from '../model/treeModel';

const OPEN = 'Open Target in the PostgreSQL Extension';

/** A running migration just ended: say so, and after success offer the PostgreSQL extension. */
export function announceEnded(ctx: PgflexContext, n: NodeOf<'migration'>): void {
  const m = n.migration;
  const state = stateOf(m);
  ctx.log.info(`Migration ${m.name} on ${n.target.label} ended: ${state}${m.currentStatus?.error ? ` (${m.currentStatus.error})` : ''}.`);
  if (state === 'Succeeded') void offerOpenTarget(ctx, n.target, m, `Migration ${m.name} succeeded.`);
  else if (state === 'Failed' || state === 'ValidationFailed') void vscode.window.showErrorMessage(`Migration ${m.name} ${state === 'Failed' ? 'failed' : 'stopped: validation failed'}. Open its details to see why.`);
}

/** After success: a notification with the PostgreSQL extension link (never a password). */
export async function offerOpenTarget(ctx: PgflexContext, target: ServerRef, m: Migration, message: string): Promise<void> {
  const pick = await vscode.window.showInformationMessage(message, OPEN);
  if (pick === OPEN) await openTarget(ctx, target, m);
}

export async function openTarget(ctx: PgflexContext, target: ServerRef, m: Migration): Promise<void> {
  const link = pgsqlConnectLink({
    host: target.host,
    port: target.port,
    user: target.user,
    database: databasesOf(m)[0] ?? target.database ?? 'postgres',
    sslMode: target.sslMode,
    authenticationType: 'SqlLogin',
  });
  ctx.log.info(`Opening ${link}`);
  await vscode.env.openExternal(vscode.Uri.parse(link));
}
