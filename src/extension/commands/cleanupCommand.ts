import * as vscode from 'vscode';
import type { ReplicationLeftover } from '../../core/model';
import type { ServerRef } from '../../core/provider';
import type { ConnInfo } from '../../pg/connection';
import type { PgflexContext } from '../context';
import { connInfo } from '../connections/pgTester';
import { lazy } from '../lazyModules';
import { toServerRef, type SavedConnection } from '../model/connections';
import { cleanupConfirmation } from '../model/leftoverPresentation';
import type { NodeOf, TreeNode } from '../model/treeModel';
import type { MigrationLeftoversArg } from './cleanupArgs';
import { required, UserCancelledError } from './registerCommand';

interface Plan {
  servers: { source?: ConnInfo; target?: ConnInfo };
  where: string;
  /** Only one migration's objects. */
  migration?: string;
  /** Only the objects of one slot's name (its publication and heartbeat row share it). */
  only?: string;
}

async function server(ctx: PgflexContext, ref: ServerRef, role: 'source' | 'target'): Promise<ConnInfo> {
  return connInfo(ref, await ctx.serverPassword(ref, role), role);
}

async function connectionPlan(ctx: PgflexContext, c: SavedConnection, only?: string): Promise<Plan> {
  const ref = toServerRef(c);
  return { servers: { [c.role]: await server(ctx, ref, c.role) }, where: `${c.label} (${c.host}:${c.port})`, only };
}

async function planFor(ctx: PgflexContext, arg: unknown): Promise<Plan> {
  const node = arg as TreeNode | MigrationLeftoversArg | undefined;
  if (node?.kind === 'connection') return connectionPlan(ctx, node.connection);
  if (node?.kind === 'leftover') return connectionPlan(ctx, (node as NodeOf<'leftover'>).connection, node.leftover.name);
  if (node?.kind === 'migrationLeftovers') {
    const { RecordStore, targetKeyOf } = lazy();
    const rec = new RecordStore().load(targetKeyOf(node.target), node.name);
    if (!rec) throw new Error(`No local record of migration "${node.name}" names its source; use Clean Up Replication Leftovers… on the source connection instead.`);
    const { source, target } = rec.spec;
    return {
      servers: { source: await server(ctx, source, 'source'), target: await server(ctx, target, 'target') },
      where: `${source.host}:${source.port} and ${target.host}:${target.port}`,
      migration: node.name,
    };
  }
  const conns = ctx.connections.list();
  if (!conns.length) throw new Error('Add a source or target connection first: leftovers are looked for on a connection.');
  const pick = await vscode.window.showQuickPick(conns.map((c) => ({ label: c.label, description: `${c.role} · ${c.host}:${c.port}`, c })), { title: 'Clean Up Replication Leftovers', placeHolder: 'Which server?' });
  return connectionPlan(ctx, required(pick, 'the cleanup').c);
}

/**
 * Finds pgflex's replication objects, names each in a modal confirmation with the WAL its
 * slot holds, and removes them. Returns the sentence it showed (the details page repeats it).
 */
export async function cleanupLeftovers(ctx: PgflexContext, arg: unknown): Promise<string> {
  const plan = await planFor(ctx, arg);
  const { findLeftovers, removeLeftovers } = lazy();
  const found: ReplicationLeftover[] = (await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Looking for pgflex replication objects on ${plan.where}…` },
    () => findLeftovers(plan.servers, plan.migration),
  )).filter((l) => plan.only === undefined || l.name === plan.only);
  if (!found.length) {
    const none = `No pgflex replication objects${plan.migration ? ` of ${plan.migration}` : ''} on ${plan.where}.`;
    void vscode.window.showInformationMessage(none);
    ctx.refreshNode('direct');
    return none;
  }
  const ask = cleanupConfirmation(found, plan.where);
  const go = await vscode.window.showWarningMessage(ask.message, { modal: true, detail: ask.detail }, 'Remove');
  if (go !== 'Remove') throw new UserCancelledError('the cleanup');
  const { removed, problems } = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Removing ${found.length} replication objects…` },
    () => removeLeftovers(plan.servers, found),
  );
  ctx.log.info(`Cleanup on ${plan.where}: removed ${removed.map((l) => `${l.kind} ${l.name}`).join(', ') || 'nothing'}.${problems.length ? ` Problems: ${problems.join(' ')}` : ''}`);
  ctx.refreshNode('direct');
  if (problems.length) throw new Error(`Removed ${removed.length} of ${found.length} objects. ${problems.join(' ')}`);
  const done = `Removed ${removed.length} pgflex replication ${removed.length === 1 ? 'object' : 'objects'} from ${plan.where}.`;
  void vscode.window.showInformationMessage(done);
  return done;
}
