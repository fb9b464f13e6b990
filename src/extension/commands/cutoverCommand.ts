import * as vscode from 'vscode';
import type { PgflexContext } from '../context';
import { CONFIRM_LABEL, cutoverRows, decideCutover } from '../model/cutoverPlan';
import { isWaitingForCutover } from '../model/migrationPresentation';
import { stateOf } from '../../core/model';
import { migrationArg, providerKind } from './pickMigration';
import { UserCancelledError } from './registerCommand';
import { offerOpenTarget } from './openTarget';

/**
 * Cut over an online migration: a QuickPick lists each waiting database with its latency
 * (all ticked) and an explicit "Writes to the source are stopped" item the user must tick.
 */
export async function cutover(ctx: PgflexContext, arg: unknown): Promise<void> {
  const { target, migration: seen } = await migrationArg(ctx, arg, 'cut over', isWaitingForCutover);
  const provider = ctx.provider(providerKind(seen));
  // Latency moves: confirm against fresh numbers.
  const m = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Reading the latency of ${seen.name}…` },
    () => provider.get(target, seen.name),
  );
  ctx.model.updateMigration(target, m);
  if (!isWaitingForCutover(m)) {
    throw new Error(`Migration "${m.name}" is not waiting for cutover (it is ${stateOf(m)}); cutover applies to online migrations once the initial copy is done.`);
  }
  const rows = cutoverRows(m, ctx.config.latency);
  type Item = vscode.QuickPickItem & { db?: string };
  const confirm: Item = {
    label: CONFIRM_LABEL,
    description: 'required',
    detail: 'Stop the applications writing to the source first: changes made after cutover are not migrated.',
    picked: false,
  };
  const dbItems: Item[] = rows.map((r) => ({
    label: r.database,
    description: r.description,
    detail: r.warning ? `$(warning) ${r.warning}` : undefined,
    picked: true,
    db: r.database,
  }));
  const qp = vscode.window.createQuickPick<Item>();
  qp.title = `Cut over migration ${m.name} on ${target.label}`;
  qp.placeholder = `Tick "${CONFIRM_LABEL}" and the databases to cut over, then press Enter`;
  qp.canSelectMany = true;
  qp.ignoreFocusOut = true;
  qp.items = [{ label: 'Databases', kind: vscode.QuickPickItemKind.Separator }, ...dbItems, { label: 'Confirmation', kind: vscode.QuickPickItemKind.Separator }, confirm];
  qp.selectedItems = dbItems;
  const picked = await new Promise<readonly Item[] | undefined>((resolve) => {
    qp.onDidAccept(() => {
      resolve(qp.selectedItems);
      qp.hide();
    });
    qp.onDidHide(() => resolve(undefined));
    qp.show();
  });
  qp.dispose();
  if (!picked) throw new UserCancelledError('the cutover');
  const decision = decideCutover(rows, picked.filter((i) => i.db).map((i) => i.db!), picked.includes(confirm));
  if (!decision.ok) {
    void vscode.window.showWarningMessage(decision.reason);
    return;
  }
  if (decision.warnings.length) {
    const go = await vscode.window.showWarningMessage(
      `The target is not caught up for every database. Cut over ${m.name} anyway?`,
      { modal: true, detail: decision.warnings.join('\n') },
      'Cut Over',
    );
    if (go !== 'Cut Over') throw new UserCancelledError('the cutover');
  }
  const dbs = decision.databases;
  await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Cutting over ${m.name}${dbs ? ` (${dbs.join(', ')})` : ''}…` },
    () => provider.cutover(target, m.name, dbs),
  );
  ctx.log.info(`Cutover of ${m.name} on ${target.label} requested${dbs ? ` for ${dbs.join(', ')}` : ''}.`);
  const after = await provider.get(target, m.name).catch(() => undefined);
  if (after) ctx.model.updateMigration(target, after);
  if (after && stateOf(after) === 'Succeeded') {
    await offerOpenTarget(ctx, target, after, `Migration ${m.name} is cut over and succeeded.`);
  } else {
    void vscode.window.showInformationMessage(`Cutover of ${m.name} started; the target finishes applying changes, then the migration succeeds.`);
  }
}
