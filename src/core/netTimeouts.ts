/**
 * How long a dead peer may go unnoticed, for every kind of connection pgflex opens: pg clients
 * in this process, libpq in pg_dump/psql children, the target's subscription back to the
 * source, and ARM requests. A firewall or NAT that silently drops a connection otherwise leaves
 * a socket waiting for hours. Tests shorten them with PGFLEX_NET_TIMEOUTS
 * (e.g. `copyStallMs=2000,connectTimeoutMs=2000`).
 */

export interface NetTimeouts {
  /** Idle time before the first TCP keepalive probe. */
  keepaliveIdleMs: number;
  /** Between probes (libpq connections; Node's own sockets probe every second). */
  keepaliveIntervalMs: number;
  /** Unanswered probes before the connection is declared dead (libpq connections). */
  keepaliveCount: number;
  connectTimeoutMs: number;
  /** statement_timeout of catalog and control queries (never of COPY or index builds). */
  statementTimeoutMs: number;
  /**
   * A COPY through which no byte moved for this long is taken as a dead connection. It catches
   * what keepalives cannot: a peer that still acknowledges packets but sends nothing, and a
   * write that the peer never acknowledges.
   */
  copyStallMs: number;
  /** One ARM request (each retry of the SDK pipeline gets its own). */
  armRequestMs: number;
}

export const DEFAULT_NET_TIMEOUTS: Readonly<NetTimeouts> = Object.freeze({
  keepaliveIdleMs: 10_000,
  keepaliveIntervalMs: 5_000,
  keepaliveCount: 3,
  connectTimeoutMs: 20_000,
  statementTimeoutMs: 60_000,
  copyStallMs: 60_000,
  armRequestMs: 60_000,
});

/** The timeouts in force: the defaults, overridden by PGFLEX_NET_TIMEOUTS (`key=ms,...`). */
export function netTimeouts(env: NodeJS.ProcessEnv = process.env): NetTimeouts {
  const text = env.PGFLEX_NET_TIMEOUTS?.trim();
  if (!text) return { ...DEFAULT_NET_TIMEOUTS };
  return { ...DEFAULT_NET_TIMEOUTS, ...parseNetTimeouts(text) };
}

export function parseNetTimeouts(text: string): Partial<NetTimeouts> {
  const out: Partial<NetTimeouts> = {};
  for (const part of text.split(',').map((p) => p.trim()).filter(Boolean)) {
    const [key, value] = part.split('=').map((s) => s.trim());
    if (!(key in DEFAULT_NET_TIMEOUTS)) {
      throw new Error(`PGFLEX_NET_TIMEOUTS names "${key}", which is not one of ${Object.keys(DEFAULT_NET_TIMEOUTS).join(', ')}.`);
    }
    const n = Number(value);
    if (!Number.isInteger(n) || n <= 0) throw new Error(`PGFLEX_NET_TIMEOUTS: ${key} must be a positive whole number (milliseconds, or a count for keepaliveCount); it is "${value ?? ''}".`);
    out[key as keyof NetTimeouts] = n;
  }
  return out;
}

/** Socket options of a node-postgres client. */
export function pgSocketOptions(t: NetTimeouts = netTimeouts()): { keepAlive: true; keepAliveInitialDelayMillis: number; connectionTimeoutMillis: number } {
  return { keepAlive: true, keepAliveInitialDelayMillis: t.keepaliveIdleMs, connectionTimeoutMillis: t.connectTimeoutMs };
}

/**
 * libpq connection parameters for keepalives (the target's subscription, pg_dump, psql).
 * libpq has no environment variables for them, so they travel in a connection string.
 */
export function libpqKeepaliveParams(t: NetTimeouts = netTimeouts()): string[] {
  const s = (ms: number) => String(Math.max(1, Math.round(ms / 1000)));
  return ['keepalives=1', `keepalives_idle=${s(t.keepaliveIdleMs)}`, `keepalives_interval=${s(t.keepaliveIntervalMs)}`, `keepalives_count=${t.keepaliveCount}`];
}

/** Seconds, as PGCONNECT_TIMEOUT and libpq's connect_timeout take them (at least 2: libpq's floor). */
export function connectTimeoutSeconds(t: NetTimeouts = netTimeouts()): number {
  return Math.max(2, Math.ceil(t.connectTimeoutMs / 1000));
}

/** How long a dead peer goes unnoticed at most on an idle libpq connection, for messages. */
export function keepaliveWindowSeconds(t: NetTimeouts = netTimeouts()): number {
  return Math.round((t.keepaliveIdleMs + t.keepaliveIntervalMs * t.keepaliveCount) / 1000);
}

/** A connection for catalog and control queries: it gets a statement timeout (COPY and index builds never do). */
export function forControl<T extends { statementTimeoutMs?: number }>(c: T, t: NetTimeouts = netTimeouts()): T {
  return { ...c, statementTimeoutMs: c.statementTimeoutMs ?? t.statementTimeoutMs };
}
