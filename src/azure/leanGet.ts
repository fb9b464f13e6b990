/**
 * A lean ARM GET for discovery lists: Node's https.request on one kept-alive agent, a bearer
 * token from the session's TokenCredential cached until shortly before it expires, and the
 * SDK pipeline's retry rules (408/429/5xx and dropped connections, honouring Retry-After).
 * Why: the full pipeline costs ~1.7 ms of CPU per call, which on a tree of hundreds of calls
 * is as long as the network waits. Writes (and anything with a custom HttpClient or a proxy)
 * keep the SDK.
 */
import { randomUUID } from 'node:crypto';
import https from 'node:https';
import { netTimeouts } from '../core/netTimeouts';
import type { AccessToken, TokenCredential } from './credential';

export interface LeanResponse {
  status: number;
  text: string;
}

export interface LeanGetOptions {
  credential: TokenCredential;
  /** e.g. `https://management.azure.com/.default`: the scope the SDK client would ask for. */
  scope: string;
  agent: https.Agent;
  maxRetries: number;
  /** Called once per attempt sent (retries included), as the SDK's call counter is. */
  onSend?: () => void;
  /** Tests: shorten the back-off when the server gives no Retry-After. */
  baseDelayMs?: number;
  /** One attempt that has not answered after this long is abandoned (and retried); default netTimeouts().armRequestMs. */
  timeoutMs?: number;
}

/** Refresh this long before expiry, as the SDK's bearer policy does (it uses 2 minutes). */
const REFRESH_MARGIN_MS = 2 * 60 * 1000;
const MAX_DELAY_MS = 64_000;
const RETRY_NETWORK = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH']);

export class LeanArmGet {
  private token?: AccessToken;
  private pending?: Promise<AccessToken>;

  constructor(private readonly o: LeanGetOptions) {}

  async get(url: string): Promise<LeanResponse> {
    let refreshed = false;
    for (let attempt = 0; ; attempt++) {
      const token = await this.bearer(false);
      let res: LeanResponse & { retryAfterMs?: number };
      try {
        this.o.onSend?.();
        res = await this.send(url, token.token);
      } catch (e) {
        const code = (e as { code?: string }).code;
        if (attempt < this.o.maxRetries && code && RETRY_NETWORK.has(code)) {
          await sleep(this.backoff(attempt));
          continue;
        }
        throw e;
      }
      // An expired or revoked token the cache still held: one fresh token, one retry.
      if (res.status === 401 && !refreshed) {
        refreshed = true;
        this.token = undefined;
        await this.bearer(true);
        attempt--;
        continue;
      }
      if (attempt < this.o.maxRetries && retryable(res.status)) {
        await sleep(res.retryAfterMs ?? this.backoff(attempt));
        continue;
      }
      return res;
    }
  }

  private backoff(attempt: number): number {
    const base = this.o.baseDelayMs ?? 800;
    const exp = Math.min(MAX_DELAY_MS, base * 2 ** attempt);
    return exp / 2 + Math.random() * (exp / 2);
  }

  private bearer(force: boolean): Promise<AccessToken> {
    const t = this.token;
    if (!force && t && t.expiresOnTimestamp - Date.now() > REFRESH_MARGIN_MS) return Promise.resolve(t);
    // Hundreds of calls start at once: they share one token request.
    this.pending ??= this.o.credential.getToken(this.o.scope).then(
      (got) => {
        this.pending = undefined;
        if (!got) throw Object.assign(new Error('The Azure credential returned no access token. Sign in again and retry.'), { name: 'AuthenticationRequiredError' });
        this.token = got;
        return got;
      },
      (e) => {
        this.pending = undefined;
        throw e;
      },
    );
    return this.pending;
  }

  private send(url: string, token: string): Promise<LeanResponse & { retryAfterMs?: number }> {
    return new Promise((resolve, reject) => {
      const req = https.request(
        url,
        {
          method: 'GET',
          agent: this.o.agent,
          headers: { authorization: `Bearer ${token}`, accept: 'application/json', 'user-agent': USER_AGENT, 'x-ms-client-request-id': randomUUID() },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', reject);
          res.on('end', () => {
            resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8'), retryAfterMs: retryAfter(res.headers) });
          });
        },
      );
      const ms = this.o.timeoutMs ?? netTimeouts().armRequestMs;
      // A half-open connection would otherwise wait forever; ETIMEDOUT is retried like a reset.
      req.setTimeout(ms, () => req.destroy(Object.assign(new Error(`Azure Resource Manager (${new URL(url).host}) did not answer within ${ms / 1000} s.`), { code: 'ETIMEDOUT' })));
      req.on('error', reject);
      req.end();
    });
  }
}

const USER_AGENT = `pgflex node/${process.versions.node} (${process.platform})`;

/** The statuses the SDK's exponential retry retries: 408, 429 and 5xx except 501 and 505. */
function retryable(status: number): boolean {
  return status === 408 || status === 429 || (status >= 500 && status !== 501 && status !== 505);
}

/** Retry-After in ms from `retry-after-ms`, `x-ms-retry-after-ms` or `retry-after` (seconds or an HTTP date). */
export function retryAfter(headers: Record<string, string | string[] | undefined>): number | undefined {
  for (const h of ['retry-after-ms', 'x-ms-retry-after-ms']) {
    const v = Number(headers[h]);
    if (headers[h] !== undefined && Number.isFinite(v) && v >= 0) return v;
  }
  const ra = headers['retry-after'];
  if (typeof ra !== 'string' || !ra.trim()) return undefined;
  const secs = Number(ra);
  if (Number.isFinite(secs)) return Math.max(0, secs * 1000);
  const at = Date.parse(ra);
  return Number.isFinite(at) ? Math.max(0, at - Date.now()) : undefined;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
