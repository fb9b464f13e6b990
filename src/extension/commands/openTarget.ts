import * as vscode from 'vscode';
import type { Migration } from '../../core/model';
import type { ServerRef } from '../../core/provider';
import type { PgflexContext } from '../context';
import { pgsqlConnectLink } from '../model/connections';
import { databasesOf } from '../model/migrationPresentation';

const OPEN = 'Open Target in the PostgreSQL Extension';

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
