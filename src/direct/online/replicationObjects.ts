import type pg from 'pg';
import { isCertificateRefusal, planReplicationTls, WEAKER_FLAG, weakerPlan } from '../../core/replicationTls';
import { connect, resolvePassword, withDatabase, type ConnInfo } from '../../pg/connection';
import { canCaptureDdl, dropDdlObjects, installDdlCapture } from './ddlCapture';
import { installDdlApply } from './ddlApply';
import { createSourceHeartbeat, createTargetHeartbeat, dropHeartbeat, tupleTotals } from './heartbeat';
import { replicationName } from './names';
import { createPublication, dropPublication, replicaIdentityMessage, serverMajor, tablesWithoutReplicaIdentity, type PublicationInfo } from './publication';
import { SnapshotSlot } from './snapshotSlot';
import { binaryTransferSafe, createSubscription, dropSubscription } from './subscription';

/** One database of one online migration: where its replication objects live. */
export interface OnlineDb {
  migration: string;
  database: string;
  /** Source server; the database is replaced by `database`. */
  source: ConnInfo;
  /** Target server; the database is replaced by `database`. */
  target: ConnInfo;
  /** The migration accepts replication TLS weaker than the source's SSL mode (MigrationSpec.allowWeakerReplicationTls). */
  allowWeakerTls?: boolean;
  /** DDL committed on the source while streaming is applied on the target (ddlCapture.ts). */
  replicateDdl?: boolean;
}

export function nameOf(db: OnlineDb): string {
  return replicationName(db.migration, db.database);
}

/**
 * Sessions that set replication up carry the migration's application_name, so the engine's
 * cleanup ends them on failure; the monitor's sessions carry another, so they outlive the copy.
 */
export function sourceConn(db: OnlineDb, app = `pgflex:${db.migration}`): ConnInfo {
  return withDatabase({ ...db.source, role: db.source.role ?? 'source', applicationName: app.slice(0, 63) }, db.database);
}

export function targetConn(db: OnlineDb, app = `pgflex:${db.migration}`): ConnInfo {
  return withDatabase({ ...db.target, role: db.target.role ?? 'target', applicationName: app.slice(0, 63) }, db.database);
}

export function monitorApp(db: OnlineDb): string {
  return `pgflex-online:${db.migration}`;
}

export interface PreparedSource {
  name: string;
  sourceMajor: number;
  publication: PublicationInfo;
  /** Keep open until every copy worker has imported `slot.snapshotName`. */
  slot: SnapshotSlot;
}

/**
 * Source side, before the initial copy: heartbeat row, publication, then the slot and its
 * exported snapshot. The publication must exist before the slot: pgoutput looks it up as of
 * each decoded change, and would fail on changes older than the publication.
 */
export async function prepareSource(db: OnlineDb): Promise<PreparedSource> {
  const name = nameOf(db);
  const client = await connect(sourceConn(db));
  try {
    const sourceMajor = await serverMajor(client);
    const keyless = await tablesWithoutReplicaIdentity(client);
    if (keyless.length) throw new Error(replicaIdentityMessage(db.database, keyless));
    if (db.replicateDdl && !(await canCaptureDdl(client))) {
      throw new Error(`Replicating schema changes of "${db.database}" needs event triggers on the source, which only a superuser may create, and user "${db.source.user}" is not one (managed services such as Azure Database for PostgreSQL do not give one). Migrate as a superuser of the source, or without replicating schema changes (then apply DDL to both servers yourself while streaming). No replication object was created.`);
    }
    const totals = await tupleTotals(client);
    // Before the publication and the slot: every statement after the slot's snapshot is queued.
    // A superuser publishes FOR ALL TABLES, so tables created while streaming are published.
    if (db.replicateDdl) await installDdlCapture(client, name);
    await createSourceHeartbeat(client, name, db.migration, db.database, totals.inserts + totals.updates + totals.deletes);
    const publication = await createPublication(client, name);
    const slot = await SnapshotSlot.create(sourceConn(db), name);
    return { name, sourceMajor, publication, slot };
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Target side, after the copy and the indexes: the target's counter baseline, then the
 * subscription that streams from the slot. Returns the subscription's options (for logs) and,
 * when the replication connection verifies less than the user asked for, the warning to show.
 */
export async function startSubscription(db: OnlineDb, sourceMajor: number): Promise<{ withs: string[]; weaker?: string }> {
  const name = nameOf(db);
  // Types created while streaming could not be told apart in binary form: text then.
  const binarySafe = !db.replicateDdl && (await withClientOf(sourceConn(db), binaryTransferSafe));
  const target = await connect(targetConn(db));
  try {
    const src = sourceConn(db);
    // The password travels in the subscription: one from ~/.pgpass counts too.
    const source = { ...src, password: resolvePassword(src) };
    const plan = planReplicationTls({ sslMode: source.sslMode, targetMajor: await serverMajor(target), allowWeaker: !!db.allowWeakerTls });
    if (!plan.ok) throw new Error(`${plan.reason} ${plan.fix}`);
    await createTargetHeartbeat(target, name, db.migration, db.database, await tupleTotals(target));
    if (db.replicateDdl) await installDdlApply(target, name);
    const create = (tls: string[]) => createSubscription(target, source, { name, publication: name, sourceMajor, binarySafe, tls });
    try {
      return { withs: await create(plan.params), weaker: plan.weaker };
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      if (!plan.params.includes('sslrootcert=system') || !isCertificateRefusal(message)) throw e;
      const why = `the target could not verify the source's certificate against its system CAs (${message})`;
      const weaker = weakerPlan(why);
      if (!db.allowWeakerTls || !weaker.ok) {
        throw new Error(`The target server refused the source's TLS certificate for the subscription: ${message}. Install the CA that signed the source's certificate in the target host's system store, or accept an encrypted but unverified replication connection with ${WEAKER_FLAG}.`);
      }
      return { withs: await create(weaker.params), weaker: weaker.weaker };
    }
  } finally {
    await target.end().catch(() => undefined);
  }
}

async function withClientOf<T>(c: ConnInfo, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = await connect(c);
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Drop a slot, ending the walsender that holds it (the subscription may be gone from elsewhere). */
export async function dropSlot(source: pg.Client, name: string, deadlineMs = 15_000): Promise<boolean> {
  const until = Date.now() + deadlineMs;
  for (;;) {
    const r = await source.query('SELECT active_pid FROM pg_replication_slots WHERE slot_name = $1', [name]);
    if (r.rowCount === 0) return false;
    const pid = r.rows[0].active_pid as number | null;
    if (pid !== null) await source.query('SELECT pg_terminate_backend($1)', [pid]);
    try {
      await source.query('SELECT pg_drop_replication_slot($1)', [name]);
      return true;
    } catch (e) {
      const code = (e as { code?: string }).code;
      // 55006: still active (the walsender is exiting); 42704: someone else dropped it.
      if (code === '42704') return false;
      if (code !== '55006' || Date.now() > until) throw e;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

export interface RemovalReport {
  removed: string[];
  /** Sentences naming what could not be removed and why; empty when everything went. */
  problems: string[];
}

/**
 * Remove every replication object of one database, target first (the subscription, detached
 * from its slot so a source that is down cannot block it), then the slot, the publication and
 * the heartbeat rows. Each step runs even when an earlier one failed; what remains is named.
 */
export async function removeReplication(db: OnlineDb): Promise<RemovalReport> {
  const name = nameOf(db);
  const out: RemovalReport = { removed: [], problems: [] };
  type Step = [string, (client: pg.Client) => Promise<boolean | void>];
  // One session per server for all its steps: cutover time is mostly connection set-up otherwise.
  const side = async (c: ConnInfo, steps: Step[]) => {
    let client: pg.Client;
    try {
      client = await connect(c);
    } catch (e) {
      if ((e as { kind?: string }).kind === 'database-missing') return;
      for (const [what] of steps) out.problems.push(`${what}: ${e instanceof Error ? e.message : String(e)}`);
      return;
    }
    try {
      for (const [what, fn] of steps) {
        try {
          if ((await fn(client)) !== false) out.removed.push(what);
        } catch (e) {
          out.problems.push(`${what}: ${e instanceof Error ? e.message : String(e)}`);
        }
      }
    } finally {
      await client.end().catch(() => undefined);
    }
  };
  const dropPub = async (c: pg.Client) => {
    const r = await c.query('SELECT 1 FROM pg_publication WHERE pubname = $1', [name]);
    await dropPublication(c, name);
    return (r.rowCount ?? 0) > 0;
  };
  await side(targetConn(db, monitorApp(db)), [
    [`subscription ${name} on the target`, (t) => dropSubscription(t, name)],
    [`schema-change queue of ${name} on the target`, (t) => dropDdlObjects(t, name)],
    [`heartbeat of ${name} on the target`, (t) => dropHeartbeat(t, name, 'target')],
    // The schema copy (pg_dump's post-data) brings the publication to the target as well.
    [`publication ${name} on the target`, dropPub],
  ]);
  await side(sourceConn(db, monitorApp(db)), [
    // Event triggers first: nothing is queued any more while the rest goes.
    [`event triggers and schema-change queue of ${name} on the source`, (s) => dropDdlObjects(s, name)],
    [`replication slot ${name} on the source`, (s) => dropSlot(s, name)],
    [`publication ${name} on the source`, dropPub],
    [`heartbeat of ${name} on the source`, (s) => dropHeartbeat(s, name, 'source')],
  ]);
  return out;
}
