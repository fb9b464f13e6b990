/**
 * Schema changes while streaming (--replicate-ddl), target side. The queue rows the source's
 * event triggers write (ddlCapture.ts) arrive through the subscription like any row; a BEFORE
 * INSERT trigger made ENABLE ALWAYS (the apply worker runs with session_replication_role =
 * replica, where ordinary triggers stay quiet) runs each statement, so DDL lands in commit
 * order with the data around it. A statement the target refuses raises, which stops the apply
 * worker for this database only; PostgreSQL retries it every few seconds, so once the target
 * is fixed the stream resumes by itself.
 */
import type pg from 'pg';
import type { LatencyCause } from '../../core/model';
import { qualified, quoteIdent } from '../../core/format';
import { ddlNames, ddlQueueTable } from './ddlCapture';
import { HEARTBEAT_SCHEMA } from './names';

/**
 * The row trigger on the target's copy of the queue. The statement runs as the role that
 * issued it on the source when that role exists here and may (else as the subscription's
 * owner, as the schema copy did), with the source session's search_path. CONCURRENTLY cannot run inside the
 * apply worker's transaction, so index statements lose it. Grants and ownership changes that
 * name a role the target lacks are skipped with a note, as the schema copy skips them.
 */
export async function installDdlApply(target: pg.Client, name: string): Promise<void> {
  const n = ddlNames(name);
  const queue = ddlQueueTable(name);
  const fn = qualified(HEARTBEAT_SCHEMA, n.apply);
  await target.query(`CREATE OR REPLACE FUNCTION ${fn}() RETURNS trigger LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $f$
    DECLARE
      stmt text := NEW.ddl;
      prev_role text := current_setting('role');
      switched boolean := false;
    BEGIN
      IF NEW.warning IS NOT NULL THEN RETURN NEW; END IF;
      IF NEW.command_tag IN ('CREATE INDEX', 'DROP INDEX', 'REINDEX') THEN
        stmt := regexp_replace(stmt, '\\mconcurrently\\M', '', 'i');
      END IF;
      IF NEW.role_name IS NOT NULL AND NEW.role_name <> current_user AND EXISTS (SELECT 1 FROM pg_roles WHERE rolname = NEW.role_name) THEN
        BEGIN
          PERFORM set_config('role', NEW.role_name, true);
          switched := true;
        EXCEPTION WHEN OTHERS THEN NULL;
        END;
      END IF;
      PERFORM set_config('search_path', NEW.search_path, true);
      BEGIN
        BEGIN
          EXECUTE stmt;
        EXCEPTION WHEN insufficient_privilege THEN
          -- The role exists here without the source's privileges (they were not migrated).
          IF NOT switched THEN RAISE; END IF;
          PERFORM set_config('role', prev_role, true);
          EXECUTE stmt;
        END;
      EXCEPTION WHEN undefined_object THEN
        IF NEW.command_tag IN ('GRANT', 'REVOKE', 'ALTER DEFAULT PRIVILEGES') OR stmt ~* '\\mowner\\s+to\\M' THEN
          NEW.target_note := 'skipped on the target: ' || SQLERRM;
        ELSE
          RAISE EXCEPTION USING ERRCODE = SQLSTATE, MESSAGE = format('pgflex: the target refused the schema change %s (queue id %s): %s', NEW.ddl, NEW.id, SQLERRM);
        END IF;
      WHEN OTHERS THEN
        RAISE EXCEPTION USING ERRCODE = SQLSTATE, MESSAGE = format('pgflex: the target refused the schema change %s (queue id %s): %s', NEW.ddl, NEW.id, SQLERRM);
      END;
      PERFORM set_config('search_path', 'pg_catalog, pg_temp', true);
      PERFORM set_config('role', prev_role, true);
      RETURN NEW;
    END $f$`);
  await target.query(`DROP TRIGGER IF EXISTS ${quoteIdent(n.apply)} ON ${queue}`);
  await target.query(`CREATE TRIGGER ${quoteIdent(n.apply)} BEFORE INSERT ON ${queue} FOR EACH ROW EXECUTE PROCEDURE ${fn}()`);
  await target.query(`ALTER TABLE ${queue} ENABLE ALWAYS TRIGGER ${quoteIdent(n.apply)}`);
}

export interface QueuedDdl {
  id: number;
  commandTag: string;
  ddl: string;
  searchPath: string;
  roleName: string | null;
  /** Why it was not replicated (source side), or what the target skipped. */
  note?: string;
}

function rowOf(r: { id: string; command_tag: string; ddl: string; search_path: string; role_name: string | null; warning: string | null; target_note?: string | null }): QueuedDdl {
  return { id: Number(r.id), commandTag: r.command_tag, ddl: r.ddl, searchPath: r.search_path, roleName: r.role_name, note: r.warning ?? r.target_note ?? undefined };
}

/** Statements after `afterId` in a server's queue (on the target: those applied). */
export async function queuedSince(client: pg.Client, name: string, afterId: number, limit = 1000): Promise<QueuedDdl[]> {
  const r = await client.query(
    `SELECT id::text, command_tag, ddl, search_path, role_name, warning, target_note FROM ${ddlQueueTable(name)} WHERE id > $1 ORDER BY id LIMIT $2`, [afterId, limit]);
  return r.rows.map(rowOf);
}

/** Tags after which the subscription must learn of tables the publication now holds (or lost). */
const TABLE_TAGS = /TABLE|SELECT INTO|CREATE SCHEMA|DROP SCHEMA|DROP OWNED/;

export function changesTables(q: QueuedDdl): boolean {
  return q.note === undefined && TABLE_TAGS.test(q.commandTag);
}

/**
 * Make the subscription pick up tables created since it last looked. It cannot run inside the
 * apply worker's transaction, so the watcher (and the cutover) call it. copy_data = true: rows
 * written to a new table before this refresh were skipped by the apply worker (the table was
 * not yet part of the subscription); the table sync copies them, then catches up by itself.
 */
export async function refreshSubscription(target: pg.Client, name: string): Promise<void> {
  await target.query(`ALTER SUBSCRIPTION ${quoteIdent(name)} REFRESH PUBLICATION WITH (copy_data = true)`);
}

/** Tables of the subscription still being copied or catching up (not yet 'r'eady). */
export async function tablesSyncing(target: pg.Client, name: string): Promise<string[]> {
  const r = await target.query(
    `SELECT sr.srrelid::regclass::text AS rel FROM pg_subscription_rel sr JOIN pg_subscription s ON s.oid = sr.srsubid
      WHERE s.subname = $1 AND sr.srsubstate <> 'r' ORDER BY 1`, [name]);
  return r.rows.map((x: { rel: string }) => x.rel);
}

/**
 * Why the stream of this database stopped at a schema change: the first statement the source
 * queued that the target has not applied, tried on the target inside a transaction that is
 * rolled back (short timeouts), to read the target's own error.
 */
export async function refusedDdl(source: pg.Client, target: pg.Client, name: string, appliedId: number): Promise<LatencyCause | undefined> {
  const next = (await queuedSince(source, name, appliedId, 50)).find((q) => q.note === undefined);
  if (!next) return undefined;
  let error: string | undefined;
  await target.query('BEGIN');
  try {
    await target.query(`SET LOCAL statement_timeout = '5s'`);
    await target.query(`SET LOCAL lock_timeout = '1s'`);
    await target.query(`SELECT set_config('search_path', $1, true)`, [next.searchPath]);
    const tag = next.commandTag;
    await target.query(tag === 'CREATE INDEX' || tag === 'DROP INDEX' || tag === 'REINDEX' ? next.ddl.replace(/\bconcurrently\b/i, '') : next.ddl);
  } catch (e) {
    error = e instanceof Error ? e.message : String(e);
  } finally {
    await target.query('ROLLBACK').catch(() => undefined);
  }
  if (error === undefined) return undefined;
  return {
    kind: 'ddl-refused',
    severity: 'error',
    side: 'target',
    summary: `The target refuses a schema change replicated from the source: ${next.ddl.trim()} — ${error}. This database's stream stops until it can run.`,
    action: 'Change the target so the statement can run (e.g. drop or rename the object in the way); the stream then resumes by itself within seconds. Or cancel this database.',
    query: next.ddl,
  };
}
