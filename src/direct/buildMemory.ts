/**
 * Sort memory (`maintenance_work_mem`) of one post-data build.
 *
 * A btree build sorts its keys. Sorted in runs of 32 MB per participant and then merged, it
 * took less CPU than one sort in up to 1 GB: the runs stay in the CPU's caches, and the build
 * touches a tenth of the fresh memory (on the 2-core bench VM a fresh page costs about 5 µs; the
 * bench's three big btree builds, timed alone, went from 5.7 to 5.0 core-seconds). A big table
 * gets more, so that its runs still merge in one pass: PostgreSQL merges at most one run per
 * 264 kB of the memory (tuplesort_merge_order), so memory m sorting S bytes needs S / m ≤
 * m / 264 kB, m ≥ √(S × 264 kB); twice that, since sorting takes more room than the heap's
 * rows. PostgreSQL gives a parallel build's participants equal shares and wants 32 MB each.
 *
 * Everything else keeps the session's 1 GB (targetSettings): a GIN build gathers its entries
 * in memory and slows down sharply when it must flush them often, and a foreign key's
 * validation runs its join with `work_mem` set to `maintenance_work_mem`.
 */
import { INDEX_SORT_MB, INDEX_SORT_MEMORY } from './targetSettings';

/** At least this, per participant (the leader and each parallel worker) of a btree build. */
export const BTREE_SORT_MB = 32;
const MB = 1024 * 1024;
/** What PostgreSQL's merge takes per input run: a 256 kB read buffer and its tape's block. */
const MERGE_INPUT_BYTES = 264 * 1024;

// pg_dump --quote-all-identifiers writes the method quoted (USING "btree"); keysAsIndexes writes it bare.
const BTREE_INDEX = /^CREATE (?:UNIQUE )?INDEX [\s\S]* USING "?btree"? \(/;
const KEY_CONSTRAINT = /^ALTER TABLE [\s\S]* ADD CONSTRAINT [\s\S]* (?:PRIMARY KEY|UNIQUE) \(/;

/** Whether a post-data statement builds a btree index (a plain one, or a primary key or unique constraint's). */
export function buildsBtree(sql: string): boolean {
  return BTREE_INDEX.test(sql) || KEY_CONSTRAINT.test(sql);
}

/**
 * The sort memory, in PostgreSQL's notation, for a build of `sql` with up to `workers` parallel
 * workers on a table of `tableBytes` (0 when unknown: the least).
 */
export function sortMemoryFor(sql: string, workers: number, tableBytes = 0): string {
  if (!buildsBtree(sql)) return INDEX_SORT_MEMORY;
  const participants = Math.max(0, Math.floor(workers)) + 1;
  const onePass = 2 * Math.sqrt((Math.max(0, tableBytes) / participants) * MERGE_INPUT_BYTES);
  const each = Math.max(BTREE_SORT_MB, Math.ceil(onePass / MB));
  return `${Math.min(each * participants, INDEX_SORT_MB)}MB`;
}

/** The session setting for that memory. */
export function sortMemorySql(memory: string): string {
  return `SET maintenance_work_mem = '${memory}'`;
}
