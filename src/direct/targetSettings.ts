/**
 * Session settings of the target connections that load a database. A migration that fails is
 * run again (and verified), so its commits need not wait for the WAL to reach disk; builds may
 * use up to 1 GB of sort memory (as pgcopydb does), which only bounds what a sort may take: a
 * small index uses what it needs. Btree builds set their own, smaller memory (buildMemory.ts).
 */
export const LOAD_SETTINGS = 'SET synchronous_commit = off';
/** Sort memory of builds, in MB (btree builds take less: buildMemory.ts). */
export const INDEX_SORT_MB = 1024;
export const INDEX_SORT_MEMORY = `${INDEX_SORT_MB}MB`;
export const INDEX_SETTINGS = `${LOAD_SETTINGS}; SET maintenance_work_mem = '${INDEX_SORT_MEMORY}'`;
