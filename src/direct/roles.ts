/**
 * Roles for a direct migration that carries ownership and grants (`migrateRoles`), as the
 * service's "migrate roles" does: the roles that own objects, hold grants or appear in
 * policies in the chosen databases, and every role that is a member of those (the people who
 * sign in through them), are created on the target where missing, with their memberships.
 *
 * What is never carried: SUPERUSER, REPLICATION and BYPASSRLS (a managed target refuses them,
 * and they are not the migration's to hand out); a password the source will not show (only a
 * superuser reads pg_authid: login roles then arrive without one, and the report says so).
 * Roles that exist on the target are left as they are.
 */
import type pg from 'pg';
import { quoteIdent, quoteLiteral } from '../core/format';
import type { RolesOutcome } from '../core/model';
import { BUILTIN_ROLE_PREFIXES } from '../core/rules/catalog';
import { OBJECT_ACLS } from '../pg/facts';
import { applyGrants, grantsJson, type Grant } from './acl';
import { setClause } from './dbSettings';

export interface SourceRole {
  name: string;
  login: boolean;
  inherit: boolean;
  createDb: boolean;
  createRole: boolean;
  superuser: boolean;
  replication: boolean;
  bypassRls: boolean;
  connLimit: number;
  validUntil: string | null;
  /** `name=value` settings (ALTER ROLE … SET). */
  config: string[];
  /** Owns objects in a chosen database: the target user must be able to act as it. */
  owns: boolean;
  /** The password verifier (md5 or SCRAM), when the source user may read it. Never logged. */
  password?: string | null;
}

export interface Membership {
  role: string;
  member: string;
  admin: boolean;
}

/** Who owns a database and its grants (CONNECT, CREATE, TEMPORARY), as on the source. */
export interface DatabaseAcl {
  owner: string;
  /** null: the defaults (PUBLIC may connect and create temporary tables). */
  grants: Grant[] | null;
}

export interface SourceRoles {
  roles: SourceRole[];
  memberships: Membership[];
  databases: Record<string, DatabaseAcl>;
  passwordsRead: boolean;
}

/** Role oids a database uses: owners (`owns` true), and grantees and policy roles. */
const USED_ROLES = `
  with objs(owner, acl) as (${OBJECT_ACLS})
  select owner as oid, true as owns from objs
  union select a.grantee, false from objs cross join lateral aclexplode(objs.acl) a where a.grantee <> 0
  union select unnest(p.polroles), false from pg_policy p`;

function builtin(name: string): boolean {
  return BUILTIN_ROLE_PREFIXES.some((p) => name.startsWith(p));
}

/**
 * Read the roles the chosen databases use. `open(db)` gives a source session on that database
 * (closed by the caller's `close`).
 */
export async function readSourceRoles(databases: string[], open: (db: string) => Promise<pg.Client>, close: (c: pg.Client) => Promise<void>): Promise<SourceRoles> {
  const used = new Map<number, boolean>();
  const dbAcls: Record<string, DatabaseAcl> = {};
  for (const db of databases) {
    const c = await open(db);
    try {
      for (const r of (await c.query(USED_ROLES)).rows as { oid: number; owns: boolean }[]) used.set(r.oid, (used.get(r.oid) ?? false) || r.owns);
      dbAcls[db] = (await c.query(
        `select pg_get_userbyid(d.datdba) as owner, ${grantsJson('d.datacl')} as grants from pg_database d where d.datname = current_database()`,
      )).rows[0] as DatabaseAcl;
    } finally {
      await close(c);
    }
  }
  // Roles are the server's, not a database's: any of the databases answers the rest.
  const c = await open(databases[0]);
  try {
    // Members (direct or through other roles) of the roles in use: they sign in through them.
    const all = await c.query(
      `with recursive m(oid) as (select unnest($1::oid[]) union select am.member from pg_auth_members am join m on am.roleid = m.oid)
       select r.oid::int as oid, r.rolname as name, r.rolcanlogin as login, r.rolinherit as inherit, r.rolcreatedb as "createDb",
              r.rolcreaterole as "createRole", r.rolsuper as superuser, r.rolreplication as replication, r.rolbypassrls as "bypassRls",
              r.rolconnlimit as "connLimit", r.rolvaliduntil::text as "validUntil", coalesce(r.rolconfig, '{}') as config
         from pg_roles r join m on m.oid = r.oid order by r.rolname`,
      [[...used.keys()]],
    );
    const rows = (all.rows as (SourceRole & { oid: number })[]).filter((r) => !builtin(r.name));
    const oids = rows.map((r) => r.oid);
    const memberships = (await c.query(
      `select r.rolname as role, u.rolname as member, am.admin_option as admin
         from pg_auth_members am join pg_roles r on r.oid = am.roleid join pg_roles u on u.oid = am.member
        where am.roleid = any($1::oid[]) and am.member = any($1::oid[]) order by 1, 2`,
      [oids],
    )).rows as Membership[];
    let passwordsRead = false;
    const passwords = new Map<number, string | null>();
    try {
      const p = await c.query('select oid::int as oid, rolpassword from pg_authid where oid = any($1::oid[])', [oids]);
      for (const r of p.rows as { oid: number; rolpassword: string | null }[]) passwords.set(r.oid, r.rolpassword);
      passwordsRead = true;
    } catch (e) {
      // Only a superuser reads pg_authid; anything else is a real error.
      if ((e as { code?: string }).code !== '42501') throw e;
    }
    const roles = rows.map(({ oid, ...r }): SourceRole => ({ ...r, owns: used.get(oid) ?? false, ...(passwordsRead ? { password: passwords.get(oid) ?? null } : {}) }));
    return { roles, memberships, databases: dbAcls, passwordsRead };
  } finally {
    await close(c);
  }
}

function settingStatement(role: string, entry: string): string {
  return `ALTER ROLE ${quoteIdent(role)} ${setClause(entry)}`;
}

function createStatement(r: SourceRole, withCreateAttributes: boolean): string {
  const parts = [r.login ? 'LOGIN' : 'NOLOGIN', r.inherit ? 'INHERIT' : 'NOINHERIT'];
  if (withCreateAttributes && r.createDb) parts.push('CREATEDB');
  if (withCreateAttributes && r.createRole) parts.push('CREATEROLE');
  if (r.connLimit !== -1) parts.push(`CONNECTION LIMIT ${r.connLimit}`);
  if (r.validUntil) parts.push(`VALID UNTIL ${quoteLiteral(r.validUntil)}`);
  if (r.password) parts.push(`PASSWORD ${quoteLiteral(r.password)}`);
  return `CREATE ROLE ${quoteIdent(r.name)} WITH ${parts.join(' ')}`;
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * Create the missing roles on the target (a session on its admin database), grant their
 * memberships, and make the target user able to act as every role that owns objects (ALTER …
 * OWNER TO needs it). `targetLabel` names the server in errors.
 */
export async function applyRoles(target: pg.Client, src: SourceRoles, targetLabel: string): Promise<RolesOutcome> {
  const me = (await target.query('select current_user as me, (select rolsuper from pg_roles where rolname = current_user) as su, current_setting(\'server_version_num\')::int / 10000 as major')).rows[0] as { me: string; su: boolean; major: number };
  const existing = new Set((await target.query('select rolname from pg_roles')).rows.map((r) => r.rolname as string));
  const report: RolesOutcome = { created: [], existing: [], warnings: [], unowned: [] };
  for (const r of src.roles) {
    if (existing.has(r.name)) {
      report.existing.push(r.name);
      continue;
    }
    const dropped = [r.superuser && 'SUPERUSER', r.replication && 'REPLICATION', r.bypassRls && 'BYPASSRLS'].filter(Boolean);
    try {
      await target.query(createStatement(r, true));
    } catch (e) {
      if ((e as { code?: string }).code !== '42501' || !(r.createDb || r.createRole)) {
        // The statement may hold a password verifier: the error names the role, never the statement.
        throw new Error(`Creating role "${r.name}" on the ${targetLabel} failed: ${messageOf(e)}. Create it there yourself, or migrate without roles.`);
      }
      await target.query(createStatement(r, false));
      dropped.push(...[r.createDb && 'CREATEDB', r.createRole && 'CREATEROLE'].filter((x): x is string => Boolean(x)));
    }
    report.created.push(r.name);
    if (dropped.length) report.warnings.push(`Role "${r.name}" was created without ${dropped.join(', ')}: grant ${dropped.length > 1 ? 'them' : 'it'} on the target if it needs ${dropped.length > 1 ? 'them' : 'it'}.`);
    if (r.login && !r.password) {
      report.warnings.push(
        src.passwordsRead
          ? `Role "${r.name}" signs in but has no password on the source; set one on the target if it needs one.`
          : `Role "${r.name}" signs in, but its password could not be read (only a superuser reads pg_authid on the source): set it on the target with ALTER ROLE ${quoteIdent(r.name)} PASSWORD '…'.`,
      );
    }
    for (const s of r.config) {
      try {
        await target.query(settingStatement(r.name, s));
      } catch (e) {
        report.warnings.push(`Role "${r.name}": the setting ${s.slice(0, s.indexOf('='))} could not be applied on the target (${messageOf(e)}).`);
      }
    }
  }
  const have = new Set(
    (await target.query('select r.rolname as role, u.rolname as member from pg_auth_members am join pg_roles r on r.oid = am.roleid join pg_roles u on u.oid = am.member')).rows.map(
      (m) => `${m.role}\u0000${m.member}`,
    ),
  );
  for (const m of src.memberships) {
    if (have.has(`${m.role}\u0000${m.member}`)) continue;
    try {
      await target.query(`GRANT ${quoteIdent(m.role)} TO ${quoteIdent(m.member)}${m.admin ? ' WITH ADMIN OPTION' : ''}`);
    } catch (e) {
      report.warnings.push(`Role "${m.member}" could not be made a member of "${m.role}" on the target (${messageOf(e)}).`);
    }
  }
  if (!me.su) {
    // ALTER … OWNER TO needs the target user to be able to SET ROLE to the new owner, and the
    // copy needs the owner's privileges (INHERIT).
    const check = me.major >= 16 ? "pg_has_role($1, 'SET') and pg_has_role($1, 'USAGE')" : "pg_has_role($1, 'USAGE')";
    for (const r of src.roles.filter((x) => x.owns && x.name !== me.me)) {
      if ((await target.query(`select ${check} as ok`, [r.name])).rows[0].ok) continue;
      try {
        await target.query(`GRANT ${quoteIdent(r.name)} TO CURRENT_USER${me.major >= 16 ? ' WITH INHERIT TRUE, SET TRUE' : ''}`);
      } catch (e) {
        // A superuser of the target (often the source's own bootstrap superuser, e.g. postgres,
        // owning the public schema) cannot be taken on by a managed server's admin: its objects
        // stay with the target user, and the report says so.
        report.unowned.push(r.name);
        report.warnings.push(
          `Objects owned by "${r.name}" on the source arrive owned by "${me.me}": the target user cannot act as that role (${messageOf(e)}). To carry them, run GRANT ${quoteIdent(r.name)} TO ${quoteIdent(me.me)} on the ${targetLabel} first, or migrate as a superuser.`,
        );
      }
    }
  }
  return report;
}

/** The database's owner and grants, as on the source (run right after creating it). */
export async function applyDatabaseAcl(target: pg.Client, database: string, acl: DatabaseAcl, unowned: string[]): Promise<void> {
  const db = quoteIdent(database);
  const me = (await target.query('select current_user as me')).rows[0].me as string;
  if (acl.owner !== me && !unowned.includes(acl.owner)) await target.query(`ALTER DATABASE ${db} OWNER TO ${quoteIdent(acl.owner)}`);
  if (acl.grants) await applyGrants(target, `DATABASE ${db}`, acl.grants, ['PUBLIC', acl.owner]);
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * A pg_dump script (--quote-all-identifiers) without the statements that need to act as the
 * `unowned` roles: their ALTER … OWNER TO lines (the objects stay the target user's) and
 * their ALTER DEFAULT PRIVILEGES FOR ROLE lines. pg_dump writes each on one line of its own.
 */
export function withoutOwners(sql: string, unowned: string[]): string {
  let out = sql;
  for (const r of unowned) {
    const q = escapeRegExp(`"${r.replace(/"/g, '""')}"`);
    out = out.replace(new RegExp(`^ALTER [^\\n]* OWNER TO ${q};$`, 'gm'), '').replace(new RegExp(`^ALTER DEFAULT PRIVILEGES FOR ROLE ${q} [^\\n]*;$`, 'gm'), '');
  }
  return out;
}
