/**
 * Server parameters of a Flexible Server: the target prerequisites in one place
 * (`azure.extensions` allow-list, `shared_preload_libraries` + restart, `wal_level` for an
 * online migration from a Flexible source), the Azure facts the validation rules need, and
 * applying a rule's `fix`.
 */
import { AzureError, explainArmError } from './errors';
import type { AzureServerId } from '../core/ids';
import { vCoresFromSkuName } from './sku';
import type { AzureSession } from './session';

/** What the validation rules take as `azureTarget` (see src/direct/validation.ts). */
export interface AzureTargetFacts {
  skuTier?: string;
  vCores?: number;
  storageMb?: number;
  allowlistedExtensions?: string[];
  sharedPreloadLibraries?: string[];
}

/** Parameters whose change takes effect only after a restart. */
const STATIC_PARAMETERS = new Set(['shared_preload_libraries', 'wal_level', 'max_replication_slots', 'max_wal_senders', 'max_worker_processes']);

export function splitList(value: string | undefined): string[] {
  return (value ?? '').split(',').map((s) => s.trim()).filter(Boolean);
}

function label(s: AzureServerId): string {
  return `Flexible Server "${s.name}" (resource group "${s.resourceGroup}")`;
}

export class AzureServerParameters {
  constructor(private readonly session: AzureSession) {}

  private async client(s: AzureServerId) {
    return this.session.client(s.subscriptionId);
  }

  private lro() {
    return this.session.pollIntervalMs !== undefined ? { updateIntervalInMs: this.session.pollIntervalMs } : {};
  }

  async get(s: AzureServerId, name: string): Promise<string | undefined> {
    try {
      return (await (await this.client(s)).configurations.get(s.resourceGroup, s.name, name)).value;
    } catch (e) {
      throw explainArmError(e, { action: `read the server parameter ${name}`, resource: `parameter ${name} of ${label(s)}`, permission: 'Microsoft.DBforPostgreSQL/flexibleServers/configurations/read' });
    }
  }

  /** Set one parameter and wait for ARM to finish. Returns whether a restart is needed for it to apply. */
  async set(s: AzureServerId, name: string, value: string): Promise<{ restartNeeded: boolean }> {
    try {
      await (await this.client(s)).configurations.beginUpdateAndWait(s.resourceGroup, s.name, name, { value, source: 'user-override' }, this.lro());
    } catch (e) {
      throw explainArmError(e, { action: `set the server parameter ${name}`, resource: `parameter ${name} of ${label(s)}`, permission: 'Microsoft.DBforPostgreSQL/flexibleServers/configurations/write' });
    }
    return { restartNeeded: STATIC_PARAMETERS.has(name) };
  }

  /** Restart the server and wait until ARM reports it Ready again. */
  async restartAndWait(s: AzureServerId, timeoutMs = 15 * 60 * 1000): Promise<void> {
    const client = await this.client(s);
    try {
      await client.servers.beginRestartAndWait(s.resourceGroup, s.name, this.lro());
    } catch (e) {
      throw explainArmError(e, { action: `restart ${s.name}`, resource: label(s), permission: 'Microsoft.DBforPostgreSQL/flexibleServers/restart/action' });
    }
    const end = Date.now() + timeoutMs;
    for (;;) {
      const state = (await client.servers.get(s.resourceGroup, s.name)).state;
      if (state === 'Ready') return;
      if (Date.now() > end) throw new AzureError(`${label(s)} is still ${state} ${Math.round(timeoutMs / 60000)} minutes after the restart. Check it in the Azure portal.`, 'other');
      await new Promise((r) => setTimeout(r, this.session.pollIntervalMs ?? 5000));
    }
  }

  /** Change the server's SKU or storage (a long-running operation, followed to the end). */
  async updateServer(s: AzureServerId, patch: { sku?: { name: string; tier: string }; storage?: { storageSizeGB: number } }, action: string): Promise<void> {
    try {
      await (await this.client(s)).servers.beginUpdateAndWait(s.resourceGroup, s.name, patch, this.lro());
    } catch (e) {
      throw explainArmError(e, { action, resource: label(s), permission: 'Microsoft.DBforPostgreSQL/flexibleServers/write' });
    }
  }

  /** Add extensions to `azure.extensions` (keeps what is there; no restart needed). */
  async allowlistExtensions(s: AzureServerId, names: string[]): Promise<string[]> {
    const current = splitList(await this.get(s, 'azure.extensions'));
    const merged = mergeList(current, names.map((n) => n.toLowerCase()));
    if (merged.length !== current.length) await this.set(s, 'azure.extensions', merged.join(','));
    return merged;
  }

  /**
   * Add libraries to `shared_preload_libraries`. They load only after a restart: pass
   * `restart: true` once the person has agreed to it, and this restarts and waits.
   */
  async addSharedPreloadLibraries(s: AzureServerId, names: string[], opts: { restart: boolean }): Promise<{ value: string[]; restarted: boolean; restartNeeded: boolean }> {
    const current = splitList(await this.get(s, 'shared_preload_libraries'));
    const merged = mergeList(current, names.map((n) => n.toLowerCase()));
    if (merged.length === current.length) return { value: merged, restarted: false, restartNeeded: false };
    await this.set(s, 'shared_preload_libraries', merged.join(','));
    if (opts.restart) await this.restartAndWait(s);
    return { value: merged, restarted: opts.restart, restartNeeded: !opts.restart };
  }

  /** `wal_level=logical` on a Flexible Server used as an online source (restart needed). */
  async enableLogicalReplication(s: AzureServerId, opts: { restart: boolean }): Promise<{ restarted: boolean; restartNeeded: boolean }> {
    if ((await this.get(s, 'wal_level'))?.toLowerCase() === 'logical') return { restarted: false, restartNeeded: false };
    await this.set(s, 'wal_level', 'logical');
    if (opts.restart) await this.restartAndWait(s);
    return { restarted: opts.restart, restartNeeded: !opts.restart };
  }

  /** The Azure facts the validation rules check (SKU, vCores, storage, allow-list, preload). */
  async targetFacts(s: AzureServerId): Promise<AzureTargetFacts> {
    const client = await this.client(s);
    let server;
    try {
      server = await client.servers.get(s.resourceGroup, s.name);
    } catch (e) {
      throw explainArmError(e, { action: `read ${s.name}`, resource: label(s), permission: 'Microsoft.DBforPostgreSQL/flexibleServers/read' });
    }
    const [ext, preload] = await Promise.all([this.get(s, 'azure.extensions'), this.get(s, 'shared_preload_libraries')]);
    return {
      skuTier: server.sku?.tier,
      vCores: vCoresFromSkuName(server.sku?.name),
      storageMb: server.storage?.storageSizeGB !== undefined ? server.storage.storageSizeGB * 1024 : undefined,
      allowlistedExtensions: splitList(ext),
      sharedPreloadLibraries: splitList(preload),
    };
  }

  /**
   * Apply a validation rule's `fix` descriptor. Known ids:
   * - `azure.allowlistExtensions` { extensions: "a,b" }
   * - `azure.addSharedPreloadLibraries` { libraries: "a,b" } (restarts only with `restart: true`)
 * - `azure.scaleSku` { tier, vCores } (scaling restarts the server: done only with `restart: true`)
 * - `azure.growStorage` { storageGb }
   * - `azure.walLevelLogical` (restarts only with `restart: true`)
   * - `azure.setParameter` { name, value }
   */
  async applyFix(s: AzureServerId, fix: { id: string; args?: Record<string, string> }, opts: { restart?: boolean } = {}): Promise<{ summary: string; restartNeeded: boolean; confirmationNeeded?: boolean }> {
    const args = fix.args ?? {};
    const list = (...keys: string[]) => splitList(keys.map((k) => args[k]).find((v) => v !== undefined));
    switch (fix.id) {
      case 'azure.allowlistExtensions':
      case 'azure.extensions': {
        const names = list('extensions', 'names', 'value');
        if (!names.length) throw new AzureError(`The fix "${fix.id}" names no extension to allow.`, 'invalid');
        const v = await this.allowlistExtensions(s, names);
        return { summary: `azure.extensions on ${s.name} is now ${v.join(',')}.`, restartNeeded: false };
      }
      case 'azure.addSharedPreloadLibraries':
      case 'azure.sharedPreloadLibraries':
      case 'azure.preloadLibraries':
      case 'shared_preload_libraries': {
        const names = list('libraries', 'names', 'value', 'extensions');
        if (!names.length) throw new AzureError(`The fix "${fix.id}" names no library to preload.`, 'invalid');
        const r = await this.addSharedPreloadLibraries(s, names, { restart: !!opts.restart });
        return { summary: `shared_preload_libraries on ${s.name} is now ${r.value.join(',')}${r.restarted ? '; the server was restarted' : r.restartNeeded ? '; restart the server for it to apply' : ''}.`, restartNeeded: r.restartNeeded };
      }
      case 'azure.walLevelLogical':
      case 'azure.walLevel':
      case 'wal_level': {
        const r = await this.enableLogicalReplication(s, { restart: !!opts.restart });
        return { summary: `wal_level on ${s.name} is logical${r.restarted ? '; the server was restarted' : r.restartNeeded ? '; restart the server for it to apply' : ''}.`, restartNeeded: r.restartNeeded };
      }
      case 'azure.setParameter': {
        if (!args.name || args.value === undefined) throw new AzureError('The fix "azure.setParameter" needs a parameter name and value.', 'invalid');
        const r = await this.set(s, args.name, args.value);
        if (r.restartNeeded && opts.restart) await this.restartAndWait(s);
        return { summary: `${args.name} on ${s.name} is now ${args.value}.`, restartNeeded: r.restartNeeded && !opts.restart };
      }
      case 'azure.scaleSku': {
        const tier = args.tier ?? 'GeneralPurpose';
        const vCores = Number(args.vCores ?? 4);
        const name = args.skuName ?? skuNameFor(tier, vCores);
        if (!opts.restart) return { summary: `Scaling ${s.name} to ${name} (${tier}) restarts it; confirm to proceed.`, restartNeeded: true, confirmationNeeded: true };
        await this.updateServer(s, { sku: { name, tier } }, `scale ${s.name} to ${name}`);
        return { summary: `${s.name} now runs on ${name} (${tier}).`, restartNeeded: false };
      }
      case 'azure.growStorage': {
        const gb = Number(args.storageGb);
        if (!Number.isFinite(gb) || gb <= 0) throw new AzureError('The fix "azure.growStorage" needs a storage size in GB.', 'invalid');
        await this.updateServer(s, { storage: { storageSizeGB: gb } }, `grow the storage of ${s.name} to ${gb} GB`);
        return { summary: `${s.name} now has ${gb} GB of storage (storage cannot shrink later).`, restartNeeded: false };
      }
      default:
        throw new AzureError(`pgflex cannot apply the fix "${fix.id}" on Azure; follow the corrective action by hand.`, 'invalid');
    }
  }
}

/** The current general-purpose / memory-optimized / burstable SKU names for a vCore count. */
export function skuNameFor(tier: string, vCores: number): string {
  if (tier === 'MemoryOptimized') return `Standard_E${vCores}ds_v5`;
  if (tier === 'Burstable') return `Standard_B${vCores}ms`;
  return `Standard_D${vCores}ds_v5`;
}

function mergeList(current: string[], add: string[]): string[] {
  const have = new Set(current.map((c) => c.toLowerCase()));
  return [...current, ...add.filter((a) => !have.has(a) && (have.add(a), true))];
}
