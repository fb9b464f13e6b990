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
  /**
   * A statement run after `sql` has committed, in its own transaction (a key attached to the
   * index `sql` built: in one transaction the index's lock would be held while waiting for
   * the exclusive one, and two keys of one table would deadlock).
   */
  then?: string;
  /** `"schema"."table"` the entry builds on, for indexes and constraints of one table. */
  table?: string;
  /**
   * 1: indexes and non-FK constraints (parallel, per table as soon as its data is in);
   * 2: what depends on them (index attach, triggers, policies, comments...; parallel);
   * 3: foreign keys (parallel, last, when every referenced key exists);
   * 4: the rest, one at a time in dump order (materialized view refresh, event triggers...).
   */
  group: 1 | 2 | 3 | 4;
  /**
   * Run alone, in dump order, before the rest of its group: partition index attaches. A
   * partitioned index becomes valid when its last partition's index is attached; two attaches
   * committing side by side each see the other's as not attached yet, and the parent index
   * would stay invalid.
   */
  oneAtATime?: true;
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
    return { type, name: h[1], schema: h[3], sql, table: tableOf(type, sql), group: groupOf(type), ...(type === 'INDEX ATTACH' ? { oneAtATime: true as const } : {}) };
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

/** An entry's identity in the resume state: `type|schema|name`. */
export function postDataKey(e: PostDataEntry): string {
  return `${e.type}|${e.schema}|${e.name}`;
}

/** `"schema"."table"` as pg_dump --quote-all-identifiers writes it. */
export function quotedAll(schema: string, table: string): string {
  return `"${schema.replace(/"/g, '""')}"."${table.replace(/"/g, '""')}"`;
}

const KEY_CONSTRAINT = new RegExp(`^ALTER TABLE ONLY (${IDENT}\\.${IDENT})\\n    ADD CONSTRAINT (${IDENT}) (PRIMARY KEY|UNIQUE) (\\([^;]*\\));$`);

/**
 * A primary key or unique constraint added with ALTER TABLE holds an exclusive lock for the
 * whole index build, so a table's other indexes wait for it. Built instead as a unique index
 * first (which other index builds on the table run beside) and then attached as the
 * constraint, as pgcopydb does; the result in the catalog is the same. Only plain tables
 * (`plainTables`, quoted as pg_dump quotes them) and constraints with no extra clause.
 */
export function keysAsIndexes(pd: PostData, plainTables: Set<string>): PostData {
  const entries = pd.entries.map((e) => {
    if (e.type !== 'CONSTRAINT' || !e.table || !plainTables.has(e.table)) return e;
    const m = KEY_CONSTRAINT.exec(e.sql);
    if (!m) return e;
    const [, table, name, kind, cols] = m;
    return {
      ...e,
      // IF NOT EXISTS: a resumed run may find the index built but not yet attached.
      sql: `CREATE UNIQUE INDEX IF NOT EXISTS ${name} ON ${table} USING btree ${cols};`,
      then: `ALTER TABLE ONLY ${table} ADD CONSTRAINT ${name} ${kind} USING INDEX ${name};`,
    };
  });
  return { ...pd, entries };
}

const FK_REFERENCES = new RegExp(`REFERENCES (${IDENT}\\.${IDENT})\\(`);

/** The two tables of a foreign key entry: `[table, referenced]`, as pg_dump quotes them. */
export function foreignKeyTables(e: PostDataEntry): [string, string] | undefined {
  if (e.type !== 'FK CONSTRAINT') return undefined;
  const table = ALTER_TABLE.exec(e.sql)?.[1];
  const ref = FK_REFERENCES.exec(e.sql)?.[1];
  return table && ref ? [table, ref] : undefined;
}
