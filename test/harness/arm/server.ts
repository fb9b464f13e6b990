/**
 * An ARM-shaped HTTPS server on loopback: the routes the Azure provider uses (subscriptions,
 * Flexible Servers, Single Servers, configurations, firewall rules, restart, migrations), with
 * api-version checks, bearer-token checks, ARM error envelopes, long-running operations
 * (Azure-AsyncOperation), an optional delay per call, call counting, and injected failures
 * (429 with Retry-After, 5xx, 403). Migrations run in a `MigrationBackend`.
 */
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { isTerminal, type Migration } from '../../../src/core/model';
import { makeCert, type TestCert } from './cert';
import { ScriptedBackend, type MigrationBackend } from './backend';
import { ArmWorld, flexId, singleId, type WorldFlexibleServer } from './world';

export const API = { flexible: '2025-08-01', single: '2017-12-01', subscriptions: '2022-12-01' } as const;
const MIGRATION_TYPE = 'Microsoft.DBforPostgreSQL/flexibleServers/migrations';
const NAME = /^[a-z][a-z0-9]*$/;

export interface Injection {
  method?: string;
  /** Matches when the path contains this (case-insensitive). */
  path?: string;
  status: number;
  retryAfterSeconds?: number;
  code?: string;
  message?: string;
  /** How many calls to fail (default 1). */
  times?: number;
}

export interface ArmServerOptions {
  world?: ArmWorld;
  backend?: MigrationBackend;
  /** Delay every response by this much (ms). */
  delayMs?: number;
  /** Accept only this bearer token (default: any non-empty one). */
  token?: string;
  /** How long a long-running operation (restart, parameter update) stays InProgress. */
  lroMs?: number;
}

class HttpError extends Error {
  constructor(readonly status: number, readonly code: string, message: string, readonly headers: Record<string, string> = {}) {
    super(message);
  }
}

export class ArmServer {
  readonly world: ArmWorld;
  readonly backend: MigrationBackend;
  /** Every call received, retries included. */
  calls = 0;
  readonly callsByRoute = new Map<string, number>();
  readonly log: { method: string; path: string; status: number; body?: unknown }[] = [];
  delayMs: number;
  private readonly injections: Injection[] = [];
  private readonly operations = new Map<string, { doneAt: number; onDone?: () => void; done?: boolean }>();
  private server!: https.Server;
  private cert!: TestCert;
  url = '';
  private opSeq = 0;

  constructor(private readonly opts: ArmServerOptions = {}) {
    this.world = opts.world ?? new ArmWorld();
    this.backend = opts.backend ?? new ScriptedBackend();
    this.delayMs = opts.delayMs ?? 0;
  }

  /** PEM of the certificate to trust. */
  get ca(): string {
    return this.cert.cert;
  }

  get caFile(): string {
    return this.cert.caFile;
  }

  async start(): Promise<this> {
    this.cert = makeCert();
    this.server = https.createServer({ key: this.cert.key, cert: this.cert.cert, keepAliveTimeout: 30_000 }, (req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `https://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    await this.backend.close?.();
    this.cert.remove();
  }

  /** Fail the next matching call(s). */
  inject(i: Injection): void {
    this.injections.push({ times: 1, ...i });
  }

  resetCounts(): void {
    this.calls = 0;
    this.callsByRoute.clear();
    this.log.length = 0;
  }

  private async handle(req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse): Promise<void> {
    this.calls++;
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', this.url);
    const method = req.method ?? 'GET';
    let status = 200;
    let body: unknown;
    let headers: Record<string, string> = {};
    try {
      if (url.pathname === '/__stats') {
        // For a benchmark that runs this server in another process; not part of ARM.
        this.calls--;
        res.writeHead(200, { 'content-type': 'application/json' });
        const cpu = process.cpuUsage();
        res.end(JSON.stringify({ calls: this.calls, byRoute: Object.fromEntries(this.callsByRoute), cpuMs: Math.round((cpu.user + cpu.system) / 1000) }));
        return;
      }
      if (this.delayMs) await new Promise((r) => setTimeout(r, this.delayMs));
      const auth = req.headers.authorization ?? '';
      if (!/^Bearer \S+/.test(auth) || (this.opts.token && auth !== `Bearer ${this.opts.token}`)) {
        throw new HttpError(401, 'InvalidAuthenticationToken', 'The access token is invalid or has expired.');
      }
      const inj = this.injections.find((i) => (!i.method || i.method === method) && (!i.path || url.pathname.toLowerCase().includes(i.path.toLowerCase())));
      if (inj) {
        inj.times = (inj.times ?? 1) - 1;
        if (inj.times <= 0) this.injections.splice(this.injections.indexOf(inj), 1);
        throw new HttpError(inj.status, inj.code ?? (inj.status === 429 ? 'TooManyRequests' : inj.status === 403 ? 'AuthorizationFailed' : 'InternalServerError'), inj.message ?? `Injected ${inj.status}.`, inj.retryAfterSeconds !== undefined ? { 'retry-after': String(inj.retryAfterSeconds) } : {});
      }
      const json = text ? JSON.parse(text) : undefined;
      ({ status, body, headers = {} } = await this.route(method, url, json));
    } catch (e) {
      if (e instanceof HttpError) {
        status = e.status;
        body = { error: { code: e.code, message: e.message } };
        headers = e.headers;
      } else {
        status = 500;
        body = { error: { code: 'InternalServerError', message: e instanceof Error ? e.message : String(e) } };
      }
    }
    this.log.push({ method, path: url.pathname + url.search, status, body: text ? safeJson(text) : undefined });
    const payload = body === undefined ? '' : JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(payload), 'x-ms-request-id': String(this.calls), ...headers });
    res.end(payload);
  }

  private count(route: string): void {
    this.callsByRoute.set(route, (this.callsByRoute.get(route) ?? 0) + 1);
  }

  private version(url: URL, expected: string): void {
    const v = url.searchParams.get('api-version');
    if (v !== expected) {
      throw new HttpError(400, v ? 'InvalidApiVersionParameter' : 'MissingApiVersionParameter', v ? `The api-version '${v}' is invalid. The supported versions are '${expected}'.` : `The api-version query parameter (?api-version=) is required for all requests.`);
    }
  }

  private async route(method: string, url: URL, body: unknown): Promise<{ status: number; body?: unknown; headers?: Record<string, string> }> {
    const seg = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    const lower = seg.map((s) => s.toLowerCase());
    // /subscriptions
    if (lower.length === 1 && lower[0] === 'subscriptions' && method === 'GET') {
      this.count('GET subscriptions');
      this.version(url, API.subscriptions);
      return { status: 200, body: { value: this.world.subscriptions.map((s) => ({ id: `/subscriptions/${s.subscriptionId}`, subscriptionId: s.subscriptionId, displayName: s.displayName, tenantId: s.tenantId, state: 'Enabled' })) } };
    }
    if (lower[0] !== 'subscriptions' || lower.length < 4) throw new HttpError(404, 'NotFound', `No route for ${method} ${url.pathname}.`);
    const sub = seg[1];
    if (!this.world.subscriptions.some((s) => s.subscriptionId.toLowerCase() === sub.toLowerCase())) {
      throw new HttpError(404, 'SubscriptionNotFound', `The subscription '${sub}' could not be found.`);
    }
    // async operation status: /subscriptions/{s}/providers/Microsoft.DBforPostgreSQL/locations/{l}/azureAsyncOperation/{id}
    if (lower[4] === 'locations' && lower[6] === 'azureasyncoperation') {
      this.count('GET azureAsyncOperation');
      const op = this.operations.get(seg[7]);
      if (!op) throw new HttpError(404, 'OperationNotFound', `Operation ${seg[7]} not found.`);
      if (Date.now() >= op.doneAt && !op.done) {
        op.done = true;
        op.onDone?.();
      }
      return { status: 200, body: { name: seg[7], status: op.done ? 'Succeeded' : 'InProgress', startTime: new Date().toISOString() } };
    }
    // subscription-wide lists
    if (lower[2] === 'providers' && lower[3] === 'microsoft.dbforpostgresql' && lower.length === 5 && method === 'GET') {
      if (lower[4] === 'flexibleservers') {
        this.count('GET flexibleServers (subscription)');
        this.version(url, API.flexible);
        return { status: 200, body: { value: this.world.flexibleServers.filter((s) => eqi(s.subscriptionId, sub)).map(flexBody) } };
      }
      if (lower[4] === 'servers') {
        this.count('GET servers (subscription)');
        this.version(url, API.single);
        return { status: 200, body: { value: this.world.singleServers.filter((s) => eqi(s.subscriptionId, sub)).map(singleBody) } };
      }
    }
    // /subscriptions/{s}/resourceGroups/{rg}/providers/Microsoft.DBforPostgreSQL/{flexibleServers|servers}/{name}/...
    if (lower[2] !== 'resourcegroups' || lower[4] !== 'providers' || lower[5] !== 'microsoft.dbforpostgresql') {
      throw new HttpError(404, 'NotFound', `No route for ${method} ${url.pathname}.`);
    }
    const rg = seg[3];
    if (lower[6] === 'servers' && lower.length === 8 && method === 'GET') {
      this.count('GET server (single)');
      this.version(url, API.single);
      const s = this.world.single(sub, rg, seg[7]);
      if (!s) throw new HttpError(404, 'ResourceNotFound', `The Resource 'Microsoft.DBforPostgreSQL/servers/${seg[7]}' under resource group '${rg}' was not found.`);
      return { status: 200, body: singleBody(s) };
    }
    if (lower[6] !== 'flexibleservers' || lower.length < 8) throw new HttpError(404, 'NotFound', `No route for ${method} ${url.pathname}.`);
    this.version(url, API.flexible);
    const server = this.world.flexible(sub, rg, seg[7]);
    if (!server) throw new HttpError(404, 'ResourceNotFound', `The Resource 'Microsoft.DBforPostgreSQL/flexibleServers/${seg[7]}' under resource group '${rg}' was not found.`);
    const rest = lower.slice(8);
    if (rest.length === 0 && method === 'GET') {
      this.count('GET flexibleServer');
      return { status: 200, body: flexBody(server) };
    }
    if (rest.length === 0 && method === 'PATCH') {
      this.count('PATCH flexibleServer');
      const b = (body ?? {}) as { sku?: { name: string; tier: string }; properties?: { storage?: { storageSizeGB?: number } } };
      server.state = 'Updating';
      return this.accepted(server, () => {
        if (b.sku) Object.assign(server, { skuName: b.sku.name, skuTier: b.sku.tier });
        if (b.properties?.storage?.storageSizeGB) server.storageGb = b.properties.storage.storageSizeGB;
        server.state = 'Ready';
      });
    }
    if (rest[0] === 'restart' && method === 'POST') {
      this.count('POST restart');
      server.state = 'Restarting';
      return this.accepted(server, () => (server.state = 'Ready'));
    }
    if (rest[0] === 'configurations') return this.configurations(method, server, seg[9], body);
    if (rest[0] === 'firewallrules') return this.firewall(method, server, seg[9], body);
    if (rest[0] === 'checkmigrationnameavailability' && method === 'POST') {
      this.count('POST checkMigrationNameAvailability');
      const { name, type } = (body ?? {}) as { name?: string; type?: string };
      if (!name || !type) throw new HttpError(400, 'InvalidRequestContent', 'The request content must have "name" and "type".');
      if (!NAME.test(name)) return { status: 200, body: { name, type, nameAvailable: false, reason: 'Invalid', message: `Migration name '${name}' is invalid: it must start with a lowercase letter and contain only lowercase letters and digits.` } };
      if (await this.backend.get(server, name)) return { status: 200, body: { name, type, nameAvailable: false, reason: 'AlreadyExists', message: `Migration name '${name}' already exists on server '${server.name}'.` } };
      return { status: 200, body: { name, type, nameAvailable: true } };
    }
    if (rest[0] === 'migrations') return this.migrations(method, url, server, seg[9], body);
    throw new HttpError(404, 'NotFound', `No route for ${method} ${url.pathname}.`);
  }

  /** 202 + Azure-AsyncOperation, done after `lroMs`. */
  private accepted(server: WorldFlexibleServer, onDone?: () => void, body?: unknown): { status: number; body?: unknown; headers: Record<string, string> } {
    const id = `op${++this.opSeq}`;
    this.operations.set(id, { doneAt: Date.now() + (this.opts.lroMs ?? 50), onDone });
    const op = `${this.url}/subscriptions/${server.subscriptionId}/providers/Microsoft.DBforPostgreSQL/locations/${server.location}/azureAsyncOperation/${id}?api-version=${API.flexible}`;
    return { status: 202, body, headers: { 'azure-asyncoperation': op, 'retry-after': '0' } };
  }

  private configurations(method: string, server: WorldFlexibleServer, name: string | undefined, body: unknown) {
    const cfg = (n: string) => ({ id: `${flexId(server)}/configurations/${n}`, name: n, type: 'Microsoft.DBforPostgreSQL/flexibleServers/configurations', properties: { value: server.parameters.get(n) ?? '', source: 'user-override', dataType: 'String', isDynamicConfig: !['shared_preload_libraries', 'wal_level'].includes(n), isConfigPendingRestart: false } });
    if (!name && method === 'GET') {
      this.count('GET configurations');
      return { status: 200, body: { value: [...server.parameters.keys()].map(cfg) } };
    }
    if (!name) throw new HttpError(405, 'MethodNotAllowed', 'Not allowed.');
    if (method === 'GET') {
      this.count('GET configuration');
      if (!server.parameters.has(name)) throw new HttpError(404, 'ConfigurationNotExists', `The configuration '${name}' does not exist for server '${server.name}'.`);
      return { status: 200, body: cfg(name) };
    }
    if (method === 'PATCH' || method === 'PUT') {
      this.count(`${method} configuration`);
      const value = (body as { properties?: { value?: string } })?.properties?.value;
      if (value === undefined) throw new HttpError(400, 'InvalidParameterValue', 'properties.value is required.');
      return this.accepted(server, () => server.parameters.set(name, value));
    }
    throw new HttpError(405, 'MethodNotAllowed', `${method} is not allowed on configurations.`);
  }

  private firewall(method: string, server: WorldFlexibleServer, name: string | undefined, body: unknown) {
    const rule = (n: string) => ({ id: `${flexId(server)}/firewallRules/${n}`, name: n, type: 'Microsoft.DBforPostgreSQL/flexibleServers/firewallRules', properties: server.firewallRules.get(n) });
    if (!name && method === 'GET') {
      this.count('GET firewallRules');
      return { status: 200, body: { value: [...server.firewallRules.keys()].map(rule) } };
    }
    if (!name) throw new HttpError(405, 'MethodNotAllowed', 'Not allowed.');
    if (method === 'GET') {
      this.count('GET firewallRule');
      if (!server.firewallRules.has(name)) throw new HttpError(404, 'ResourceNotFound', `Firewall rule '${name}' was not found.`);
      return { status: 200, body: rule(name) };
    }
    if (method === 'PUT') {
      this.count('PUT firewallRule');
      const p = (body as { properties?: { startIpAddress?: string; endIpAddress?: string } })?.properties;
      if (!p?.startIpAddress || !p.endIpAddress) throw new HttpError(400, 'InvalidParameterValue', 'startIpAddress and endIpAddress are required.');
      return this.accepted(server, () => server.firewallRules.set(name, { startIpAddress: p.startIpAddress as string, endIpAddress: p.endIpAddress as string }));
    }
    if (method === 'DELETE') {
      this.count('DELETE firewallRule');
      return this.accepted(server, () => server.firewallRules.delete(name));
    }
    throw new HttpError(405, 'MethodNotAllowed', `${method} is not allowed on firewall rules.`);
  }

  private async migrations(method: string, url: URL, server: WorldFlexibleServer, name: string | undefined, body: unknown) {
    if (!name) {
      if (method !== 'GET') throw new HttpError(405, 'MethodNotAllowed', `${method} is not allowed on the migrations collection.`);
      this.count('GET migrations');
      const filter = url.searchParams.get('migrationListFilter') ?? 'Active';
      if (!['Active', 'All'].includes(filter)) throw new HttpError(400, 'InvalidParameterValue', `migrationListFilter '${filter}' is not one of Active, All.`);
      const all = await this.backend.list(server);
      return { status: 200, body: { value: all.filter((m) => filter === 'All' || !isTerminal(m)).map((m) => armBody(m, server)) } };
    }
    const existing = await this.backend.get(server, name);
    if (method === 'GET') {
      this.count('GET migration');
      if (!existing) throw notFound(server, name);
      return { status: 200, body: armBody(existing, server) };
    }
    if (method === 'PUT') {
      this.count('PUT migration');
      if (!NAME.test(name)) throw new HttpError(400, 'InvalidResourceName', `The migration name '${name}' is invalid: it must match ^[a-z][a-z0-9]*$.`);
      const b = (body ?? {}) as { location?: string; tags?: Record<string, string>; properties?: Record<string, unknown> };
      if (!b.location) throw new HttpError(400, 'LocationRequired', 'The location property is required for this definition.');
      const props = b.properties ?? {};
      const creds = (props.secretParameters as { adminCredentials?: { sourceServerPassword?: string; targetServerPassword?: string } } | undefined)?.adminCredentials;
      if (!creds?.sourceServerPassword || !creds.targetServerPassword) throw new HttpError(400, 'InvalidParameterValue', 'secretParameters.adminCredentials with both passwords is required.');
      if (!Array.isArray(props.dbsToMigrate) || props.dbsToMigrate.length === 0 || props.dbsToMigrate.length > 50) throw new HttpError(400, 'InvalidParameterValue', 'dbsToMigrate must list 1 to 50 databases.');
      if (existing) throw new HttpError(409, 'MigrationNameAlreadyExists', `A migration named '${name}' already exists on server '${server.name}'.`);
      const active = (await this.backend.list(server)).find((m) => !isTerminal(m));
      if (active) throw new HttpError(409, 'ActiveMigrationExists', `Migration '${active.name}' is already active on server '${server.name}'. Only one active migration or validation is allowed per target server.`);
      const m = await this.backend.create({ server, name, location: b.location, tags: b.tags, props });
      return { status: 201, body: armBody(m, server) };
    }
    if (!existing) throw notFound(server, name);
    if (method === 'PATCH') {
      this.count('PATCH migration');
      const p = ((body ?? {}) as { properties?: Record<string, unknown> }).properties ?? {};
      if (Object.keys(p).length === 0) throw new HttpError(400, 'InvalidRequestContent', 'The PATCH body has no properties to change.');
      if (p.triggerCutover === 'True') {
        if (existing.migrationMode !== 'Online') throw new HttpError(400, '603114', 'Cutover can be triggered only for an online migration.');
        if (isTerminal(existing)) throw new HttpError(400, '603113', `Cutover cannot be triggered: the migration is ${existing.currentStatus?.state}.`);
        await this.backend.cutover(server, name, p.dbsToTriggerCutoverOn as string[] | undefined);
      } else if (p.cancel === 'True') {
        if (isTerminal(existing)) throw new HttpError(400, 'MigrationNotActive', `The migration is ${existing.currentStatus?.state}; only an active migration can be canceled.`);
        await this.backend.cancel(server, name, p.dbsToCancelMigrationOn as string[] | undefined);
      }
      return { status: 200, body: armBody((await this.backend.get(server, name)) as Migration, server) };
    }
    if (method === 'DELETE') {
      this.count('DELETE migration');
      if (isTerminal(existing)) return { status: 204 };
      await this.backend.cancel(server, name);
      return { status: 200, body: armBody((await this.backend.get(server, name)) as Migration, server) };
    }
    throw new HttpError(405, 'MethodNotAllowed', `${method} is not allowed on a migration.`);
  }
}

function eqi(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

function notFound(server: WorldFlexibleServer, name: string): HttpError {
  return new HttpError(404, 'ResourceNotFound', `The Resource 'Microsoft.DBforPostgreSQL/flexibleServers/${server.name}/migrations/${name}' under resource group '${server.resourceGroup}' was not found.`);
}

function safeJson(t: string): unknown {
  try {
    return JSON.parse(t);
  } catch {
    return t;
  }
}

/** pgflex-only fields of the model that the service does not return. */
const PGFLEX_ONLY = ['provider', 'startedOn', 'endedOn', 'progress'];
const PGFLEX_DB_ONLY = ['tables', 'verification', 'cutoverSeconds', 'progress'];
const PGFLEX_RULE_ONLY = ['correctiveAction', 'code', 'objects', 'fix'];

/** The model → an ARM migration body (envelope + properties), as the service would send it. */
export function armBody(m: Migration, server: WorldFlexibleServer): Record<string, unknown> {
  const { id: _id, name, type: _type, location, tags, ...props } = structuredClone(m) as Migration & Record<string, unknown>;
  for (const k of PGFLEX_ONLY) delete props[k];
  delete props.secretParameters;
  const details = (props.currentStatus as Migration['currentStatus'])?.currentSubStateDetails;
  for (const d of Object.values(details?.dbDetails ?? {})) for (const k of PGFLEX_DB_ONLY) delete (d as Record<string, unknown>)[k];
  const v = details?.validationDetails;
  for (const item of [...(v?.serverLevelValidationDetails ?? []), ...(v?.dbLevelValidationDetails ?? []).flatMap((d) => d.summary)]) {
    for (const k of PGFLEX_RULE_ONLY) delete (item as unknown as Record<string, unknown>)[k];
  }
  return {
    id: `${flexId(server)}/migrations/${name}`,
    name,
    type: MIGRATION_TYPE,
    location: location ?? server.location,
    ...(tags ? { tags } : {}),
    properties: { ...props, targetDbServerResourceId: flexId(server), targetDbServerMetadata: { location: server.location, version: server.version, storageMb: server.storageGb * 1024, sku: { name: server.skuName, tier: server.skuTier } } },
  };
}

export function flexBody(s: WorldFlexibleServer): Record<string, unknown> {
  return {
    id: flexId(s),
    name: s.name,
    type: 'Microsoft.DBforPostgreSQL/flexibleServers',
    location: s.location,
    sku: { name: s.skuName, tier: s.skuTier },
    properties: {
      administratorLogin: s.administratorLogin,
      version: s.version,
      state: s.state,
      fullyQualifiedDomainName: `${s.name}.postgres.database.azure.com`,
      storage: { storageSizeGB: s.storageGb, autoGrow: 'Disabled' },
    },
  };
}

export function singleBody(s: import('./world').WorldSingleServer): Record<string, unknown> {
  return {
    id: singleId(s),
    name: s.name,
    type: 'Microsoft.DBforPostgreSQL/servers',
    location: s.location,
    sku: { name: s.skuName, tier: s.skuTier, capacity: s.capacity, family: 'Gen5' },
    properties: {
      administratorLogin: s.administratorLogin,
      version: s.version,
      userVisibleState: 'Ready',
      fullyQualifiedDomainName: `${s.name}.postgres.database.azure.com`,
      sslEnforcement: 'Enabled',
      storageProfile: { storageMB: s.storageMb, backupRetentionDays: 7, geoRedundantBackup: 'Disabled' },
    },
  };
}

export async function startArmServer(opts: ArmServerOptions = {}): Promise<ArmServer> {
  return new ArmServer(opts).start();
}
