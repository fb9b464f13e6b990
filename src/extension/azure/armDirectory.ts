/**
 * The tenants of the signed-in account, straight from ARM (one paged GET; the SDK package
 * for it is not worth its weight). Subscriptions and servers come from src/azure. No 'vscode' here.
 */
import type { AzureTenant } from '../model/azureTypes';

export const ARM_ENDPOINT = 'https://management.azure.com';

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
        : `Azure Resource Manager refused to list your tenants: ${why}`);
    }
    const page = (await res.json()) as { value?: T[]; nextLink?: string };
    out.push(...(page.value ?? []));
    next = page.nextLink;
  }
  return out;
}

export async function listTenants(token: string, f: FetchLike = fetch as unknown as FetchLike, endpoint: string = ARM_ENDPOINT): Promise<AzureTenant[]> {
  const raw = await getAll<{ tenantId: string; displayName?: string }>(`${endpoint}/tenants?api-version=2022-12-01`, token, f);
  return raw.map((t) => ({ tenantId: t.tenantId, displayName: t.displayName }));
}
