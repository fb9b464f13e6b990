/**
 * Shared servers for the integration suite: started once on first use, reused by every test
 * file (each test uses databases with names of its own), stopped by the root hook.
 */
import { available, startServer, type PgVersion, type TestServer } from './postgres';

const shared = new Map<string, Promise<TestServer>>();

/** A source (wal_level=logical) or target server of a given version, shared by the suite. */
export function sharedServer(version: PgVersion, role: 'source' | 'target' = 'source'): Promise<TestServer> {
  const key = `${version}:${role}`;
  let p = shared.get(key);
  if (!p) {
    p = startServer({ version, logical: role === 'source' });
    shared.set(key, p);
  }
  return p;
}

export { available };

export async function closeSharedServers(): Promise<void> {
  const all = await Promise.allSettled([...shared.values()]);
  shared.clear();
  await Promise.all(all.map((r) => (r.status === 'fulfilled' ? r.value.destroy() : undefined)));
}

let seq = 0;
/** A database name unique in this run, readable in logs. */
export function uniqueDb(prefix: string): string {
  seq += 1;
  return `${prefix}_${process.pid}_${seq}`.toLowerCase();
}
