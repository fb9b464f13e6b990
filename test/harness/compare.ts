/**
 * Schema and data comparison of two databases, for migration tests. The schema is read from
 * the catalogs and normalised (so it compares across major versions, where pg_dump 15 cannot
 * dump a 16 server); when both servers can be dumped by the machine's pg_dump, a normalised
 * `pg_dump --schema-only` is compared too.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type pg from 'pg';
import { connect, type ConnInfo } from '../../src/pg/connection';
import { libpqEnv } from '../../src/pg/libpqEnv';

const run = promisify(execFile);

const USER_SCHEMAS = `n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_(toast|temp)'`;
const NOT_EXT = (cls: string, oid: string) => `NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = '${cls}'::regclass AND e.objid = ${oid} AND e.deptype = 'e')`;

async function rows(c: pg.Client, sql: string): Promise<string[]> {
  const r = await c.query(sql);
  return r.rows.map((x) => Object.values(x).map((v) => (v === null ? '∅' : String(v))).join(' | ')).sort();
}

function normalise(s: string): string {
  return s.replace(/EXECUTE PROCEDURE/g, 'EXECUTE FUNCTION').replace(/\s+/g, ' ').trim();
}

/** A sorted list of lines describing every user object of a database. */
export async function schemaOf(conn: ConnInfo): Promise<Record<string, string[]>> {
  const c = await connect(conn);
  try {
    const major = Math.floor(Number((await c.query('SHOW server_version_num')).rows[0].server_version_num) / 10000);
    const generated = major >= 12 ? 'a.attgenerated' : "''";
    const out: Record<string, string[]> = {};
    out.schemas = await rows(c, `SELECT n.nspname FROM pg_namespace n WHERE ${USER_SCHEMAS}`);
    out.extensions = await rows(c, 'SELECT extname FROM pg_extension');
    out.relations = await rows(c, `SELECT n.nspname, c.relname, c.relkind, c.relpersistence, c.relrowsecurity, coalesce(pg_get_expr(c.relpartbound, c.oid), ''), CASE WHEN c.relkind = 'p' THEN pg_get_partkeydef(c.oid) END
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE ${USER_SCHEMAS} AND c.relkind IN ('r','p','v','m','S','f','c') AND ${NOT_EXT('pg_class', 'c.oid')}`);
    out.columns = await rows(c, `SELECT n.nspname, c.relname, a.attnum, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull, a.attidentity, ${generated}, pg_get_expr(d.adbin, d.adrelid)
      FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
      WHERE ${USER_SCHEMAS} AND a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r','p','v','m','f','c') AND ${NOT_EXT('pg_class', 'c.oid')}`);
    out.constraints = await rows(c, `SELECT n.nspname, coalesce(c.relname, t.typname), x.conname, pg_get_constraintdef(x.oid), x.condeferrable, x.convalidated
      FROM pg_constraint x JOIN pg_namespace n ON n.oid = x.connamespace LEFT JOIN pg_class c ON c.oid = x.conrelid LEFT JOIN pg_type t ON t.oid = x.contypid WHERE ${USER_SCHEMAS}`);
    out.indexes = await rows(c, `SELECT pg_get_indexdef(i.indexrelid), i.indisprimary, i.indisunique, i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE ${USER_SCHEMAS}`);
    // PostgreSQL 16 deparses single-table views without column qualifiers: compare without any.
    out.views = (await rows(c, `SELECT n.nspname, c.relname, c.relispopulated, pg_get_viewdef(c.oid) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE ${USER_SCHEMAS} AND c.relkind IN ('v','m')`)).map((v) =>
      normalise(v).replace(/\b[A-Za-z_][A-Za-z0-9_]*\.(?=[A-Za-z_])/g, ''),
    );
    out.functions = (await rows(c, `SELECT pg_get_functiondef(p.oid) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE ${USER_SCHEMAS} AND ${NOT_EXT('pg_proc', 'p.oid')} AND p.prokind IN ('f','p','w')`)).map(normalise);
    out.triggers = (await rows(c, `SELECT pg_get_triggerdef(t.oid) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE ${USER_SCHEMAS} AND NOT t.tgisinternal`)).map(normalise);
    out.policies = await rows(c, 'SELECT schemaname, tablename, policyname, permissive, roles::text, cmd, qual, with_check FROM pg_policies');
    out.types = await rows(c, `SELECT n.nspname, t.typname, t.typtype, format_type(t.typbasetype, t.typtypmod),
        (SELECT string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder) FROM pg_enum e WHERE e.enumtypid = t.oid)
      FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE ${USER_SCHEMAS} AND t.typtype IN ('e','d','c','r') AND ${NOT_EXT('pg_type', 't.oid')}
        AND NOT EXISTS (SELECT 1 FROM pg_class r WHERE r.oid = t.typrelid AND r.relkind <> 'c')`);
    out.sequences = await rows(c, 'SELECT schemaname, sequencename, data_type, start_value, min_value, max_value, increment_by, cycle, last_value FROM pg_sequences');
    out.comments = await rows(c, `SELECT (pg_identify_object(d.classoid, d.objoid, d.objsubid)).identity, d.description FROM pg_description d
      WHERE d.classoid IN ('pg_class'::regclass, 'pg_proc'::regclass, 'pg_type'::regclass, 'pg_namespace'::regclass, 'pg_constraint'::regclass, 'pg_trigger'::regclass, 'pg_policy'::regclass)
        AND NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.objid = d.objoid AND e.deptype = 'e') AND d.objoid >= 16384
        AND NOT (d.classoid = 'pg_namespace'::regclass AND d.objoid IN (SELECT oid FROM pg_namespace WHERE nspname = 'public'))`);
    out.largeObjects = await rows(c, "SELECT m.oid::text, md5(lo_get(m.oid)) FROM pg_largeobject_metadata m");
    return out;
  } finally {
    await c.end();
  }
}

/** One digest per table (and materialized view): an md5 of its rows' text, sorted. */
export async function dataOf(conn: ConnInfo): Promise<Record<string, string>> {
  const c = await connect(conn);
  try {
    await c.query("SET datestyle = 'ISO, MDY'; SET intervalstyle = 'postgres'; SET extra_float_digits = 3; SET TimeZone = 'UTC'");
    const rels = await c.query(`SELECT format('%I.%I', n.nspname, c.relname) AS rel FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE ${USER_SCHEMAS} AND c.relkind IN ('r','m') AND ${NOT_EXT('pg_class', 'c.oid')} ORDER BY 1`);
    const out: Record<string, string> = {};
    for (const { rel } of rels.rows as { rel: string }[]) {
      const r = await c.query(`SELECT count(*) || ':' || coalesce(md5(string_agg(x, E'\\n' ORDER BY x)), '') AS d FROM (SELECT t::text AS x FROM ONLY ${rel} t) s`);
      out[rel] = r.rows[0].d as string;
    }
    return out;
  } finally {
    await c.end();
  }
}

/** `pg_dump --schema-only` without comments, SET lines and blank lines (both servers must be dumpable by it). */
export async function normalisedDump(conn: ConnInfo): Promise<string> {
  const { stdout } = await run('pg_dump', ['--schema-only', '--no-owner', '--no-privileges'], { env: libpqEnv(conn), maxBuffer: 64 * 1024 * 1024 });
  return stdout
    .split('\n')
    .filter((l) => l.trim() && !l.startsWith('--') && !/^SET |^SELECT pg_catalog.set_config|^\\(un)?restrict /.test(l))
    .join('\n');
}

/** pgflex sessions (application_name pgflex:...) open on a server. */
export async function pgflexSessions(conn: ConnInfo): Promise<string[]> {
  const c = await connect(conn);
  try {
    const r = await c.query("SELECT application_name || ' ' || coalesce(datname, '') || ' ' || state AS s FROM pg_stat_activity WHERE application_name LIKE 'pgflex:%'");
    return r.rows.map((x) => x.s as string);
  } finally {
    await c.end();
  }
}
