import * as vscode from 'vscode';
import { isTerminal, stateOf, type Migration } from '../../core/model';
import type { ServerRef } from '../../core/provider';
import type { PgflexContext } from '../context';
import type { Panels } from '../panelHost';
import { databasesOf } from '../model/migrationPresentation';
import { migrationArg, providerKind } from './pickMigration';
import { UserCancelledError } from './registerCommand';
import { openTarget } from './openTarget';
import { retrySpec } from '../model/retrySpec';
import { followStartedRun } from '../progressNotification';

export async function openDetails(ctx: PgflexContext, panels: Panels, arg: unknown): Promise<void> {
  const { target, migration } = await migrationArg(ctx, arg, 'open');
  await panels.openDetails(target, migration);
}

export async function cancel(ctx: PgflexContext, arg: unknown): Promise<void> {
  const { target, migration: m } = await migrationArg(ctx, arg, 'cancel', (x) => !isTerminal(x));
  if (isTerminal(m)) throw new Error(`Migration "${m.name}" has already ended (${stateOf(m)}); only a running migration can be canceled.`);
  const dbs = databasesOf(m);
  const go = await vscode.window.showWarningMessage(
    `Cancel migration "${m.name}"?`,
    {
      modal: true,
      detail: `The copy and any replication stop, and the replication objects are removed. The databases already created on ${target.label}${dbs.length ? ` (${dbs.join(', ')})` : ''} stay there: drop them yourself if you do not keep them.`,
    },
    'Cancel Migration',
  );
  if (go !== 'Cancel Migration') throw new UserCancelledError('the cancel');
  const provider = ctx.provider(providerKind(m));
  await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Canceling ${m.name}…` }, () => provider.cancel(target, m.name));
  const after = await provider.get(target, m.name).catch(() => undefined);
  if (after) ctx.model.updateMigration(target, after);
  void vscode.window.showInformationMessage(`Migration ${m.name} is canceled. The target databases stay on ${target.label}; drop them if you do not need them.`);
}

export async function copyName(ctx: PgflexContext, arg: unknown): Promise<void> {
  const { migration } = await migrationArg(ctx, arg, 'copy');
  await vscode.env.clipboard.writeText(migration.name);
  vscode.window.setStatusBarMessage(`Copied "${migration.name}"`, 3000);
}

export async function removeFromList(ctx: PgflexContext, arg: unknown): Promise<void> {
  const { target, migration } = await migrationArg(ctx, arg, 'remove from the list');
  await ctx.hide(target, migration.name);
  ctx.log.info(`Migration ${migration.name} on ${target.label} hidden from the list (it is not deleted).`);
  const node = ctx.model.findTargetNode(target);
  ctx.model.refresh(node);
}

export async function refreshMigration(ctx: PgflexContext, arg: unknown): Promise<void> {
  const { target, migration } = await migrationArg(ctx, arg, 'refresh');
  const m = await ctx.provider(providerKind(migration)).get(target, migration.name);
  ctx.model.updateMigration(target, m);
}

/** Failed direct migration: run it again under the same name; tables already copied are kept. */
export async function retry(ctx: PgflexContext, arg: unknown): Promise<void> {
  const { target, migration: m } = await migrationArg(ctx, arg, 'retry', (x) => x.provider === 'direct' && ['Failed', 'Canceled'].includes(stateOf(x)));
  const created = await retryMigration(ctx, target, m);
  void vscode.window.showInformationMessage(`Migration ${created.name} restarted (${stateOf(created)}).`);
}

export async function retryMigration(ctx: PgflexContext, target: ServerRef, m: Migration): Promise<Migration> {
  const plan = retrySpec(m, target, ctx.connections.list(), ctx.config.copyJobs);
  if (!plan.ok) throw new Error(plan.reason);
  const [sourcePassword, targetPassword] = await Promise.all([
    ctx.connections.password(plan.sourceConnectionId),
    plan.targetConnectionId ? ctx.connections.password(plan.targetConnectionId) : Promise.resolve(undefined),
  ]);
  ctx.log.addSecret(sourcePassword);
  ctx.log.addSecret(targetPassword);
  const created = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Retrying ${m.name} (tables already copied are kept)…` },
    () => ctx.direct.create(plan.spec, { sourcePassword, targetPassword }),
  );
  ctx.model.refresh(ctx.model.findTargetNode(target));
  followStartedRun(ctx, target, created.name);
  return created;
}

export async function restartInWizard(ctx: PgflexContext, panels: Panels, arg: unknown): Promise<void> {
  const { target, migration } = await migrationArg(ctx, arg, 'restart in the wizard');
  await panels.openWizard({ provider: providerKind(migration), from: migration, targetServer: target });
}

export async function openInPgsql(ctx: PgflexContext, arg: unknown): Promise<void> {
  const { target, migration } = await migrationArg(ctx, arg, 'open in the PostgreSQL extension', (x) => stateOf(x) === 'Succeeded');
  await openTarget(ctx, target, migration);
}
