/**
 * Verification after the copy: row counts (or counts and an order-independent checksum of
 * every row's text) of each table on the source, in the migration's snapshot, against the
 * target.
 */
import type pg from 'pg';
import type { Verification } from '../core/model';
import type { TablePlan } from './tables';
import { qualified } from '../core/format';

const TEXT_SETTINGS = "SET datestyle = 'ISO, MDY'; SET intervalstyle = 'postgres'; SET extra_float_digits = 3";

function probe(t: TablePlan, mode: 'counts' | 'checksums'): string {
  const rel = qualified(t.schema, t.table);
  if (mode === 'counts') return `SELECT count(*)::text AS v FROM ONLY ${rel}`;
  // Sum of 64-bit slices of each row's md5: order-independent and constant memory.
  return `SELECT count(*)::text || '/' || coalesce(sum(('x' || substr(md5(t::text), 1, 16))::bit(64)::bigint::numeric), 0)::text AS v FROM ONLY ${rel} t`;
}

/**
 * `copied` holds, for tables copied by this run, the rows the source's COPY sent from the
 * snapshot and the rows the target's COPY committed, both as the servers reported them. In
 * counts mode those are compared without scanning either table again (on a big database the
 * rescan costs as much as an index build); tables copied by an earlier run (resume) are
 * counted on both servers. Checksums always scan both sides.
 */
export async function verifyTables(source: pg.Client, target: pg.Client, tables: TablePlan[], mode: 'counts' | 'checksums', signal?: AbortSignal, copied?: Map<string, { source: number; target: number }>): Promise<Verification> {
  if (mode === 'checksums') {
    await source.query(TEXT_SETTINGS);
    await target.query(TEXT_SETTINGS);
  }
  const mismatches: Verification['mismatches'] = [];
  for (const t of tables) {
    signal?.throwIfAborted();
    const sql = probe(t, mode);
    const known = mode === 'counts' ? copied?.get(t.name) : undefined;
    const [s, d] = known
      ? [{ rows: [{ v: String(known.source) }] }, { rows: [{ v: String(known.target) }] }]
      : await Promise.all([source.query(sql), target.query(sql)]);
    const sv = s.rows[0].v as string;
    const tv = d.rows[0].v as string;
    if (sv !== tv) mismatches.push({ table: t.name, source: sv, target: tv });
  }
  return { mode, state: mismatches.length ? 'Failed' : 'Succeeded', tablesChecked: tables.length, mismatches };
}
