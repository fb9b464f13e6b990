/**
 * Schema changes while streaming (--replicate-ddl), source side. Logical replication carries
 * rows, never DDL, so each migrated source database gets a queue table in the pgflex schema,
 * published like the heartbeat, and event triggers that add the text of every DDL statement
 * committed there (current_query(), with the session's search_path and role). The queue's rows
 * reach the target in commit order with the data around them, where a trigger runs each one
 * (ddlApply.ts). Event triggers need a superuser: managed services do not allow them.
 */
import type pg from 'pg';
import { qualified, quoteIdent, quoteLiteral } from '../../core/format';
import { HEARTBEAT_SCHEMA } from './names';

/** Objects of one replication name; names keep the name's prefix, so leftovers trace back. */
export interface DdlNames {
  /** The queue table, and (overloaded) the source's capture functions. */
  queue: string;
  /** Event trigger on ddl_command_end (named like the queue). */
  commandTrigger: string;
  /** Event trigger on sql_drop: tells drops of temporary objects apart. */
  dropTrigger: string;
  /** The target's row trigger and its function. */
  apply: string;
}

function suffixed(name: string, suffix: string): string {
  return name.length + suffix.length <= 63 ? `${name}${suffix}` : `${name.slice(0, 63 - suffix.length)}${suffix}`;
}

export function ddlNames(name: string): DdlNames {
  return { queue: suffixed(name, '_ddl'), commandTrigger: suffixed(name, '_ddl'), dropTrigger: suffixed(name, '_drop'), apply: suffixed(name, '_apply') };
}

export const ddlQueueTable = (name: string) => qualified(HEARTBEAT_SCHEMA, ddlNames(name).queue);

/**
 * Commands that fire event triggers but must not run on the target: they would make the
 * target replicate from somewhere, or publish. Recorded with the reason, shown as warnings.
 * (ALTER SYSTEM and commands on databases, roles and tablespaces fire no event trigger at all.)
 */
const NOT_REPLICATED = ['CREATE PUBLICATION', 'ALTER PUBLICATION', 'DROP PUBLICATION', 'CREATE SUBSCRIPTION', 'ALTER SUBSCRIPTION', 'DROP SUBSCRIPTION'];

/**
 * Statement heads that mean the DDL ran inside something else (a function, a DO block): the
 * whole statement would run again on the target, data changes included, so it is not replayed.
 */
const INDIRECT = ['select', 'do', 'call', 'with', 'insert', 'update', 'delete', 'merge', 'execute', 'values', 'copy', 'explain'];

const list = (xs: string[]) => xs.map(quoteLiteral).join(', ');

/**
 * The queue, its capture functions and the two event triggers. Run before the publication and
 * the slot, so every statement after the slot's snapshot is queued. The capture function runs
 * as whoever issued the DDL; it hands over to a SECURITY DEFINER function (the only writer of
 * the queue) that first checks it is called from an event trigger, so no one can queue SQL
 * that the target would run.
 */
export async function installDdlCapture(client: pg.Client, name: string): Promise<void> {
  const n = ddlNames(name);
  const queue = ddlQueueTable(name);
  const fn = queue;
  const s = HEARTBEAT_SCHEMA;
  await client.query(`CREATE SCHEMA IF NOT EXISTS ${s}`);
  await client.query(`CREATE TABLE IF NOT EXISTS ${queue} (
    id bigserial PRIMARY KEY, xid bigint NOT NULL, stmt_at timestamptz NOT NULL, at timestamptz NOT NULL DEFAULT clock_timestamp(),
    role_name text, search_path text NOT NULL, command_tag text NOT NULL, ddl text NOT NULL,
    warning text, target_note text)`);
  await client.query(`CREATE OR REPLACE FUNCTION ${fn}(p_path text, p_role text, p_tag text) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $f$
    DECLARE
      q text := current_query();
      skip text := current_setting('pgflex.ddl_skip', true);
      n int; ours int; head text; why text;
    BEGIN
      PERFORM set_config('pgflex.ddl_skip', '', true);
      -- Fails outside an event trigger: nothing else may queue SQL for the target.
      SELECT count(*), count(*) FILTER (WHERE c.schema_name = ${quoteLiteral(s)} OR c.schema_name LIKE 'pg\\_temp%' OR c.in_extension)
        INTO n, ours FROM pg_event_trigger_ddl_commands() c;
      IF skip = 'on' OR (n > 0 AND n = ours) THEN RETURN; END IF;
      IF coalesce(current_setting('application_name', true), '') LIKE 'pgflex%' THEN RETURN; END IF;
      -- A query string of several statements fires once per command: queue it once.
      IF EXISTS (SELECT 1 FROM ${queue} WHERE xid = txid_current() AND stmt_at = statement_timestamp() AND ddl = q) THEN RETURN; END IF;
      head := lower(substring(regexp_replace(q, '^(\\s|--[^\\n]*(\\n|$)|/\\*([^*]|\\*+[^*/])*\\*+/)*', '') from '^[A-Za-z]+'));
      IF p_tag IN (${list(NOT_REPLICATED)}) THEN
        why := 'publications and subscriptions are not replicated';
      ELSIF head IN (${list(INDIRECT)}) THEN
        why := 'it ran inside ' || upper(head) || ' (a function or DO block), whose other effects would run twice on the target; run the same change on the target yourself';
      END IF;
      INSERT INTO ${queue} (xid, stmt_at, role_name, search_path, command_tag, ddl, warning)
        VALUES (txid_current(), statement_timestamp(), p_role, p_path, p_tag, q, why);
    END $f$`);
  await client.query(`REVOKE ALL ON FUNCTION ${fn}(text, text, text) FROM PUBLIC`);
  await client.query(`GRANT EXECUTE ON FUNCTION ${fn}(text, text, text) TO PUBLIC`);
  await client.query(`GRANT USAGE ON SCHEMA ${s} TO PUBLIC`);
  await client.query(`CREATE OR REPLACE FUNCTION ${fn}() RETURNS event_trigger LANGUAGE plpgsql AS $f$
    BEGIN
      IF TG_EVENT = 'sql_drop' THEN
        -- Drops of temporary objects (and of pgflex's own) stay on the source.
        IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_event_trigger_dropped_objects() o
                        WHERE o.original AND NOT o.is_temporary AND o.schema_name IS DISTINCT FROM ${quoteLiteral(s)}) THEN
          PERFORM pg_catalog.set_config('pgflex.ddl_skip', 'on', true);
        END IF;
        RETURN;
      END IF;
      PERFORM ${fn}(pg_catalog.current_setting('search_path'), current_user::text, TG_TAG);
    END $f$`);
  await client.query(`DROP EVENT TRIGGER IF EXISTS ${quoteIdent(n.dropTrigger)}`);
  await client.query(`DROP EVENT TRIGGER IF EXISTS ${quoteIdent(n.commandTrigger)}`);
  await client.query(`CREATE EVENT TRIGGER ${quoteIdent(n.dropTrigger)} ON sql_drop EXECUTE PROCEDURE ${fn}()`);
  await client.query(`CREATE EVENT TRIGGER ${quoteIdent(n.commandTrigger)} ON ddl_command_end EXECUTE PROCEDURE ${fn}()`);
}

/**
 * Remove every DDL object of `name` from one server (source or target: the schema copy brings
 * the queue and the capture functions to the target too). Returns whether anything was there.
 */
export async function dropDdlObjects(client: pg.Client, name: string): Promise<boolean> {
  const n = ddlNames(name);
  const queue = ddlQueueTable(name);
  const r = await client.query(
    `SELECT (SELECT count(*) FROM pg_event_trigger WHERE evtname IN ($1, $2))
          + (SELECT count(*) FROM pg_proc p JOIN pg_namespace s ON s.oid = p.pronamespace WHERE s.nspname = $3 AND p.proname IN ($4, $5))
          + (SELECT count(*) FROM pg_class c JOIN pg_namespace s ON s.oid = c.relnamespace WHERE s.nspname = $3 AND c.relname = $4) AS n`,
    [n.commandTrigger, n.dropTrigger, HEARTBEAT_SCHEMA, n.queue, n.apply]);
  if (Number(r.rows[0].n) === 0) return false;
  // Event triggers first: afterwards nothing fires while the rest goes.
  await client.query(`DROP EVENT TRIGGER IF EXISTS ${quoteIdent(n.commandTrigger)}`);
  await client.query(`DROP EVENT TRIGGER IF EXISTS ${quoteIdent(n.dropTrigger)}`);
  await client.query(`DROP TABLE IF EXISTS ${queue}`);
  await client.query(`DROP FUNCTION IF EXISTS ${queue}()`);
  await client.query(`DROP FUNCTION IF EXISTS ${queue}(text, text, text)`);
  await client.query(`DROP FUNCTION IF EXISTS ${qualified(HEARTBEAT_SCHEMA, n.apply)}()`);
  return true;
}

/** Whether the source user may create event triggers (PostgreSQL allows superusers only). */
export async function canCaptureDdl(client: pg.Client): Promise<boolean> {
  const r = await client.query('SELECT rolsuper FROM pg_roles WHERE rolname = current_user');
  return r.rows[0]?.rolsuper === true;
}

/** Pgflex event triggers of a database (for leftovers): those whose name starts with the prefix. */
export async function pgflexEventTriggers(client: pg.Client): Promise<string[]> {
  const r = await client.query(`SELECT evtname FROM pg_event_trigger WHERE evtname LIKE 'pgflex\\_%' ORDER BY 1`);
  return r.rows.map((x: { evtname: string }) => x.evtname);
}
