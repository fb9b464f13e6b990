/**
 * One signed-in connection to Azure Resource Manager: the credential, the endpoint, TLS trust,
 * the SDK clients (one per subscription, the package loaded on first use), the discovery pool
 * and cache. Retries: the SDK pipeline retries 408/429/5xx with exponential backoff and honours
 * Retry-After on 429/503; we only set how many times. Discovery GET lists take the lean path in
 * leanGet.ts (same token, agent, retries and error wording, a fraction of the CPU per call).
 */
import type { PostgreSQLManagementFlexibleServerClient, PostgreSQLManagementFlexibleServerClientOptionalParams } from '@azure/arm-postgresql-flexible';
import type { HttpClient, PipelineResponse } from '@azure/core-rest-pipeline';
import https from 'node:https';
import tls from 'node:tls';
import { netTimeouts } from '../core/netTimeouts';
import type { TokenCredential } from './credential';
import { explainArmError, type ArmContext } from './errors';
import { LeanArmGet } from './leanGet';
import { KeyedPool, TtlCache } from './pool';

export const DEFAULT_ARM_ENDPOINT = 'https://management.azure.com';

export interface AzureSessionOptions {
  credential: TokenCredential;
  /** ARM endpoint (sovereign clouds, or any ARM-compatible server). Passed as the SDK's `endpoint`, never `$host`. */
  endpoint?: string;
  /** Extra CA certificates (PEM) to trust for the endpoint; replaces the default list, so use it for private endpoints only. NODE_EXTRA_CA_CERTS also works. */
  ca?: string | string[];
  /** Tests: a custom HTTP client. */
  httpClient?: HttpClient;
  /** How many times the SDK retries 408/429/5xx. Default 4. */
  maxRetries?: number;
  /** Poll interval for long-running operations (server restart, parameter updates). Default: the service's Retry-After or 2 s. */
  pollIntervalMs?: number;
  /** Discovery concurrency per subscription (ARM throttles per subscription) and overall. Defaults 8 and 128. */
  concurrencyPerSubscription?: number;
  concurrencyTotal?: number;
  /** How long discovery results are reused. Default 30 s. */
  cacheTtlMs?: number;
}

export class AzureSession {
  readonly endpoint: string;
  readonly pool: KeyedPool;
  readonly cache: TtlCache;
  private http?: HttpClient;
  private createRequest?: typeof import('@azure/core-rest-pipeline').createPipelineRequest;
  private readonly clients = new Map<string, Promise<PostgreSQLManagementFlexibleServerClient>>();
  /** Calls sent through this session (after the pool), for benchmarks and diagnostics. */
  calls = 0;

  constructor(readonly options: AzureSessionOptions) {
    this.endpoint = (options.endpoint ?? DEFAULT_ARM_ENDPOINT).replace(/\/+$/, '');
    if (!/^https:\/\//i.test(this.endpoint)) {
      throw new Error(`The ARM endpoint must be an https:// URL (got "${this.endpoint}"): Azure SDKs refuse to send bearer tokens over plain HTTP.`);
    }
    this.pool = new KeyedPool(options.concurrencyPerSubscription ?? 8, options.concurrencyTotal ?? 128);
    this.cache = new TtlCache(options.cacheTtlMs ?? 30_000);
  }

  get pollIntervalMs(): number | undefined {
    return this.options.pollIntervalMs;
  }

  /** The SDK client for one subscription ('' for subscription-less calls such as listing subscriptions). */
  client(subscriptionId: string): Promise<PostgreSQLManagementFlexibleServerClient> {
    let c = this.clients.get(subscriptionId);
    if (!c) {
      c = Promise.all([import('@azure/arm-postgresql-flexible'), import('@azure/core-rest-pipeline')]).then(([sdk, pipeline]) => {
        // One HTTP client for every subscription's SDK client: kept-alive TLS connections are
        // shared instead of each client opening its own (handshakes dominate a cold tree load).
        this.http ??= this.options.httpClient ?? pipeline.createDefaultHttpClient();
        this.createRequest = pipeline.createPipelineRequest;
        const opts: PostgreSQLManagementFlexibleServerClientOptionalParams = {
          endpoint: this.endpoint,
          retryOptions: { maxRetries: this.options.maxRetries ?? 4 },
          userAgentOptions: { userAgentPrefix: 'pgflex' },
        };
        // One agent with one TLS context: without it Node builds a context (and parses the CA list)
        // for every new connection, which costs more than the requests themselves on a cold tree.
        // With a proxy configured the SDK's proxy policy must choose the agent, so we step aside.
        if (!this.options.httpClient && !proxyConfigured()) opts.agent = this.agent();
        else if (this.options.ca) opts.tlsOptions = { ca: this.options.ca };
        opts.httpClient = this.http;
        const client = subscriptionId
          ? new sdk.PostgreSQLManagementFlexibleServerClient(this.options.credential, subscriptionId, opts)
          : new sdk.PostgreSQLManagementFlexibleServerClient(this.options.credential, opts);
        // We register no tracer, and log only when asked (AZURE_LOG_LEVEL): on a tree of hundreds of
        // calls these two policies cost about a third of the client's CPU.
        client.pipeline.removePolicy({ name: 'tracingPolicy' });
        if (!process.env.AZURE_LOG_LEVEL) client.pipeline.removePolicy({ name: 'logPolicy' });
        client.pipeline.addPolicy({ name: 'pgflexCallCounter', sendRequest: (req, next) => { this.calls++; return next(req); } }, { phase: 'Retry' });
        // Every attempt gets a deadline: a half-open connection would otherwise hold a call forever.
        client.pipeline.addPolicy({ name: 'pgflexRequestTimeout', sendRequest: (req, next) => { req.timeout ||= netTimeouts().armRequestMs; return next(req); } }, { phase: 'Retry' });
        return client;
      });
      this.clients.set(subscriptionId, c);
      c.catch(() => this.clients.delete(subscriptionId));
    }
    return c;
  }

  private agentInstance?: https.Agent;

  private agent(): https.Agent {
    this.agentInstance ??= new https.Agent({
      keepAlive: true,
      maxSockets: this.options.concurrencyTotal ?? 128,
      secureContext: tls.createSecureContext(this.options.ca ? { ca: this.options.ca } : {}),
    });
    return this.agentInstance;
  }

  /** Close kept-alive connections (the CLI calls this before exiting). */
  dispose(): void {
    this.agentInstance?.destroy();
  }

  /**
   * GET an ARM path the SDK has no method for (subscriptions, Single Servers), through the same
   * pipeline (token, retries, TLS). Follows `nextLink`. Errors come out worded for a person.
   */
  async getAll<T>(path: string, ctx: ArmContext, subscriptionId = ''): Promise<T[]> {
    const send = await this.getter(subscriptionId);
    const out: T[] = [];
    let url: string | undefined = path.startsWith('https://') ? path : `${this.endpoint}${path}`;
    while (url) {
      let res: { status: number; text: string };
      try {
        res = await send(url);
      } catch (e) {
        throw explainArmError(e, ctx);
      }
      let body: { value?: T[]; nextLink?: string; error?: { code?: string; message?: string } } = {};
      try {
        body = res.text ? JSON.parse(res.text) : {};
      } catch {
        /* a non-JSON body is reported by status below */
      }
      if (res.status < 200 || res.status >= 300) {
        throw explainArmError({ statusCode: res.status, code: body.error?.code, message: body.error?.message ?? (res.text || `HTTP ${res.status}`), details: body }, ctx);
      }
      out.push(...(body.value ?? []));
      url = body.nextLink;
    }
    return out;
  }

  private lean?: LeanArmGet;

  /**
   * How a GET is sent: the lean path (see leanGet.ts) unless a test HttpClient or a proxy is in
   * play, where only the SDK pipeline does the right thing.
   */
  private async getter(subscriptionId: string): Promise<(url: string) => Promise<{ status: number; text: string }>> {
    if (!this.options.httpClient && !proxyConfigured()) {
      this.lean ??= new LeanArmGet({
        credential: this.options.credential,
        scope: `${this.endpoint}/.default`,
        agent: this.agent(),
        maxRetries: this.options.maxRetries ?? 4,
        onSend: () => this.calls++,
      });
      const lean = this.lean;
      return (url) => lean.get(url);
    }
    const client = await this.client(subscriptionId);
    // Loaded with the client; a dynamic import per call is costly when hundreds run at once.
    const createPipelineRequest = this.createRequest as NonNullable<typeof this.createRequest>;
    return async (url) => {
      const res: PipelineResponse = await client.sendRequest(createPipelineRequest({ url, method: 'GET' }));
      return { status: res.status, text: res.bodyAsText ?? '' };
    };
  }

  /** Run one discovery call through the per-subscription pool and the cache. */
  discover<T>(subscriptionId: string, key: string, load: () => Promise<T>): Promise<T> {
    return this.cache.get(key, () => this.pool.run(subscriptionId || '-', load));
  }
}

function proxyConfigured(env: NodeJS.ProcessEnv = process.env): boolean {
  return ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy', 'ALL_PROXY', 'all_proxy'].some((k) => !!env[k]);
}
