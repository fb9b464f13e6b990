/**
 * Retrying a step (a table's COPY or one of its ranges, a post-data entry) whose connection
 * broke: from its start, a few times, with growing pauses. Only connection-level failures are
 * retried; an error the server raised about the data or the SQL would fail the same way again.
 */
import { PgConnectError } from '../pg/connection';

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  attempts: number;
  /** Pause before the second attempt; each later pause doubles, up to maxDelayMs. */
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: Readonly<RetryPolicy> = Object.freeze({ attempts: 4, baseDelayMs: 1000, maxDelayMs: 8000 });

/** Node socket errors that mean the connection, not the statement, failed. */
const SOCKET_CODES = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ECONNREFUSED', 'ECONNABORTED', 'EHOSTUNREACH', 'ENETUNREACH', 'ENETDOWN', 'EAI_AGAIN']);
/** SQLSTATEs of a session ended by the server: admin/crash shutdown, cannot connect now. */
const SERVER_ENDED = new Set(['57P01', '57P02', '57P03']);
const MESSAGES = /Connection terminated|terminating connection|server closed the connection|socket hang up|write after end|This socket has been ended|Client has encountered a connection error|timeout expired/i;

/** Whether `e` is a broken or dead connection (worth a retry), not a data or SQL error. */
export function isConnectionError(e: unknown): boolean {
  if (!e || typeof e !== 'object') return false;
  const err = e as { code?: unknown; message?: unknown; cause?: unknown };
  if (e instanceof PgConnectError) {
    if (e.kind === 'unreachable' || e.kind === 'timeout') return true;
    if (e.kind !== 'other') return false;
  }
  const code = typeof err.code === 'string' ? err.code : undefined;
  if (code) {
    if (SOCKET_CODES.has(code) || SERVER_ENDED.has(code) || code.startsWith('08')) return true;
    // Any other SQLSTATE is the server speaking about the statement: not a broken connection.
    if (/^[0-9A-Z]{5}$/.test(code)) return false;
  }
  if (typeof err.message === 'string' && MESSAGES.test(err.message)) return true;
  return err.cause !== undefined && err.cause !== e && isConnectionError(err.cause);
}

/** Pause before attempt `attempt` (2 = the first retry). */
export function retryDelayMs(attempt: number, p: RetryPolicy = DEFAULT_RETRY): number {
  return Math.min(p.maxDelayMs, p.baseDelayMs * 2 ** Math.max(0, attempt - 2));
}

export interface RetryHooks {
  policy?: RetryPolicy;
  signal?: AbortSignal;
  /** Heard before each retry: the attempt about to run, and why. */
  onRetry?(attempt: number, error: unknown, delayMs: number): void;
  /** Whether to retry this error; defaults to isConnectionError. */
  retryable?(error: unknown): boolean;
}

/**
 * Run `fn` (given its attempt number, from 1) until it succeeds, fails with an error not worth
 * retrying, runs out of attempts, or `signal` aborts. The last error is thrown as it came.
 */
export async function withRetry<T>(fn: (attempt: number) => Promise<T>, hooks: RetryHooks = {}): Promise<T> {
  const policy = hooks.policy ?? DEFAULT_RETRY;
  const retryable = hooks.retryable ?? isConnectionError;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (e) {
      if (attempt >= policy.attempts || hooks.signal?.aborted || !retryable(e)) throw e;
      const delay = retryDelayMs(attempt + 1, policy);
      hooks.onRetry?.(attempt + 1, e, delay);
      await pause(delay, hooks.signal);
      if (hooks.signal?.aborted) throw e;
    }
  }
}

function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** The retry policy in force: DEFAULT_RETRY, or PGFLEX_RETRY (`attempts=3,baseDelayMs=100`) for tests. */
export function retryPolicy(env: NodeJS.ProcessEnv = process.env): RetryPolicy {
  const text = env.PGFLEX_RETRY?.trim();
  const p: RetryPolicy = { ...DEFAULT_RETRY };
  if (!text) return p;
  for (const part of text.split(',').map((s) => s.trim()).filter(Boolean)) {
    const [key, value] = part.split('=').map((s) => s.trim());
    const n = Number(value);
    if (!(key in DEFAULT_RETRY) || !Number.isInteger(n) || n < (key === 'attempts' ? 1 : 0)) {
      throw new Error(`PGFLEX_RETRY: "${part}" is not one of attempts=N (1 or more), baseDelayMs=MS, maxDelayMs=MS.`);
    }
    p[key as keyof RetryPolicy] = n;
  }
  return p;
}
