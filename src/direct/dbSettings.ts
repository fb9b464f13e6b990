/**
 * Per-database settings (`ALTER DATABASE … SET`, `ALTER ROLE … IN DATABASE … SET`): pg_dump
 * without --create does not carry them, and applications depend on them (search_path,
 * timezone, statement_timeout…). They are applied at the very end — after the copy offline,
 * at cutover online — because they reach every new session on the database, the migration's
 * own included (a default_transaction_read_only or a statement_timeout would stop it).
 */
import type pg from 'pg';
import { quoteIdent, quoteLiteral } from '../core/format';

export interface DbSetting {
  /** null: the database's own settings; else the role they are for. */
  role: string | null;
  /** `name=value` entries, as pg_db_role_setting stores them. */
  config: string[];
}

/** GUCs that take a list: their stored value is already in list syntax, not one literal. */
const LIST_SETTINGS = new Set(['search_path', 'temp_tablespaces', 'session_preload_libraries', 'local_preload_libraries', 'shared_preload_libraries']);

/** `SET "name" TO value` for one stored `name=value` entry. */
export function setClause(entry: string): string {
  const eq = entry.indexOf('=');
  const name = entry.slice(0, eq);
  const value = entry.slice(eq + 1);
  return `SET ${quoteIdent(name)} TO ${LIST_SETTINGS.has(name) ? value : quoteLiteral(value)}`;
}

/** The settings of the database `source` is connected to. */
export async function readDatabaseSettings(source: pg.Client): Promise<DbSetting[]> {
  const r = await source.query(
    `SELECT CASE WHEN s.setrole = 0 THEN NULL ELSE pg_get_userbyid(s.setrole) END AS role, s.setconfig AS config
       FROM pg_db_role_setting s WHERE s.setdatabase = (SELECT oid FROM pg_database WHERE datname = current_database())
      ORDER BY 1 NULLS FIRST`,
  );
  return r.rows as DbSetting[];
}

/**
 * Apply them to `database` on the target (`target` connected anywhere there). A setting the
 * target refuses (unknown there, or reserved to superusers) or a role missing there is not an
 * error: each comes back as a warning naming the setting and what to do.
 */
export async function applyDatabaseSettings(target: pg.Client, database: string, settings: DbSetting[]): Promise<string[]> {
  const warnings: string[] = [];
  const roles = new Set((await target.query('SELECT rolname FROM pg_roles')).rows.map((r) => r.rolname as string));
  for (const s of settings) {
    if (s.role !== null && !roles.has(s.role)) {
      warnings.push(`The settings of role "${s.role}" in database "${database}" (${s.config.join(', ')}) were not applied: the role does not exist on the target (migrate roles, or create it and run ALTER ROLE … IN DATABASE … SET there).`);
      continue;
    }
    const head = s.role === null ? `ALTER DATABASE ${quoteIdent(database)}` : `ALTER ROLE ${quoteIdent(s.role)} IN DATABASE ${quoteIdent(database)}`;
    for (const entry of s.config) {
      try {
        await target.query(`${head} ${setClause(entry)}`);
      } catch (e) {
        warnings.push(`${s.role === null ? `Database "${database}"` : `Role "${s.role}" in database "${database}"`}: the setting ${entry} was not applied on the target (${e instanceof Error ? e.message : String(e)}); set it there yourself if it is needed.`);
      }
    }
  }
  return warnings;
}
