/**
 * When an Azure Flexible Server refuses this machine (no pg_hba.conf entry: its firewall),
 * offer a firewall rule for the address it refused, then connect again. No 'vscode' here:
 * the prompt and the ARM call come in as functions, so the flow is testable.
 */
import type { ServerRef } from '../../core/provider';
import type { TestResult } from './pgTester';

export interface FirewallServer {
  subscriptionId: string;
  resourceGroup: string;
  name: string;
}

export interface FirewallOfferDeps {
  /** The Flexible Server behind a ref, undefined for anything else (direct, Single Server). */
  flexibleServer(ref: ServerRef): FirewallServer | undefined;
  /** The client address in Azure's refusal (src/azure refusedClientAddress), if it names one. */
  refusedAddress(message: string): string | undefined;
  /** This machine's public address, when the refusal's wording hides it. */
  publicAddress(): Promise<string>;
  /** Ask the person; true to add the rule. */
  ask(question: string, action: string): Promise<boolean>;
  /** Create the rule (src/azure allowClientAddress). */
  allow(server: FirewallServer, address: string): Promise<{ ruleName: string }>;
  log(message: string): void;
}

/** Run `test`; on a firewall refusal of a Flexible Server, offer the rule and, once added, test again. */
export async function testWithFirewallOffer(ref: ServerRef, test: () => Promise<TestResult>, deps: FirewallOfferDeps): Promise<TestResult> {
  const first = await test();
  if (first.ok || first.kind !== 'no-pg-hba') return first;
  const server = deps.flexibleServer(ref);
  if (!server) return first;
  let address = deps.refusedAddress(first.message);
  if (!address) {
    try {
      address = await deps.publicAddress();
    } catch (e) {
      deps.log(`Could not find this machine's public address for a firewall rule on ${server.name}: ${e instanceof Error ? e.message : String(e)}`);
      return first;
    }
  }
  const action = `Add a firewall rule for ${address}`;
  if (!(await deps.ask(`${first.message} Add a firewall rule on ${server.name} that allows ${address} (this machine)?`, action))) return first;
  try {
    const { ruleName } = await deps.allow(server, address);
    deps.log(`Added firewall rule ${ruleName} for ${address} on ${server.name}.`);
  } catch (e) {
    return { ok: false, message: e instanceof Error ? e.message : String(e) };
  }
  const again = await test();
  return again.ok ? { ...again, message: `${again.message} (firewall rule added for ${address})` } : again;
}
