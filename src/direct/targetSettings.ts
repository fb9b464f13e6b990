/**
 * Session settings of the target connections that load a database. A migration that fails is
 * run again (and verified), so its commits need not wait for the WAL to reach disk; index
 * builds may sort in memory up to 1 GB (as pgcopydb does), which only bounds what a sort may
 * take: a small index uses what it needs.
 */
export const LOAD_SETTINGS = 'SET synchronous_commit = off';
export const INDEX_SETTINGS = `${LOAD_SETTINGS}; SET maintenance_work_mem = '1GB'`;
