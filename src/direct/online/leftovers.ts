import type pg from 'pg';
import type { ReplicationLeftover } from '../../core/model';
import { describeLeftover } from '../../core/leftovers';
import { connect, withDatabase, type ConnInfo } from '../../pg/connection';
import { dropDdlObjects } from './ddlCapture';
import { dropHeartbeat, HEARTBEAT_TABLE } from './heartbeat';
import { belongsTo, isPgflexObject } from './names';
import { dropSlot } from './replicationObjects';
import { dropPublication } from './publication';
import { dropSubscription } from './subscription';

export type Leftover = ReplicationLeftover;
export { describeLeftover };

async function userDatabases(client: pg.Client): Promise<string[]> {
  const r = await client.query(`SELECT datname FROM pg_database WHERE datallowconn AND NOT datistemplate ORDER BY 1`);
  return r.rows.map((x: { datname: string }) => x.datname);
}

async function eachDatabase(server: ConnInfo, fn: (client: pg.Client, db: string) => Promise<void>): Promise<void> {
  const admin = await connect(server);
  let dbs: string[];
  try {
    dbs = await userDatabases(admin);
  } finally {
    await admin.end().catch(() => undefined);
  }
  for (const db of dbs) {
    let c: pg.Client;
    try {
      c = await connect(withDatabase(server, db));
    } catch {
      continue; // a database this user may not enter holds nothing of ours
    }
    try {
      await fn(c, db);
    } finally {
      await c.end().catch(() => undefined);
    }
  }
}

/** Replication names with DDL objects in this database (queue tables, event triggers). */
async function ddlObjectNames(c: pg.Client): Promise<string[]> {
  const r = await c.query(
    `SELECT regexp_replace(c.relname, '_ddl$', '') AS n FROM pg_class c JOIN pg_namespace s ON s.oid = c.relnamespace
      WHERE s.nspname = 'pgflex' AND c.relkind = 'r' AND c.relname LIKE 'pgflex\\_%\\_ddl'
     UNION SELECT regexp_replace(evtname, '_(ddl|drop)$', '') FROM pg_event_trigger WHERE evtname LIKE 'pgflex\\_%' ORDER BY 1`);
  return r.rows.map((x: { n: string }) => x.n);
}

async function heartbeatRows(c: pg.Client): Promise<string[]> {
  try {
    const r = await c.query(`SELECT name FROM ${HEARTBEAT_TABLE}`);
    return r.rows.map((x: { name: string }) => x.name);
  } catch {
    return [];
  }
}

/**
 * The logical slots on a server with the WAL each keeps (pg_wal_lsn_diff works from 10 on);
 * wal_status exists from PostgreSQL 13.
 */
async function slotsOn(admin: pg.Client): Promise<Leftover[]> {
  const v = await admin.query<{ n: string }>(`SELECT current_setting('server_version_num') AS n`);
  const walStatus = Number(v.rows[0].n) >= 130000 ? 'wal_status' : 'NULL::text';
  const r = await admin.query(
    `SELECT slot_name, database, active, ${walStatus} AS wal_status,
            pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn)::bigint AS retained
       FROM pg_replication_slots WHERE slot_type = 'logical' ORDER BY 1`);
  return r.rows.map((row) => ({
    server: 'source' as const, kind: 'slot' as const, name: row.slot_name, database: row.database, active: row.active,
    retainedWalBytes: Math.max(0, Number(row.retained ?? 0)), walStatus: row.wal_status ?? null,
  }));
}

/** Every pgflex slot on a server (for the tree under a source connection). */
export async function findSlots(server: ConnInfo): Promise<Leftover[]> {
  const admin = await connect(server);
  try {
    return (await slotsOn(admin)).filter((s) => isPgflexObject(s.name));
  } finally {
    await admin.end().catch(() => undefined);
  }
}

/**
 * Every pgflex replication object on either server (of one migration when `migration` is
 * given). A slot nobody consumes keeps WAL on the source forever, so callers show this list
 * and offer `removeLeftovers` rather than stay silent.
 */
export async function findLeftovers(servers: { source?: ConnInfo; target?: ConnInfo }, migration?: string): Promise<Leftover[]> {
  const mine = (n: string) => isPgflexObject(n) && (migration === undefined || belongsTo(n, migration));
  const out: Leftover[] = [];
  if (servers.source) {
    const s = servers.source;
    const admin = await connect(s);
    try {
      for (const slot of await slotsOn(admin)) if (mine(slot.name)) out.push(slot);
    } finally {
      await admin.end().catch(() => undefined);
    }
    await eachDatabase(s, async (c, db) => {
      const p = await c.query('SELECT pubname FROM pg_publication ORDER BY 1');
      for (const row of p.rows) if (mine(row.pubname)) out.push({ server: 'source', kind: 'publication', name: row.pubname, database: db });
      for (const n of await heartbeatRows(c)) if (mine(n)) out.push({ server: 'source', kind: 'heartbeat', name: n, database: db });
      for (const n of await ddlObjectNames(c)) if (mine(n)) out.push({ server: 'source', kind: 'ddl', name: n, database: db });
    });
  }
  if (servers.target) {
    const t = servers.target;
    const subs = new Set<string>();
    await eachDatabase(t, async (c, db) => {
      const r = await c.query(`SELECT s.subname FROM pg_subscription s WHERE s.subdbid = (SELECT oid FROM pg_database WHERE datname = current_database()) ORDER BY 1`);
      for (const row of r.rows) {
        subs.add(row.subname);
        if (mine(row.subname)) out.push({ server: 'target', kind: 'subscription', name: row.subname, database: db });
      }
      const p = await c.query('SELECT pubname FROM pg_publication ORDER BY 1');
      for (const row of p.rows) if (mine(row.pubname)) out.push({ server: 'target', kind: 'publication', name: row.pubname, database: db });
      // Extra rows replicated from other migrations are not leftovers of this target.
      for (const n of await heartbeatRows(c)) if (mine(n) && (subs.has(n) || migration !== undefined)) out.push({ server: 'target', kind: 'heartbeat', name: n, database: db });
      for (const n of await ddlObjectNames(c)) if (mine(n)) out.push({ server: 'target', kind: 'ddl', name: n, database: db });
    });
  }
  return out;
}

/** Remove the given leftovers: subscriptions first, then slots, publications, heartbeats. */
export async function removeLeftovers(servers: { source?: ConnInfo; target?: ConnInfo }, leftovers: Leftover[]): Promise<{ removed: Leftover[]; problems: string[] }> {
  const order: Leftover['kind'][] = ['subscription', 'ddl', 'heartbeat', 'slot', 'publication'];
  const sorted = [...leftovers].sort((a, b) => order.indexOf(a.kind) - order.indexOf(b.kind));
  const removed: Leftover[] = [];
  const problems: string[] = [];
  for (const l of sorted) {
    const server = l.server === 'source' ? servers.source : servers.target;
    if (!server) {
      problems.push(`${describeLeftover(l)}: no connection to the ${l.server} was given.`);
      continue;
    }
    try {
      const c = await connect(withDatabase(server, l.database));
      try {
        if (l.kind === 'subscription') await dropSubscription(c, l.name);
        else if (l.kind === 'slot') await dropSlot(c, l.name);
        else if (l.kind === 'publication') await dropPublication(c, l.name);
        else if (l.kind === 'ddl') await dropDdlObjects(c, l.name);
        else await dropHeartbeat(c, l.name, l.server);
      } finally {
        await c.end().catch(() => undefined);
      }
      removed.push(l);
    } catch (e) {
      problems.push(`${describeLeftover(l)} could not be removed: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  return { removed, problems };
}

