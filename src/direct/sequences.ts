/** Sequences set on the target to the values the source had in the migration's snapshot. */
import type pg from 'pg';
import { qualified, quoteLiteral } from '../core/format';

export async function copySequences(source: pg.Client, target: pg.Client, excludeSchemas: string[] = []): Promise<number> {
  const seqs = await source.query(
    `SELECT n.nspname AS schema, c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind = 'S' AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname <> ALL($1::text[])
        AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')`,
    [excludeSchemas],
  );
  for (const s of seqs.rows) {
    const rel = qualified(s.schema as string, s.name as string);
    const v = await source.query(`SELECT last_value::text AS v, is_called FROM ${rel}`);
    await target.query(`SELECT pg_catalog.setval(${quoteLiteral(rel)}, $1::bigint, $2)`, [v.rows[0].v, v.rows[0].is_called]);
  }
  return seqs.rowCount ?? 0;
}
