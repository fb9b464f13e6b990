/** Rules for Azure Flexible Server targets, from facts the Azure provider reads from ARM. */
import { formatBytes } from '../format';
import type { ValidationMessage, ValidationSummaryItem } from '../model';
import { BUILTIN_EXTENSIONS, CODE, MIN_TARGET_VCORES, PRELOAD_LIBRARIES, RULE, UNSUPPORTED_EXTENSIONS } from './catalog';
import type { ValidationFacts } from './facts';
import { fail, item, listSome, ok, warn } from './item';
import { readDatabases } from './servers';

/** Extensions in use in the chosen databases (that could be read), sorted. */
export function extensionsInUse(f: ValidationFacts): string[] {
  const names = new Set<string>();
  for (const db of readDatabases(f)) for (const e of db.extensions) if (!BUILTIN_EXTENSIONS.includes(e.name)) names.add(e.name);
  return [...names].sort();
}

function splitList(v: string[] | undefined): string[] {
  return (v ?? []).map((s) => s.trim()).filter(Boolean);
}

export function skuRule(f: ValidationFacts): ValidationSummaryItem | undefined {
  const az = f.azureTarget;
  if (!az || (az.skuTier === undefined && az.vCores === undefined)) return undefined;
  const sku = az.skuName ? `${az.skuName}${az.skuTier ? `, ${az.skuTier}` : ''}` : (az.skuTier ?? 'unknown SKU');
  const messages: ValidationMessage[] = [];
  if (az.skuTier?.toLowerCase() === 'burstable') {
    messages.push(fail(`The target is a Burstable server${az.skuName ? ` (${az.skuName})` : ''}; the migration service needs General Purpose or Memory Optimized.`));
  }
  if (az.vCores !== undefined && az.vCores < MIN_TARGET_VCORES) {
    messages.push(warn(`The target has ${az.vCores} vCore${az.vCores === 1 ? '' : 's'}; at least ${MIN_TARGET_VCORES} are recommended so the copy does not take much longer.`));
  }
  if (!messages.length) messages.push(ok(`The target's compute (${sku}${az.vCores !== undefined ? `, ${az.vCores} vCores` : ''}) suits a migration.`));
  return item(RULE.sku, messages, {
    correctiveAction: `Scale the target to General Purpose with at least ${MIN_TARGET_VCORES} vCores for the migration (Compute + storage in the portal); scale it back down afterwards.`,
    fix: { id: 'azure.scaleSku', title: `Scale the target to General Purpose, ${MIN_TARGET_VCORES} vCores`, args: { tier: 'GeneralPurpose', vCores: String(MIN_TARGET_VCORES) } },
  });
}

export function allowlistRule(f: ValidationFacts): ValidationSummaryItem | undefined {
  const az = f.azureTarget;
  if (!az?.allowlistedExtensions) return undefined;
  const allowed = splitList(az.allowlistedExtensions);
  const lower = new Set(allowed.map((s) => s.toLowerCase()));
  // Extensions the migration cannot move fail ExtensionsValidation; allowing them would not help.
  const inUse = extensionsInUse(f).filter((e) => !UNSUPPORTED_EXTENSIONS.includes(e));
  const missing = inUse.filter((e) => !lower.has(e.toLowerCase()));
  if (!missing.length) {
    return item(RULE.allowlist, [ok(inUse.length ? `Every extension in use (${listSome(inUse)}) is allowed by azure.extensions on the target.` : 'No extensions besides plpgsql are in use.')]);
  }
  const value = [...allowed, ...missing].join(',');
  return item(RULE.allowlist, [fail(`Not allowed by azure.extensions on the target: ${missing.join(', ')}.`)], {
    code: CODE.allowlist,
    objects: missing,
    correctiveAction: `On the target set the server parameter azure.extensions to '${value}' (portal: Server parameters; or az postgres flexible-server parameter set --name azure.extensions --value '${value}'). No restart is needed.`,
    fix: { id: 'azure.allowlistExtensions', title: `Allow ${missing.join(', ')} in azure.extensions`, args: { extensions: missing.join(','), value } },
  });
}

export function preloadRule(f: ValidationFacts): ValidationSummaryItem | undefined {
  const az = f.azureTarget;
  if (!az?.sharedPreloadLibraries) return undefined;
  const loaded = splitList(az.sharedPreloadLibraries);
  const lower = new Set(loaded.map((s) => s.toLowerCase()));
  const needed = [...new Set(extensionsInUse(f).map((e) => PRELOAD_LIBRARIES[e]).filter((l): l is string => !!l))];
  const missing = needed.filter((l) => !lower.has(l.toLowerCase()));
  if (!missing.length) {
    return item(RULE.preload, [ok(needed.length ? `shared_preload_libraries on the target already loads ${needed.join(', ')}.` : 'No extension in use needs a preloaded library.')]);
  }
  const value = [...loaded, ...missing].join(',');
  return item(RULE.preload, [fail(`Extensions in use need ${missing.join(', ')} in shared_preload_libraries on the target.`)], {
    code: CODE.preload,
    objects: missing,
    correctiveAction: `On the target set shared_preload_libraries to '${value}' and restart the target (portal: Server parameters, then Save and Restart; or az postgres flexible-server parameter set --name shared_preload_libraries --value '${value}' followed by az postgres flexible-server restart).`,
    fix: { id: 'azure.addSharedPreloadLibraries', title: `Preload ${missing.join(', ')} and restart the target`, args: { libraries: missing.join(','), value, restart: 'true' } },
  });
}

export function storageRule(f: ValidationFacts): ValidationSummaryItem | undefined {
  const storageMb = f.azureTarget?.storageMb;
  if (storageMb === undefined || !f.source.ok) return undefined;
  const src = f.source.value;
  const chosen = src.databases.filter((d) => f.databases.includes(d.name));
  const unknown = chosen.filter((d) => d.sizeBytes === undefined).map((d) => d.name);
  const need = chosen.reduce((s, d) => s + (d.sizeBytes ?? 0), 0);
  // Databases being overwritten free their space; everything else on the target stays.
  const used = f.target.ok
    ? f.target.value.databases.filter((d) => !(f.overwrite && f.databases.includes(d.name))).reduce((s, d) => s + (d.sizeBytes ?? 0), 0)
    : 0;
  const total = storageMb * 1024 * 1024;
  const free = Math.max(total - used, 0);
  const share = free > 0 ? need / free : Infinity;
  const text = `The chosen databases hold ${formatBytes(need)}; the target has ${formatBytes(free)} free of ${formatBytes(total)}${f.target.ok ? '' : ' (its current use is unknown)'}`;
  const messages: ValidationMessage[] = [];
  if (share > 1) messages.push(fail(`${text}: they do not fit.`));
  else if (share >= 0.8) messages.push(warn(`${text} (${Math.round(share * 100)}%): WAL written during the copy may fill the rest.`));
  else messages.push(ok(`${text} (${Math.round(share * 100)}%).`));
  if (unknown.length) messages.push(warn(`The size of ${listSome(unknown)} is unknown (no CONNECT privilege), so the estimate may be low.`));
  const wantGb = Math.ceil(((need * 1.25 + used) / 1024 ** 3));
  return item(RULE.storage, messages, {
    correctiveAction: `Grow the target's storage to at least ${wantGb} GB (the service advises 1.25 × the data for WAL during the copy; storage cannot shrink later), or vacuum the source to remove bloat first.`,
    fix: { id: 'azure.growStorage', title: `Grow target storage to ${wantGb} GB`, args: { storageGb: String(wantGb) } },
  });
}
