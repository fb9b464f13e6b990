import type { ServerRef } from '../../core/provider';
import type { PgflexContext } from '../context';
import { currentCloud } from '../azure/azureAccount';

/**
 * The password a panel call connects with: the one typed in the webview, else an Entra token
 * for an Azure server. Either is registered with the log first, so it is masked should a
 * message ever carry it.
 */
export async function passwordFor(ctx: PgflexContext, server: ServerRef, typed: string | undefined): Promise<string | undefined> {
  const pw = typed ?? (await entraToken(ctx, server));
  ctx.log.addSecret(pw);
  return pw;
}

async function entraToken(ctx: PgflexContext, server: ServerRef): Promise<string | undefined> {
  if (server.kind === 'direct') return undefined;
  try {
    // Entra ID token as the PostgreSQL password, where the server allows it.
    return await ctx.azure.token(undefined, currentCloud().ossrdbmsScope);
  } catch {
    return undefined;
  }
}
