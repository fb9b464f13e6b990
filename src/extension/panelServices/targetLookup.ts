import type { ServerRef } from '../../core/provider';
import { parseFlexibleServerId } from '../../core/ids';
import type { MigrationRef } from '../../contract/protocol';
import type { PgflexContext } from '../context';
import { toServerRef } from '../model/connections';
import { azureServerRef, type NodeOf } from '../model/treeModel';

/** The target server of a migration a panel shows: a saved connection, a server in the tree, or its ARM id. */
export async function findTarget(ctx: PgflexContext, ref: MigrationRef): Promise<ServerRef | undefined> {
  if (ref.provider === 'direct') {
    const c = ctx.connections.list().find((x) => toServerRef(x).id === ref.targetId);
    if (c) return toServerRef(c);
  }
  const known = ctx.model.migrations().find((n) => n.target.id.toLowerCase() === ref.targetId.toLowerCase());
  if (known) return known.target;
  const flex = parseFlexibleServerId(ref.targetId);
  if (ref.provider === 'azure' && flex) {
    return azureServerRef({ id: ref.targetId, name: flex.name, kind: 'flexible', subscriptionId: flex.subscriptionId, resourceGroup: flex.resourceGroup });
  }
  return undefined;
}

/** Reload the migration's target in the tree and select the migration there. */
export async function revealInTree(ctx: PgflexContext, ref: MigrationRef): Promise<void> {
  const target = await findTarget(ctx, ref);
  const node = target && ctx.model.findTargetNode(target);
  if (!node) return;
  ctx.model.refresh(node);
  const kids = await ctx.model.children(node);
  const m = kids.find((k): k is NodeOf<'migration'> => k.kind === 'migration' && k.migration.name === ref.name);
  if (m) await ctx.tree.reveal(m);
}

/** Reload the migration's target in the tree (a migration was just created there). */
export async function refreshTarget(ctx: PgflexContext, ref: MigrationRef): Promise<void> {
  const t = await findTarget(ctx, ref);
  const node = t && ctx.model.findTargetNode(t);
  if (node) ctx.model.refresh(node);
}
