import type pg from 'pg';
import { quoteIdent, quoteLiteral } from '../../core/format';
import type { ConnInfo } from '../../pg/connection';
import { connectTimeoutSeconds, libpqKeepaliveParams } from '../../core/netTimeouts';
import { serverMajor } from './publication';

/**
 * libpq connection string the TARGET server uses to reach the source. PostgreSQL keeps it,
 * password included, in the target's catalog (pg_subscription.subconninfo, readable by
 * superusers only) for as long as the subscription exists: pgflex removes the subscription at
 * cutover and cancel, and never logs this string.
 */
export function subscriptionConnInfo(source: ConnInfo, tls: string[]): string {
  const q = (v: string) => `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  const parts = [`host=${q(source.host)}`, `port=${source.port}`, `user=${q(source.user)}`, `dbname=${q(source.database)}`, ...tls, ...libpqKeepaliveParams(), `connect_timeout=${connectTimeoutSeconds()}`];
  if (source.password !== undefined) parts.push(`password=${q(source.password)}`);
  return parts.join(' ');
}

export interface SubscriptionOptions {
  name: string;
  publication: string;
  sourceMajor: number;
  /** false when a published column has a type whose binary form could differ between servers. */
  binarySafe: boolean;
  /** sslmode (and sslrootcert) for the target's connection to the source: planReplicationTls. */
  tls: string[];
}

/**
 * A subscription that streams from the slot made with the snapshot: no slot of its own, no
 * initial copy (the parallel COPY did that). Large transactions stream while they run where
 * both sides can, and PostgreSQL 16 targets apply them in parallel when the source is 16+.
 */
export async function createSubscription(target: pg.Client, source: ConnInfo, o: SubscriptionOptions): Promise<string[]> {
  const targetMajor = await serverMajor(target);
  const withs = ['create_slot = false', `slot_name = ${quoteLiteral(o.name)}`, 'copy_data = false', 'enabled = true'];
  if (targetMajor >= 16 && o.sourceMajor >= 16) withs.push("streaming = 'parallel'");
  else if (targetMajor >= 14 && o.sourceMajor >= 14) withs.push('streaming = on');
  if (targetMajor >= 14 && o.sourceMajor >= 14 && o.binarySafe) withs.push('binary = true');
  try {
    await target.query(`CREATE SUBSCRIPTION ${quoteIdent(o.name)} CONNECTION ${quoteLiteral(subscriptionConnInfo(source, o.tls))} PUBLICATION ${quoteIdent(o.publication)} WITH (${withs.join(', ')})`);
  } catch (e) {
    // The server's message may quote the connection string: keep only what is safe.
    const err = e as { message?: string; code?: string };
    const msg = String(err.message ?? e).split(source.password ?? '\u0000').join('***');
    throw Object.assign(new Error(`Creating the subscription ${o.name} on the target failed: ${msg}`), { code: err.code });
  }
  return withs;
}

/**
 * Remove a subscription without needing the source: detach it from its slot first, so a
 * source that is down or gone cannot block the cleanup; the slot is dropped separately.
 */
export async function dropSubscription(target: pg.Client, name: string): Promise<boolean> {
  const r = await target.query('SELECT 1 FROM pg_subscription WHERE subname = $1', [name]);
  if (r.rowCount === 0) return false;
  const id = quoteIdent(name);
  await target.query(`ALTER SUBSCRIPTION ${id} DISABLE`);
  await target.query(`ALTER SUBSCRIPTION ${id} SET (slot_name = NONE)`);
  await target.query(`DROP SUBSCRIPTION ${id}`);
  return true;
}

/** Whether every column type published is built in, so binary transfer cannot disagree. */
export async function binaryTransferSafe(source: pg.Client): Promise<boolean> {
  const r = await source.query(
    `SELECT count(*)::int AS n FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped AND a.atttypid >= 16384
       AND n.nspname NOT IN ('pg_catalog', 'information_schema')`,
  );
  return r.rows[0].n === 0;
}
