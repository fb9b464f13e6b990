/**
 * Catalog queries that read what the validation rules judge. A handful of set-based queries per
 * server and per database (never one per table), written for PostgreSQL 9.5 through 17.
 */
import type pg from 'pg';
import type { DatabaseFacts, DatabaseInfo, ReplicaIdentity, ServerFacts, TableFacts } from '../core/rules/facts';

/** Settings the rules read; ones a server lacks (azure.*, or older versions) are simply absent. */
export const FACT_SETTINGS: readonly string[] = [
  'wal_level', 'max_replication_slots', 'max_wal_senders', 'max_logical_replication_workers',
  'max_worker_processes', 'shared_preload_libraries', 'azure.extensions', 'azure.replication_support',
  'server_encoding', 'default_transaction_read_only', 'max_slot_wal_keep_size',
];

const LOCALE_PROVIDERS: Record<string, string> = { c: 'libc', i: 'icu', b: 'builtin' };

/** Schemas that hold no user data. */
export const USER_SCHEMA = `n.nspname not in ('pg_catalog', 'information_schema') and n.nspname !~ '^pg_(toast|temp_)'`;

/**
 * `(owner, acl)` of every object of the current database that pg_dump gives an owner or
 * grants: relations and their columns, schemas, functions, types, default privileges,
 * foreign-data wrappers and servers, event triggers, large objects, the database itself.
 * Who uses a role: the validation's RolesValidation and the direct engine's role migration.
 */
export const OBJECT_ACLS = `
    select c.relowner, c.relacl from pg_class c join pg_namespace n on n.oid = c.relnamespace where ${USER_SCHEMA}
    union all select c.relowner, a.attacl from pg_attribute a join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace
               where a.attacl is not null and ${USER_SCHEMA}
    union all select n.nspowner, n.nspacl from pg_namespace n where ${USER_SCHEMA}
    union all select p.proowner, p.proacl from pg_proc p join pg_namespace n on n.oid = p.pronamespace where ${USER_SCHEMA}
    union all select t.typowner, t.typacl from pg_type t join pg_namespace n on n.oid = t.typnamespace where ${USER_SCHEMA}
    union all select d.defaclrole, d.defaclacl from pg_default_acl d
    union all select w.fdwowner, w.fdwacl from pg_foreign_data_wrapper w
    union all select s.srvowner, s.srvacl from pg_foreign_server s
    union all select e.evtowner, null from pg_event_trigger e
    union all select l.lomowner, l.lomacl from pg_largeobject_metadata l
    union all select d.datdba, d.datacl from pg_database d where d.datname = current_database()`;

/** Objects created by CREATE EXTENSION come back with the extension, not with the data. */
const NOT_EXTENSION_MEMBER = `not exists (select 1 from pg_depend dep where dep.classid = 'pg_class'::regclass and dep.objid = c.oid and dep.deptype = 'e')`;

/** Which databases to measure: pg_database_size walks every file of a database, so only when needed. */
export type SizeChoice = 'all' | 'none' | string[];

/** Every database on the server, with sizes as chosen. */
export async function readDatabaseList(client: pg.Client, sizes: SizeChoice): Promise<DatabaseInfo[]> {
  const { rows } = await client.query(
    `select d.datname, pg_encoding_to_char(d.encoding) as encoding, d.datcollate, d.datctype,
            d.datistemplate, d.datallowconn, pg_get_userbyid(d.datdba) as owner,
            has_database_privilege(d.oid, 'CONNECT') as can_connect,
            to_jsonb(d) ->> 'datlocprovider' as provider,
            coalesce(to_jsonb(d) ->> 'daticulocale', to_jsonb(d) ->> 'datlocale') as icu,
            case when ($1 or d.datname = any($2)) and has_database_privilege(d.oid, 'CONNECT') then pg_database_size(d.oid) end as size
       from pg_database d order by d.datname`,
    [sizes === 'all', Array.isArray(sizes) ? sizes : []],
  );
  return rows.map((r) => {
    const info: DatabaseInfo = {
      name: r.datname,
      encoding: r.encoding,
      collate: r.datcollate ?? '',
      ctype: r.datctype ?? '',
      localeProvider: LOCALE_PROVIDERS[r.provider ?? 'c'] ?? String(r.provider),
      isTemplate: r.datistemplate,
      allowConnections: r.datallowconn,
      owner: r.owner,
      canConnect: r.can_connect,
    };
    if (r.icu) info.icuLocale = r.icu;
    if (r.size !== null && r.size !== undefined) info.sizeBytes = Number(r.size);
    return info;
  });
}

export async function readServerFacts(client: pg.Client, opts: { sizes?: SizeChoice } = {}): Promise<ServerFacts> {
  // One client runs one query at a time; the queries are few and set-based, so in sequence.
  const head = await client.query(`select current_setting('server_version_num')::int as num, version() as version,
                         coalesce((select ssl from pg_stat_ssl where pid = pg_backend_pid()), false) as tls`);
  const settings = await client.query('select name, setting from pg_settings where name = any($1)', [FACT_SETTINGS]);
  const user = await client.query(`select r.rolname, r.rolsuper, r.rolcreatedb, r.rolcreaterole, r.rolreplication,
                         array(select m.rolname::text from pg_roles m
                                where m.oid <> r.oid and pg_has_role(r.oid, m.oid, 'MEMBER') order by 1) as member_of
                    from pg_roles r where r.rolname = current_user`);
  const roles = await client.query('select rolname::text as name from pg_roles order by 1');
  const databases = await readDatabaseList(client, opts.sizes ?? 'all');
  // collprovider arrived in PostgreSQL 10; before it every collation was libc.
  const collations = await client.query(
    `select distinct collcollate::text as locale from pg_collation where collcollate is not null${head.rows[0].num >= 100000 ? ` and collprovider = 'c'` : ''} order by 1`,
  );
  const extensions = await client.query('select name::text from pg_available_extensions order by 1');
  const slots = await client.query(`select count(*)::int as total,
                         coalesce(array_agg(slot_name::text) filter (where not active and slot_type = 'logical'), '{}') as inactive
                    from pg_replication_slots`);
  const senders = await client.query('select count(*)::int as n from pg_stat_replication');
  const u = user.rows[0];
  return {
    versionNum: head.rows[0].num,
    version: head.rows[0].version,
    tls: head.rows[0].tls,
    settings: Object.fromEntries(settings.rows.map((r) => [r.name, r.setting])),
    user: {
      name: u.rolname,
      superuser: u.rolsuper,
      createdb: u.rolcreatedb,
      createrole: u.rolcreaterole,
      replication: u.rolreplication,
      memberOf: u.member_of,
    },
    roles: roles.rows.map((r) => r.name),
    databases,
    collationLocales: collations.rows.map((r) => r.locale),
    availableExtensions: extensions.rows.map((r) => r.name),
    replicationSlots: { total: slots.rows[0].total, inactiveLogical: slots.rows[0].inactive },
    walSenders: senders.rows[0].n,
  };
}

const REPLIDENT: Record<string, ReplicaIdentity> = { d: 'default', n: 'nothing', f: 'full', i: 'index' };

/** heap + TOAST: what the copy reads. pg_total_relation_size would also open every index,
 * several times slower on thousands of tables, and indexes are rebuilt anyway. */
const EXACT_BYTES = `case when c.relkind = 'p' then 0
  else pg_relation_size(c.oid) + case when c.reltoastrelid <> 0 then pg_relation_size(c.reltoastrelid) else 0 end end`;

/** From the planner's page counts: needs no lock, as fresh as the last VACUUM/ANALYZE. */
const ESTIMATED_BYTES = `(greatest(c.relpages, 0) + coalesce((select greatest(t.relpages, 0) from pg_class t where t.oid = c.reltoastrelid), 0))::bigint
  * current_setting('block_size')::bigint`;

export interface DatabaseFactsOptions {
  /** server_version_num when already known (saves a round trip). */
  versionNum?: number;
  /**
   * How long to wait for a table lock while measuring sizes (pg_relation_size takes a share
   * lock, which waits behind e.g. a running ALTER TABLE). Past it, sizes come from page counts.
   * Default 3000 ms.
   */
  lockTimeoutMs?: number;
}

/** Facts of the database the client is connected to (sets lock_timeout on this session). */
export async function readDatabaseFacts(client: pg.Client, opts: DatabaseFactsOptions | number = {}): Promise<DatabaseFacts> {
  const o: DatabaseFactsOptions = typeof opts === 'number' ? { versionNum: opts } : opts;
  const num = o.versionNum ?? (await client.query(`select current_setting('server_version_num')::int as num`)).rows[0].num;
  // Table OIDs were removed in PostgreSQL 12, and the column with them.
  const withOids = num < 120000 ? 'c.relhasoids' : 'false';
  const db = await client.query(`select current_database() as name, has_database_privilege(current_database(), 'CREATE') as can_create`);
  await client.query(`set lock_timeout = ${Math.max(1, Math.round(o.lockTimeoutMs ?? 3000))}`);
  const tablesSql = (bytes: string) =>
    `select n.nspname as schema, c.relname as name, c.relkind = 'p' as partitioned,
              c.relpersistence = 'u' as unlogged, ${withOids} as with_oids,
              ${bytes} as bytes,
              exists (select 1 from pg_constraint k where k.conrelid = c.oid and k.contype = 'p') as has_pk,
              case when c.relreplident = 'i' and not exists (select 1 from pg_index i where i.indrelid = c.oid and i.indisreplident)
                   then 'n' else c.relreplident end as replident,
              has_schema_privilege(n.oid, 'USAGE') and has_table_privilege(c.oid, 'SELECT') as readable,
              pg_has_role(c.relowner, 'USAGE') as owned
         from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where c.relkind in ('r', 'p') and ${USER_SCHEMA} and ${NOT_EXTENSION_MEMBER}
        order by 1, 2`;
  let sizesEstimated = false;
  let tables: pg.QueryResult;
  try {
    tables = await client.query(tablesSql(EXACT_BYTES));
  } catch (e) {
    if ((e as { code?: string }).code !== '55P03') throw e;
    sizesEstimated = true;
    tables = await client.query(tablesSql(ESTIMATED_BYTES));
  }
  const sequences = await client.query(
    `select count(*)::int as total,
              coalesce(json_agg(json_build_object('schema', n.nspname, 'name', c.relname))
                         filter (where not (has_schema_privilege(n.oid, 'USAGE') and has_sequence_privilege(c.oid, 'SELECT'))), '[]') as unreadable
         from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where c.relkind = 'S' and ${USER_SCHEMA} and ${NOT_EXTENSION_MEMBER}`,
  );
  const extensions = await client.query(`select e.extname as name, e.extversion as version, n.nspname as schema
                    from pg_extension e join pg_namespace n on n.oid = e.extnamespace order by 1`);
  const largeObjects = await client.query('select count(*)::int as n from pg_largeobject_metadata');
  const roles = await client.query(
    `with objs(owner, acl) as (${OBJECT_ACLS}),
        owners as (select owner as oid, count(*) as n from objs group by owner),
        grants as (select a.grantee as oid, count(*) as n from objs cross join lateral aclexplode(objs.acl) a
                    where a.grantee <> 0 and a.grantee <> objs.owner group by a.grantee)
        select r.rolname::text as name, coalesce(o.n, 0)::int as owns, coalesce(g.n, 0)::int as grants
          from pg_roles r left join owners o on o.oid = r.oid left join grants g on g.oid = r.oid
         -- below 16384: the bootstrap superuser and predefined roles, present on every server
         where r.oid >= 16384 and (o.oid is not null or g.oid is not null)
         order by 1`,
  );
  return {
    name: db.rows[0].name,
    canCreate: db.rows[0].can_create,
    extensions: extensions.rows.map((r) => ({ name: r.name, version: r.version, schema: r.schema })),
    tables: tables.rows.map(
      (r): TableFacts => ({
        schema: r.schema,
        name: r.name,
        bytes: Number(r.bytes),
        hasPrimaryKey: r.has_pk,
        replicaIdentity: REPLIDENT[r.replident] ?? 'default',
        unlogged: r.unlogged,
        withOids: r.with_oids,
        readable: r.readable,
        owned: r.owned,
        partitioned: r.partitioned,
      }),
    ),
    sequences: sequences.rows[0].total,
    unreadableSequences: sequences.rows[0].unreadable,
    largeObjects: largeObjects.rows[0].n,
    roles: roles.rows,
    ...(sizesEstimated ? { sizesEstimated } : {}),
  };
}
