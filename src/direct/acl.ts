/**
 * Grants read from one object's ACL on the source and applied to the same object on the
 * target: a database's and each large object's (pg_dump carries the rest when roles are
 * migrated).
 */
import type pg from 'pg';
import { quoteIdent } from '../core/format';

export interface Grant {
  /** A role name, or null for PUBLIC (everyone): a role may be named "PUBLIC" and is not everyone. */
  grantee: string | null;
  privilege: string;
  grantable: boolean;
}

/** SQL: the grants of the ACL `column` as a JSON array of Grant, or NULL for the defaults. */
export function grantsJson(column: string): string {
  return `CASE WHEN ${column} IS NULL THEN NULL ELSE
            (SELECT coalesce(json_agg(json_build_object('grantee', CASE WHEN a.grantee = 0 THEN NULL ELSE pg_get_userbyid(a.grantee) END,
                                                        'privilege', a.privilege_type, 'grantable', a.is_grantable)), '[]')
               FROM aclexplode(${column}) a) END`;
}

/** The grantee as SQL: the keyword PUBLIC for everyone (null), else the quoted role name. */
export function granteeSql(grantee: string | null): string {
  return grantee === null ? 'PUBLIC' : quoteIdent(grantee);
}

/**
 * Make the ACL of `object` (e.g. `DATABASE "app"`, `LARGE OBJECT 16400`) the source's:
 * `revokeFrom` (null for PUBLIC) lose what they hold by default, then each grant is given.
 */
export async function applyGrants(target: pg.Client, object: string, grants: Grant[], revokeFrom: (string | null)[]): Promise<void> {
  for (const r of revokeFrom) await target.query(`REVOKE ALL ON ${object} FROM ${granteeSql(r)}`);
  for (const g of grants) {
    await target.query(`GRANT ${g.privilege} ON ${object} TO ${granteeSql(g.grantee)}${g.grantable ? ' WITH GRANT OPTION' : ''}`);
  }
}
