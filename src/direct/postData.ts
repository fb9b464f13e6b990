/**
 * The post-data section of a plain pg_dump, split into its TOC entries so they can be built
 * in parallel. pg_dump heads every entry with `-- Name: ...; Type: ...; Schema: ...`; that
 * header is what we split on, so statement bodies are never parsed.
 */

export interface PostDataEntry {
  type: string;
  name: string;
  schema: string;
  sql: string;
  /** `"schema"."table"` the entry builds on, for indexes and constraints of one table. */
  table?: string;
  /**
   * 1: indexes and non-FK constraints (parallel, per table as soon as its data is in);
   * 2: what depends on them (index attach, triggers, policies, comments...; parallel);
   * 3: foreign keys (parallel, last, when every referenced key exists);
   * 4: the rest, one at a time in dump order (materialized view refresh, event triggers...).
   */
  group: 1 | 2 | 3 | 4;
}

export interface PostData {
  /** SET statements every session must run before any entry. */
  prelude: string;
  entries: PostDataEntry[];
}

const HEADER = /^--\n-- (?:Data for )?Name: (.*?); Type: (.*?); Schema: (.*?); Owner: .*\n--\n/gm;
const GROUP2 = new Set(['INDEX ATTACH', 'TRIGGER', 'POLICY', 'RULE', 'ROW SECURITY', 'COMMENT', 'STATISTICS', 'SECURITY LABEL']);

export function splitPostData(dump: string): PostData {
  const heads = [...dump.matchAll(HEADER)];
  const end = dump.search(/^-- PostgreSQL database dump complete/m);
  const prelude = (heads.length ? dump.slice(0, heads[0].index) : dump.slice(0, end >= 0 ? end : dump.length))
    .split('\n')
    .filter((l) => /^(SET|SELECT pg_catalog\.set_config)/.test(l))
    .join('\n');
  const entries: PostDataEntry[] = heads.map((h, i) => {
    const start = h.index! + h[0].length;
    const stop = i + 1 < heads.length ? heads[i + 1].index! : end >= 0 ? end : dump.length;
    const sql = dump.slice(start, stop).trim();
    const type = h[2];
    return { type, name: h[1], schema: h[3], sql, table: tableOf(type, sql), group: groupOf(type) };
  });
  return { prelude, entries: entries.filter((e) => e.sql.length > 0) };
}

function groupOf(type: string): PostDataEntry['group'] {
  if (type === 'INDEX' || type === 'CONSTRAINT') return 1;
  if (type === 'FK CONSTRAINT') return 3;
  if (GROUP2.has(type)) return 2;
  return 4;
}

const IDENT = '(?:"(?:[^"]|"")+"|[A-Za-z_][A-Za-z0-9_$]*)';
const CREATE_INDEX = new RegExp(`^CREATE (?:UNIQUE )?INDEX ${IDENT} ON (?:ONLY )?(${IDENT}\\.${IDENT})`);
const ALTER_TABLE = new RegExp(`^ALTER TABLE (?:ONLY )?(${IDENT}\\.${IDENT})`);

function tableOf(type: string, sql: string): string | undefined {
  if (type === 'INDEX') return CREATE_INDEX.exec(sql)?.[1];
  if (type === 'CONSTRAINT') return ALTER_TABLE.exec(sql)?.[1];
  return undefined;
}

/** `"schema"."table"` as pg_dump --quote-all-identifiers writes it. */
export function quotedAll(schema: string, table: string): string {
  return `"${schema.replace(/"/g, '""')}"."${table.replace(/"/g, '""')}"`;
}
