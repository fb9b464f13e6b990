import * as vscode from 'vscode';
import type { PgflexContext } from '../context';
import type { Panels } from '../panelHost';
import { azureServerRef, type NodeOf, type TreeNode } from '../model/treeModel';

export function refresh(ctx: PgflexContext): void {
  ctx.refreshNode(undefined);
}

/** Inline refresh on a server (or an error node's retry, which passes the parent id). */
export function refreshNode(ctx: PgflexContext, arg: unknown): void {
  if (typeof arg === 'string') return ctx.refreshNode(arg);
  const node = arg as TreeNode | undefined;
  if (node?.kind === 'migration') return ctx.refreshNode(ctx.model.parent(node)?.id);
  if (node) ctx.refreshNode(node.id);
}

export async function signIn(ctx: PgflexContext, tenantId?: unknown): Promise<void> {
  const ok = await ctx.azure.signIn(typeof tenantId === 'string' ? tenantId : undefined);
  if (ok) ctx.refreshNode('azure');
}

export function showLog(ctx: PgflexContext): void {
  ctx.log.show();
}

export async function newMigration(_ctx: PgflexContext, panels: Panels, arg: unknown): Promise<void> {
  const node = arg as TreeNode | undefined;
  if (node?.kind === 'azureServer' && node.server.kind === 'flexible') {
    return panels.openWizard({ provider: 'azure', targetServer: azureServerRef(node.server) });
  }
  if (node?.kind === 'connection' && node.connection.role === 'target') {
    return panels.openWizard({ provider: 'direct', targetConnectionId: node.connection.id });
  }
  return panels.openWizard();
}

/** "Migrate now" on a Single Server (or a Direct source): the wizard with the source filled in. */
export async function migrateNow(_ctx: PgflexContext, panels: Panels, arg: unknown): Promise<void> {
  const node = arg as NodeOf<'azureServer'> | NodeOf<'connection'> | undefined;
  if (node?.kind === 'azureServer') return panels.openWizard({ provider: 'azure', sourceServer: azureServerRef(node.server) });
  if (node?.kind === 'connection') return panels.openWizard({ provider: 'direct', sourceConnectionId: node.connection.id });
  throw new Error('Run "Migrate Now" on a Single Server or a source connection in the PostgreSQL Migration view.');
}

export async function focusView(): Promise<void> {
  await vscode.commands.executeCommand('pgflex.migrations.focus');
}
