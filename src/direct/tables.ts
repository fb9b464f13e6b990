/**
 * What to copy: every table holding rows (leaf partitions, never their partitioned parents,
 * so no row is copied twice), its column list without generated columns, its COPY format and
 * how it splits into ranges.
 */
import type pg from 'pg';
import { qualified, quoteIdent, quoteLiteral } from '../core/format';

export interface TablePlan {
  oid: number;
  schema: string;
  table: string;
  /** `schema.table`, quoted where needed: the name shown to people and kept for resume. */
  name: string;
  bytes: number;
  columns: string[];
  /** Binary unless a column's binary form embeds an OID or is an extension's own format. */
  format: 'binary' | 'text';
  /** Why the table is copied as text (for the log and the tests). */
  textReason?: string;
  /** A single integer primary key column: how tables split before PostgreSQL 14. */
  intKey?: string;
  /** It has an index on an expression, whose statistics ANALYZE gathers only once it exists. */
  expressionIndex?: boolean;
}

export interface Chunk {
  /** WHERE clause (without WHERE) selecting this part, or undefined for the whole table. */
  where?: string;
  index: number;
  of: number;
}

const FIRST_NORMAL_OID = 16384;

interface TypeRow {
  oid: number;
  typtype: string;
  typelem: number;
  typbasetype: number;
  typcategory: string;
  hassend: boolean;
  name: string;
}

/** Tables of one source database, largest first. `client` reads the migration's snapshot. */
export async function listTables(client: pg.Client, sourceMajor: number, excludeSchemas: string[] = []): Promise<TablePlan[]> {
  const rels = await client.query(
    `SELECT c.oid::int AS oid, n.nspname AS schema, c.relname AS table, pg_relation_size(c.oid)::float8 AS bytes
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind = 'r'
        AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_(toast|temp)'
        AND n.nspname <> ALL($1::text[])
        AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')`,
    [excludeSchemas],
  );
  if (rels.rowCount === 0) return [];
  const oids = rels.rows.map((r) => r.oid as number);
  const generated = sourceMajor >= 12 ? "a.attgenerated <> ''" : 'false';
  const cols = await client.query(
    `SELECT a.attrelid::int AS rel, a.attname AS name, a.atttypid::int AS type, ${generated} AS generated
       FROM pg_attribute a WHERE a.attrelid = ANY($1::oid[]) AND a.attnum > 0 AND NOT a.attisdropped
      ORDER BY a.attrelid, a.attnum`,
    [oids],
  );
  const keys = await client.query(
    `SELECT i.indrelid::int AS rel, a.attname AS name
       FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
      WHERE i.indisprimary AND i.indnatts = 1 AND i.indrelid = ANY($1::oid[]) AND a.atttypid IN (20, 21, 23)`,
    [oids],
  );
  const withExpressions = await client.query('SELECT DISTINCT indrelid::int AS rel FROM pg_index WHERE indexprs IS NOT NULL AND indrelid = ANY($1::oid[])', [oids]);
  const expressionIndexed = new Set(withExpressions.rows.map((r) => r.rel as number));
  const types = await typeClosure(client, [...new Set(cols.rows.map((c) => c.type as number))]);
  const keyOf = new Map(keys.rows.map((k) => [k.rel as number, k.name as string]));
  const plans: TablePlan[] = rels.rows.map((r) => {
    const mine = cols.rows.filter((c) => c.rel === r.oid);
    let textReason: string | undefined;
    for (const c of mine) {
      const why = binaryUnsafe(c.type as number, types);
      if (why) {
        textReason = `column ${quoteIdent(c.name as string)}: ${why}`;
        break;
      }
    }
    return {
      oid: r.oid as number,
      schema: r.schema as string,
      table: r.table as string,
      name: qualified(r.schema as string, r.table as string),
      bytes: Number(r.bytes),
      columns: mine.filter((c) => !c.generated).map((c) => c.name as string),
      format: textReason ? 'text' : 'binary',
      textReason,
      intKey: keyOf.get(r.oid as number),
      expressionIndex: expressionIndexed.has(r.oid as number),
    };
  });
  return plans.sort((a, b) => b.bytes - a.bytes || a.name.localeCompare(b.name));
}

async function typeClosure(client: pg.Client, start: number[]): Promise<Map<number, TypeRow>> {
  const out = new Map<number, TypeRow>();
  let todo = start;
  while (todo.length) {
    const r = await client.query(
      `SELECT t.oid::int AS oid, t.typtype, t.typelem::int AS typelem, t.typbasetype::int AS typbasetype, t.typcategory,
              t.typsend::oid <> 0 AND t.typreceive::oid <> 0 AS hassend, format_type(t.oid, NULL) AS name
         FROM pg_type t WHERE t.oid = ANY($1::oid[])`,
      [todo],
    );
    const next: number[] = [];
    for (const row of r.rows as TypeRow[]) {
      out.set(row.oid, row);
      for (const o of [row.typelem, row.typbasetype]) if (o && !out.has(o)) next.push(o);
    }
    todo = [...new Set(next)].filter((o) => !out.has(o));
  }
  return out;
}

/**
 * Binary COPY is safe when both servers read the bytes the same way. Arrays and composites
 * embed their element types' OIDs, which differ between servers for user-defined types;
 * extension types (hstore, citext, ...) may change binary format between versions. Those,
 * and types with no binary I/O, go as text. Returns why a type is unsafe, or undefined.
 */
export function binaryUnsafe(oid: number, types: Map<number, TypeRow>): string | undefined {
  const t = types.get(oid);
  if (!t) return `type ${oid} not found`;
  if (!t.hassend) return `${t.name} has no binary I/O`;
  if (t.typtype === 'd') return binaryUnsafe(t.typbasetype, types);
  if (t.typtype === 'e') return undefined;
  if (t.typcategory === 'A' && t.typelem) {
    if (t.typelem >= FIRST_NORMAL_OID) return `${t.name} is an array of a user-defined type (its binary form embeds the type's OID)`;
    return binaryUnsafe(t.typelem, types);
  }
  if (t.typtype === 'c') return `${t.name} is a composite type`;
  if (t.typtype === 'r' || t.typtype === 'm') return oid >= FIRST_NORMAL_OID ? `${t.name} is a user-defined range` : undefined;
  if (oid >= FIRST_NORMAL_OID) return `${t.name} is an extension or user-defined base type`;
  return undefined;
}

export interface SplitOptions {
  jobs: number;
  /** Tables smaller than this are never split. */
  minSplitBytes: number;
  maxParts: number;
}

/**
 * Split a table only when the budget has spare capacity for it: a table gets workers in
 * proportion to its share of the database's bytes. On two cores with two big tables, this
 * means no split at all, which measured best.
 */
export function partsFor(t: TablePlan, totalBytes: number, o: SplitOptions): number {
  if (t.bytes < o.minSplitBytes || totalBytes <= 0) return 1;
  const share = Math.floor((o.jobs * t.bytes) / totalBytes);
  return Math.max(1, Math.min(o.maxParts, share));
}

/** Ranges for `parts` chunks: ctid ranges on PostgreSQL 14+, integer key ranges before. */
export async function chunksFor(client: pg.Client, t: TablePlan, parts: number, sourceMajor: number): Promise<Chunk[]> {
  const whole = [{ index: 0, of: 1 }];
  if (parts <= 1) return whole;
  const rel = qualified(t.schema, t.table);
  if (sourceMajor >= 14) {
    const r = await client.query(`SELECT (pg_relation_size($1::oid) / current_setting('block_size')::int)::bigint AS pages`, [t.oid]);
    const pages = Number(r.rows[0].pages);
    if (pages < parts) return whole;
    const bounds = Array.from({ length: parts - 1 }, (_, i) => Math.floor((pages * (i + 1)) / parts));
    return Array.from({ length: parts }, (_, i) => {
      const lo = i === 0 ? undefined : `ctid >= ${quoteLiteral(`(${bounds[i - 1]},0)`)}::tid`;
      const hi = i === parts - 1 ? undefined : `ctid < ${quoteLiteral(`(${bounds[i]},0)`)}::tid`;
      return { index: i, of: parts, where: [lo, hi].filter(Boolean).join(' AND ') };
    });
  }
  if (!t.intKey) return whole;
  const key = quoteIdent(t.intKey);
  const r = await client.query(`SELECT min(${key})::text AS lo, max(${key})::text AS hi FROM ONLY ${rel}`);
  if (r.rows[0].lo === null) return whole;
  const lo = BigInt(r.rows[0].lo as string);
  const hi = BigInt(r.rows[0].hi as string);
  const span = hi - lo + 1n;
  if (span < BigInt(parts)) return whole;
  const bounds = Array.from({ length: parts - 1 }, (_, i) => lo + (span * BigInt(i + 1)) / BigInt(parts));
  return Array.from({ length: parts }, (_, i) => {
    const a = i === 0 ? undefined : `${key} >= ${bounds[i - 1]}`;
    const b = i === parts - 1 ? undefined : `${key} < ${bounds[i]}`;
    return { index: i, of: parts, where: [a, b].filter(Boolean).join(' AND ') };
  });
}
