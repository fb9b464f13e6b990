import { createHash } from 'node:crypto';

/**
 * Names of the replication objects one online migration creates for one database. Slot,
 * publication, subscription and heartbeat table share one name, `pgflex_<migration>_<db>`, so
 * that anything left on a server can be traced back to the migration that made it.
 * Replication slot names allow only lower-case letters, digits and underscores, at most 63.
 */
export const OBJECT_PREFIX = 'pgflex_';
/** Schema holding the heartbeat tables, on the source and on the target. */
export const HEARTBEAT_SCHEMA = 'pgflex';

function sanitize(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9_]/g, '_');
}

/** Prefix every object of one migration starts with. */
export function migrationPrefix(migration: string): string {
  return `${OBJECT_PREFIX}${sanitize(migration)}_`;
}

/** The one name of every replication object of `migration` for database `db`. */
export function replicationName(migration: string, db: string): string {
  const base = `${migrationPrefix(migration)}${sanitize(db)}`;
  const lossy = sanitize(db) !== db;
  if (base.length <= 63 && !lossy) return base;
  // A database name that is not already a valid slot name, or a name too long, gets a hash of
  // the exact pair so two databases never share a slot.
  const hash = createHash('sha256').update(`${migration}\u0000${db}`).digest('hex').slice(0, 8);
  const prefix = migrationPrefix(migration);
  const keep = Math.max(0, 63 - prefix.length - 9);
  if (prefix.length + 9 > 63) return `${prefix.slice(0, 63 - 9)}_${hash}`;
  return `${prefix}${sanitize(db).slice(0, keep)}_${hash}`;
}

export function isPgflexObject(name: string): boolean {
  return name.startsWith(OBJECT_PREFIX);
}

/** Whether a replication object's name was made by `replicationName(migration, ...)`. */
export function belongsTo(name: string, migration: string): boolean {
  const prefix = migrationPrefix(migration);
  return name.startsWith(prefix.length + 9 > 63 ? prefix.slice(0, 63 - 9) : prefix);
}
