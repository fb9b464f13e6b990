import * as vscode from 'vscode';
import type { Migration } from '../../core/model';
import type { ServerRef } from '../../core/provider';
import type { PgflexContext } from '../context';
import type { NodeOf } from '../model/treeModel';
import { migrationDescription } from '../model/migrationPresentation';
import { UserCancelledError } from './registerCommand';

export interface MigrationArg {
  migration: Migration;
  target: ServerRef;
}

function isMigrationArg(a: unknown): a is MigrationArg {
  const o = a as Partial<MigrationArg> | undefined;
  return !!o && typeof o === 'object' && !!o.migration && typeof o.migration.name === 'string' && !!o.target && typeof o.target.id === 'string';
}

/**
 * The migration a command acts on: the tree node (or status bar item) it was invoked on,
 * or, from the palette, one picked among the migrations the explorer has loaded.
 */
export async function migrationArg(ctx: PgflexContext, arg: unknown, what: string, filter: (m: Migration) => boolean = () => true): Promise<MigrationArg> {
  if (isMigrationArg(arg)) return { migration: arg.migration, target: arg.target };
  const candidates = ctx.model.migrations().filter((n) => filter(n.migration));
  if (!candidates.length) {
    throw new Error(`No migration to ${what}. Expand a target server in the PostgreSQL Migration view to load its migrations, then try again.`);
  }
  const now = Date.now();
  const pick = await vscode.window.showQuickPick(
    candidates.map((n: NodeOf<'migration'>) => ({ label: n.migration.name, description: n.target.label, detail: migrationDescription(n.migration, now), n })),
    { title: `Choose the migration to ${what}`, matchOnDescription: true },
  );
  if (!pick) throw new UserCancelledError();
  return { migration: pick.n.migration, target: pick.n.target };
}

export function providerKind(m: Migration): 'azure' | 'direct' {
  return m.provider === 'azure' ? 'azure' : 'direct';
}
