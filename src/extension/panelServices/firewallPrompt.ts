import * as vscode from 'vscode';
import { parseFlexibleServerId } from '../../core/ids';
import type { PgflexContext } from '../context';
import type { FirewallOfferDeps } from '../connections/firewallOffer';
import { lazy } from '../lazyModules';

/** What the firewall offer (connections/firewallOffer.ts) needs in VS Code: a modal question and the Azure session. */
export function firewallPrompt(ctx: PgflexContext): FirewallOfferDeps {
  return {
    flexibleServer: (ref) => (ref.kind === 'azure-flexible' ? parseFlexibleServerId(ref.id) : undefined),
    refusedAddress: (message) => lazy().refusedClientAddress(message),
    publicAddress: () => lazy().lookupPublicAddress(),
    async ask(question, action) {
      return (await vscode.window.showWarningMessage(question, { modal: true }, action)) === action;
    },
    async allow(server, address) {
      return (await ctx.azureBackend()).forSubscription(server.subscriptionId).allowClientAddress(server, address);
    },
    log: (message) => ctx.log.info(message),
  };
}
