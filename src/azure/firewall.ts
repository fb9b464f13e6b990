/**
 * A firewall rule for this machine's public address, for when `pg` cannot reach an Azure
 * server because its firewall refuses the client. The UI asks the person first.
 */
import { explainArmError } from './errors';
import type { AzureServerId } from '../core/ids';
import type { AzureSession } from './session';

/**
 * Azure's refusal names the address the server saw, which is the one to allow:
 * `no pg_hba.conf entry for host "203.0.113.7", user …`.
 */
export function refusedClientAddress(message: string): string | undefined {
  return /no pg_hba\.conf entry for host "([^"]+)"/i.exec(message)?.[1];
}

/** This machine's public IPv4 address as seen from the internet (needs outbound HTTPS). */
export async function lookupPublicAddress(url = 'https://api.ipify.org'): Promise<string> {
  const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  const text = (await res.text()).trim();
  if (!res.ok || !/^[0-9.]+$|^[0-9a-f:]+$/i.test(text)) throw new Error(`Could not find this machine's public address (${url} answered ${res.status}). Enter it by hand.`);
  return text;
}

/** Rule names allow letters, digits, `-` and `_`. */
export function firewallRuleName(address: string, prefix = 'pgflex'): string {
  return `${prefix}-${address.replace(/[^0-9a-zA-Z]/g, '-')}`;
}

export async function allowClientAddress(session: AzureSession, s: AzureServerId, address: string): Promise<{ ruleName: string }> {
  const ruleName = firewallRuleName(address);
  try {
    const client = await session.client(s.subscriptionId);
    await client.firewallRules.beginCreateOrUpdateAndWait(s.resourceGroup, s.name, ruleName, { startIpAddress: address, endIpAddress: address }, session.pollIntervalMs !== undefined ? { updateIntervalInMs: session.pollIntervalMs } : {});
  } catch (e) {
    throw explainArmError(e, { action: `allow ${address} through the firewall of ${s.name}`, resource: `Flexible Server "${s.name}" (resource group "${s.resourceGroup}")`, permission: 'Microsoft.DBforPostgreSQL/flexibleServers/firewallRules/write' });
  }
  return { ruleName };
}
