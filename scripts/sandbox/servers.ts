/**
 * The sandbox's two servers: a busy source (PostgreSQL 15 from the machine when present, else
 * 16, wal_level=logical, seeded with the sample) and an empty target (embedded PostgreSQL 16).
 */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { available, startServer, type PgVersion, type TestServer } from '../../test/harness/postgres';
import { seedSample, type SampleScale, SANDBOX_SCALE, SAMPLE_DATABASES } from './sampleDb';
import { startWriter, type Writer } from './writer';

export interface SandboxConnection {
  label: string;
  role: 'source' | 'target';
  host: string;
  port: number;
  user: string;
  database: string;
  sslMode: 'disable';
  password: string;
}

export interface SandboxServers {
  source: TestServer;
  target: TestServer;
  writer: Writer | undefined;
  /** A pgpass file (mode 600) so psql connects without a password on the command line. */
  pgpass: string;
  /** For PGFLEX_SANDBOX_CONNECTIONS: what the extension imports as Direct connections. */
  connections: SandboxConnection[];
  /** Starts the writer again (after a test stopped it, as a user stops writes before a cutover). */
  restartWriter(): Promise<void>;
  stop(): Promise<void>;
}

export async function startSandboxServers(opts: { scale?: SampleScale; writer?: boolean; log?: (s: string) => void } = {}): Promise<SandboxServers> {
  const log = opts.log ?? (() => undefined);
  const sourceVersion: PgVersion = available('15') ? '15' : '16';
  const started: TestServer[] = [];
  let writer: Writer | undefined;
  let result: SandboxServers | undefined;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pgflex-sandbox-'));
  const stop = async (): Promise<void> => {
    // The writer may have been replaced (restartWriter) since start.
    await (result?.writer ?? writer)?.stop();
    await Promise.all(started.map((s) => s.destroy()));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const [source, target] = await Promise.all([
      startServer({ version: sourceVersion, logical: true }).then((s) => (started.push(s), s)),
      startServer({ version: '16', logical: false }).then((s) => (started.push(s), s)),
    ]);
    const t = Date.now();
    await seedSample(source, opts.scale ?? SANDBOX_SCALE);
    log(`Seeded ${SAMPLE_DATABASES.join(' and ')} on the source in ${((Date.now() - t) / 1000).toFixed(1)} s.`);
    if (opts.writer ?? true) writer = await startWriter(source.conn());
    const pgpass = path.join(dir, 'pgpass');
    const escape = (s: string): string => s.replace(/([:\\])/g, '\\$1');
    writeFileSync(pgpass, [source, target].map((s) => `${s.host}:${s.port}:*:${s.user}:${escape(s.password)}`).join('\n') + '\n');
    chmodSync(pgpass, 0o600);
    const conn = (s: TestServer, role: 'source' | 'target', label: string): SandboxConnection => ({
      label,
      role,
      host: s.host,
      port: s.port,
      user: s.user,
      database: 'postgres',
      sslMode: 'disable',
      password: s.password,
    });
    result = {
      source,
      target,
      writer,
      pgpass,
      connections: [conn(source, 'source', `Sandbox source (PostgreSQL ${source.version})`), conn(target, 'target', `Sandbox target (PostgreSQL ${target.version})`)],
      async restartWriter() {
        await result?.writer?.stop();
        if (result) result.writer = await startWriter(source.conn());
      },
      stop,
    };
    return result;
  } catch (e) {
    await stop();
    throw e;
  }
}
