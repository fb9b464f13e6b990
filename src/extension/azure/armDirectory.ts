/**
 * Tenants and subscriptions of the signed-in account, straight from ARM (two GETs; the
 * SDK packages for them are not worth their weight). No 'vscode' here.
 */
import type { AzureSubscription, AzureTenant } from '../model/azureTypes';

export const ARM_ENDPOINT = 'https://management.azure.com';
export const ARM_SCOPE = 'https://management.azure.com/.default';

export type FetchLike = (url: string, init: { headers: Record<string, string> }) => Promise<{ ok: boolean; status: number; json(): Promise<unknown> }>;

async function getAll<T>(url: string, token: string, f: FetchLike): Promise<T[]> {
  const out: T[] = [];
  let next: string | undefined = url;
  while (next) {
    const res = await f(next, { headers: { Authorization: `Bearer ${token}` } });
    if (!res.ok) {
      const body = (await res.json().catch(() => ({}))) as { error?: { message?: string } };
      const why = body.error?.message ?? `HTTP ${res.status}`;
      throw new Error(res.status === 401
        ? 'Your Azure sign-in has expired. Sign in again.'
        : `Azure Resource Manager refused to list ${url.includes('/tenants') ? 'tenants' : 'subscriptions'}: ${why}`);
    }
    const page = (await res.json()) as { value?: T[]; nextLink?: string };
    out.push(...(page.value ?? []));
    next = page.nextLink;
  }
  return out;
}

export async function listTenants(token: string, f: FetchLike = fetch as unknown as FetchLike, endpoint = ARM_ENDPOINT): Promise<AzureTenant[]> {
  const raw = await getAll<{ tenantId: string; displayName?: string }>(`${endpoint}/tenants?api-version=2022-12-01`, token, f);
  return raw.map((t) => ({ tenantId: t.tenantId, displayName: t.displayName }));
}

export async function listSubscriptions(token: string, tenantId: string, f: FetchLike = fetch as unknown as FetchLike, endpoint = ARM_ENDPOINT): Promise<AzureSubscription[]> {
  const raw = await getAll<{ subscriptionId: string; displayName: string; tenantId?: string; state?: string }>(`${endpoint}/subscriptions?api-version=2022-12-01`, token, f);
  return raw
    .filter((s) => s.state === undefined || s.state === 'Enabled' || s.state === 'Warned')
    .map((s) => ({ subscriptionId: s.subscriptionId, displayName: s.displayName, tenantId: s.tenantId ?? tenantId }));
}
