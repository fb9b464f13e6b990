/** Online mode: how much WAL a replication slot left behind may keep on the source. */
import type { ValidationSummaryItem } from '../model';
import { RULE } from './catalog';
import type { ValidationFacts } from './facts';
import { item, majorOf, ok, warn } from './item';
import { isAzureFlexibleServer } from './servers';

export function slotWalLimitRule(f: ValidationFacts): ValidationSummaryItem | undefined {
  if (f.mode !== 'Online' || !f.source.ok) return undefined;
  const src = f.source.value;
  const major = majorOf(src.versionNum);
  if (major < 13) {
    return item(RULE.slotWalLimit, [ok(`PostgreSQL ${major} cannot cap the WAL a replication slot keeps (max_slot_wal_keep_size came in 13). pgflex removes its slot when a migration ends; a run that is killed leaves it, and "pgflex cleanup" or the tree's Clean Up Replication Leftovers finds and removes it.`)]);
  }
  const limit = src.settings.max_slot_wal_keep_size;
  if (limit === undefined) return undefined;
  if (limit !== '-1') return item(RULE.slotWalLimit, [ok(`max_slot_wal_keep_size is ${limit} MB on the source: a slot left behind cannot keep more WAL than that.`)]);
  const azure = isAzureFlexibleServer(src)
    ? 'On Azure Database for PostgreSQL set the server parameter max_slot_wal_keep_size (Server parameters in the portal, or az postgres flexible-server parameter set --name max_slot_wal_keep_size --value 51200, in MB).'
    : "On the source run ALTER SYSTEM SET max_slot_wal_keep_size = '50GB'; SELECT pg_reload_conf(); (no restart needed; on a managed service set its server parameter max_slot_wal_keep_size instead).";
  return item(RULE.slotWalLimit, [warn('max_slot_wal_keep_size is -1 on the source: a replication slot keeps every WAL segment its consumer has not confirmed, without limit. If the migration is abandoned (its process killed, the machine gone) before its slot is removed, WAL piles up on the source until its disk fills and the server stops.')], {
    objects: ['max_slot_wal_keep_size'],
    correctiveAction: `Cap it at a size the source's disk can hold well beyond the migration's longest pause. ${azure} A slot that passes the cap is invalidated (the migration must start over) instead of stopping the source.`,
  });
}
