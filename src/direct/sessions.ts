/**
 * Every connection and child process one migration opens, so that cancel and failure can
 * close all of them at once, and leftovers on the servers can be found by application_name.
 */
import type { ChildProcess } from 'node:child_process';
import type pg from 'pg';
import { forControl } from '../core/netTimeouts';
import { connect, type ConnInfo } from '../pg/connection';

/** The application_name every session of a migration carries (PostgreSQL keeps 63 bytes). */
export function appNameFor(migration: string): string {
  return `pgflex:${migration}`.slice(0, 63);
}

export class Sessions {
  private readonly clients = new Set<pg.Client>();
  private readonly children = new Set<ChildProcess>();
  private closed = false;

  constructor(readonly appName: string) {}

  /** Open a client tagged with the migration's application_name. */
  async open(c: ConnInfo): Promise<pg.Client> {
    if (this.closed) throw new Error('The migration is stopping; no new session is opened.');
    const client = await connect({ ...c, applicationName: this.appName });
    if (this.closed) {
      destroyClient(client);
      throw new Error('The migration is stopping; no new session is opened.');
    }
    this.clients.add(client);
    client.once('end', () => this.clients.delete(client));
    return client;
  }

  async close(client: pg.Client): Promise<void> {
    this.clients.delete(client);
    await endQuickly(client);
  }

  track(child: ChildProcess): void {
    this.children.add(child);
    child.once('exit', () => this.children.delete(child));
    if (this.closed) child.kill('SIGTERM');
  }

  /** Drop every socket and kill every child now: used on cancel and on failure. */
  destroyAll(): void {
    this.closed = true;
    for (const c of this.clients) destroyClient(c);
    this.clients.clear();
    for (const ch of this.children) ch.kill('SIGTERM');
  }

  get openCount(): number {
    return this.clients.size + this.children.size;
  }
}

/** The server's process id of a client's session (from its BackendKeyData). */
export function backendPid(client: pg.Client): number | undefined {
  return (client as unknown as { processID?: number }).processID ?? undefined;
}

/** Tag an error with the session it broke, so a retry can end that session first (endBrokenSession). */
export function tagBrokenSession(e: unknown, client: pg.Client): void {
  const pid = backendPid(client);
  if (pid && e && typeof e === 'object') (e as { pgflexTargetPid?: number }).pgflexTargetPid ??= pid;
}

/**
 * End, over `c`, the session a broken connection left running on the server (it goes on with
 * its statement, holding its locks, until it next touches its socket), and wait until it is
 * gone: a retry would otherwise wait on its locks or collide with what it builds.
 */
export async function endBrokenSession(c: pg.Client, e: unknown, appName: string, timeoutMs = 5000): Promise<void> {
  const pid = (e as { pgflexTargetPid?: number } | undefined)?.pgflexTargetPid;
  if (!pid) return;
  const alive = async () => (await c.query('SELECT count(*)::int AS n FROM pg_stat_activity WHERE pid = $1 AND application_name = $2', [pid, appName])).rows[0].n > 0;
  if (!(await alive())) return;
  await c.query('SELECT pg_terminate_backend($1)', [pid]);
  const deadline = Date.now() + timeoutMs;
  while ((await alive()) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
}

/** Close the socket without waiting for a server that may be gone or busy with a COPY. */
export function destroyClient(client: pg.Client): void {
  const stream = (client as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream;
  try {
    stream?.destroy();
  } catch {
    /* already closed */
  }
  client.end().catch(() => undefined);
}

async function endQuickly(client: pg.Client): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    client.end().catch(() => undefined),
    new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        destroyClient(client);
        resolve();
      }, 2000);
    }),
  ]);
  clearTimeout(timer);
}

/**
 * Terminate the backends still carrying this migration's application_name on one server and
 * wait until they are gone. Returns how many were left when the deadline passed (0 = clean).
 */
export async function terminateLeftovers(c: ConnInfo, appName: string, timeoutMs = 4000): Promise<number> {
  let client: pg.Client;
  try {
    client = await connect(forControl({ ...c, database: c.database, applicationName: 'pgflex-cleanup', connectTimeoutMs: 3000 }));
  } catch {
    return 0; // The server is unreachable: nothing of ours can be open there.
  }
  try {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const r = await client.query(
        'SELECT count(*)::int AS n FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1 AND pid <> pg_backend_pid()) t',
        [appName],
      );
      const n = r.rows[0].n as number;
      if (n === 0 || Date.now() > deadline) return n;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } catch {
    return 0;
  } finally {
    await client.end().catch(() => undefined);
  }
}
