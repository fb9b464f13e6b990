/**
 * The validation rule engine: pure functions from facts to ARM's `validationDetails`. The
 * direct engine feeds it facts read from both servers; the Azure flow adds facts from ARM.
 */
import type { DbLevelValidationStatus, ValidationDetails, ValidationSummaryItem } from '../model';
import { allowlistRule, preloadRule, skuRule, storageRule } from './azureRules';
import { RULE } from './catalog';
import { slotWalLimitRule } from './slotRules';
import {
  collationsRule, extensionsRule, largeObjectsRule, replicaIdentityRule, schemaRule, sequencesRule,
  skewRule, targetDatabaseRule, unloggedRule,
} from './databaseRules';
import type { ValidationFacts } from './facts';
import { notChecked, worstOf } from './item';
import {
  connectivityRule, databaseSelectionRule, pgDumpRule, replicationCapacityRule, replicationTlsRule, rolesRule,
  serverParametersRule, sourcePrivilegesRule, sourceVersionRule, targetPrivilegesRule,
} from './serverRules';

export * from './facts';
export { RULE, CODE, UNSUPPORTED_EXTENSIONS, PRELOAD_LIBRARIES } from './catalog';
export { isAzureSingleServer, isAzureFlexibleServer } from './servers';
export { worstOf } from './item';
export { formatValidationText } from './report';

export function serverLevelItems(f: ValidationFacts): ValidationSummaryItem[] {
  const items = [
    connectivityRule(f),
    sourceVersionRule(f),
    pgDumpRule(f),
    serverParametersRule(f),
    replicationTlsRule(f),
    replicationCapacityRule(f),
    slotWalLimitRule(f),
    skuRule(f),
    allowlistRule(f),
    preloadRule(f),
    storageRule(f),
    sourcePrivilegesRule(f),
    targetPrivilegesRule(f),
    rolesRule(f),
    databaseSelectionRule(f),
  ];
  return items.filter((i): i is ValidationSummaryItem => i !== undefined);
}

export function databaseItems(f: ValidationFacts, db: string): ValidationSummaryItem[] {
  const probe = f.sourceDatabases[db];
  // A database that is not a user database of the source already failed SchemaValidation; the
  // other rules have nothing to judge.
  if (!probe) return [schemaRule(f, db)];
  const items: ValidationSummaryItem[] = [schemaRule(f, db), targetDatabaseRule(f, db)];
  const online = f.mode === 'Online';
  if (!probe.ok) {
    const why = `database ${db} could not be read on the source: ${probe.error}`;
    const types = [RULE.extensions, RULE.collations, ...(online ? [RULE.replicaIdentity, RULE.unlogged, RULE.largeObjects, RULE.sequences] : []), RULE.skew];
    return [...items, ...types.map((t) => notChecked(t, why))];
  }
  const facts = probe.value;
  items.push(extensionsRule(f, db, facts), collationsRule(f, db));
  if (online) items.push(replicaIdentityRule(db, facts), unloggedRule(f, db, facts), largeObjectsRule(f, db, facts), sequencesRule(db, facts));
  items.push(skewRule(f, db, facts));
  return items;
}

/** Run every rule. Times come from the caller, which knows when it started reading facts. */
export function runRules(f: ValidationFacts): ValidationDetails {
  const server = serverLevelItems(f);
  const dbs: DbLevelValidationStatus[] = [...new Set(f.databases)].map((db) => ({
    databaseName: db,
    startedOn: f.databaseTimes?.[db]?.startedAt ?? f.startedAt,
    endedOn: f.databaseTimes?.[db]?.endedAt ?? f.endedAt,
    summary: databaseItems(f, db),
  }));
  const all = [...server, ...dbs.flatMap((d) => d.summary)];
  return {
    status: worstOf(all.map((i) => String(i.state))),
    validationStartTimeInUtc: f.startedAt,
    validationEndTimeInUtc: f.endedAt,
    serverLevelValidationDetails: server,
    dbLevelValidationDetails: dbs,
  };
}

/** True when nothing Failed: Validate and Migrate may go on (Warnings stay visible). */
export function validationPassed(d: ValidationDetails): boolean {
  return d.status !== 'Failed';
}
