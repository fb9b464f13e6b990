/**
 * Grants read from one object's ACL on the source and applied to the same object on the
 * target: a database's and each large object's (pg_dump carries the rest when roles are
 * migrated).
 */
import type pg from 'pg';
import { quoteIdent } from '../core/format';

export interface Grant {
  /** A role name, or PUBLIC. */
  grantee: string;
  privilege: string;
  grantable: boolean;
}

/** SQL: the grants of the ACL `column` as a JSON array of Grant, or NULL for the defaults. */
export function grantsJson(column: string): string {
  return `CASE WHEN ${column} IS NULL THEN NULL ELSE
            (SELECT coalesce(json_agg(json_build_object('grantee', CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE pg_get_userbyid(a.grantee) END,
                                                        'privilege', a.privilege_type, 'grantable', a.is_grantable)), '[]')
               FROM aclexplode(${column}) a) END`;
}

/**
 * Make the ACL of `object` (e.g. `DATABASE "app"`, `LARGE OBJECT 16400`) the source's:
 * `revokeFrom` lose what they hold by default, then each grant is given.
 */
export async function applyGrants(target: pg.Client, object: string, grants: Grant[], revokeFrom: string[]): Promise<void> {
  for (const r of revokeFrom) await target.query(`REVOKE ALL ON ${object} FROM ${r === 'PUBLIC' ? 'PUBLIC' : quoteIdent(r)}`);
  for (const g of grants) {
    await target.query(`GRANT ${g.privilege} ON ${object} TO ${g.grantee === 'PUBLIC' ? 'PUBLIC' : quoteIdent(g.grantee)}${g.grantable ? ' WITH GRANT OPTION' : ''}`);
  }
}
