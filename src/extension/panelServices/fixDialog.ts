import * as vscode from 'vscode';
import type { ValidationSummaryItem } from '../../core/model';
import { parseFlexibleServerId } from '../../core/ids';
import type { MigrationRef } from '../../contract/protocol';
import type { PgflexContext } from '../context';

const RESTART = 'Apply and Restart if Needed';

/** A validation rule's one-click fix on an Azure target, after asking whether a restart may follow. */
export async function applyFix(ctx: PgflexContext, ref: MigrationRef, fix: NonNullable<ValidationSummaryItem['fix']>): Promise<string> {
  if (ref.provider !== 'azure') throw new Error(`"${fix.title}" can only be applied to an Azure target; apply it on the server by hand (see the corrective action).`);
  const server = parseFlexibleServerId(ref.targetId);
  if (!server) throw new Error(`The target of "${ref.name}" is not a Flexible Server id.`);
  const restart = await vscode.window.showWarningMessage(`${fix.title}: restart the server if the change needs it?`, { modal: true, detail: 'Some parameters (shared_preload_libraries, wal_level) only take effect after a restart, which interrupts connections for a minute or two.' }, RESTART, 'Apply Only');
  if (!restart) throw new Error('The fix was not applied.');
  const backend = await ctx.azureBackend();
  const r = await backend.forSubscription(server.subscriptionId).parameters.applyFix(server, fix, { restart: restart === RESTART });
  ctx.log.info(`Applied "${fix.title}" on ${server.name}: ${r.summary}`);
  return r.restartNeeded ? `${r.summary} Restart the server for it to take effect.` : r.summary;
}
