import type pg from 'pg';
import { quoteIdent, qualified } from '../../core/format';
import { HEARTBEAT_TABLE } from './heartbeat';

export interface PublicationInfo {
  name: string;
  allTables: boolean;
  /** Tables listed when FOR ALL TABLES was not allowed. */
  tables: string[];
}

/**
 * Publish every migrated table. FOR ALL TABLES needs a superuser (managed services refuse it),
 * so other users publish an explicit list. Partitioned tables publish through their root on
 * PostgreSQL 13+, so the target's own partitioning routes the rows; before 13, the leaves.
 * Unlogged tables cannot be published (PostgreSQL writes no WAL for them).
 */
export async function createPublication(client: pg.Client, name: string): Promise<PublicationInfo> {
  const major = await serverMajor(client);
  const superuser = (await client.query('SELECT rolsuper FROM pg_roles WHERE rolname = current_user')).rows[0]?.rolsuper === true;
  const via = major >= 13 ? ' WITH (publish_via_partition_root = true)' : '';
  if (superuser) {
    await client.query(`CREATE PUBLICATION ${quoteIdent(name)} FOR ALL TABLES${via}`);
    return { name, allTables: true, tables: [] };
  }
  const tables = await publishableTables(client, major);
  await client.query(`CREATE PUBLICATION ${quoteIdent(name)} FOR TABLE ${[...tables, HEARTBEAT_TABLE].join(', ')}${via}`);
  return { name, allTables: false, tables };
}

export async function publishableTables(client: pg.Client, major: number): Promise<string[]> {
  const kinds = major >= 13 ? `c.relkind = 'p' OR (c.relkind = 'r' AND NOT c.relispartition)` : `c.relkind = 'r'`;
  const r = await client.query(
    `SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE (${kinds}) AND c.relpersistence = 'p'
       AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'pgflex') AND n.nspname NOT LIKE 'pg\\_%'
       AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
     ORDER BY 1, 2`,
  );
  return r.rows.map((row: { nspname: string; relname: string }) => qualified(row.nspname, row.relname));
}

/**
 * Tables whose UPDATE and DELETE PostgreSQL refuses once they are published: no primary key
 * and no replica identity (or REPLICA IDENTITY NOTHING). Publishing them would break the
 * source's application, so online mode refuses to start until they are fixed.
 */
export async function tablesWithoutReplicaIdentity(client: pg.Client): Promise<string[]> {
  const r = await client.query(
    `SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE c.relkind = 'r' AND c.relpersistence = 'p'
       AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'pgflex') AND n.nspname NOT LIKE 'pg\\_%'
       AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
       AND (c.relreplident = 'n'
         OR (c.relreplident = 'd' AND NOT EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.oid AND i.indisprimary))
         OR (c.relreplident = 'i' AND NOT EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.oid AND i.indisreplident)))
     ORDER BY 1, 2`,
  );
  return r.rows.map((row: { nspname: string; relname: string }) => qualified(row.nspname, row.relname));
}

export function replicaIdentityMessage(database: string, tables: string[]): string {
  const shown = tables.slice(0, 10);
  const more = tables.length > shown.length ? ` (and ${tables.length - shown.length} more)` : '';
  return (
    `Online migration of "${database}" would make UPDATE and DELETE fail on the source for ${tables.length} table(s) without a primary key or replica identity: ` +
    `${shown.join(', ')}${more}. On the source database run ${shown.map((t) => `ALTER TABLE ${t} REPLICA IDENTITY FULL;`).join(' ')} ` +
    `(or add a primary key), then start again, or migrate offline. No replication object was created.`
  );
}

export async function dropPublication(client: pg.Client, name: string): Promise<void> {
  await client.query(`DROP PUBLICATION IF EXISTS ${quoteIdent(name)}`);
}

export async function serverMajor(client: pg.Client): Promise<number> {
  const r = await client.query('SHOW server_version_num');
  return Math.floor(Number(r.rows[0].server_version_num) / 10000);
}
