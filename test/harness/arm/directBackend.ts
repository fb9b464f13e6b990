/**
 * Runs the loopback ARM server's migrations with the direct engine against real PostgreSQL
 * servers: the ARM create body becomes a direct MigrationSpec (the Flexible Server's stand-in
 * as target; the source from `host:port@user` or a Single Server's stand-in), started through
 * DirectProvider; an online migration waiting for cutover is watched with the online engine's
 * control (latency, CDC counters), and cut over or canceled through it. The direct model comes
 * back as the ARM body, with the create body's settings echoed as the service does.
 */
import os from 'node:os';
import path from 'node:path';
import { mkdtempSync, rmSync } from 'node:fs';
import type { Migration } from '../../../src/core/model';
import type { MigrationSpec, Secrets } from '../../../src/core/provider';
import type { ConnInfo } from '../../../src/pg/connection';
import { refFromConn } from '../../../src/direct/connInfo';
import type { DirectMigrationRun, EngineOptions } from '../../../src/direct/engine';
import { DirectProvider } from '../../../src/direct/provider';
import { RecordStore, targetKeyOf } from '../../../src/direct/store';
import { watchOnline, type OnlineRef } from '../../../src/direct/online/control';
import { parseHostSourceId, parseSingleServerId } from '../../../src/core/ids';
import { echoProps, type CreateInput, type MigrationBackend } from './backend';
import type { ArmWorld, WorldFlexibleServer } from './world';

interface Entry {
  spec: MigrationSpec;
  secrets: Secrets;
  echo: Partial<Migration>;
  run: DirectMigrationRun;
  ref: OnlineRef;
  copyDone: boolean;
  watcher?: Promise<unknown>;
  stopWatch: AbortController;
  flags: Partial<Migration>;
}

const SSL: Record<string, ConnInfo['sslMode']> = { Prefer: 'prefer', Require: 'require', VerifyCA: 'verify-ca', VerifyFull: 'verify-full' };

export class DirectBackend implements MigrationBackend {
  readonly store: RecordStore;
  readonly provider: DirectProvider;
  private readonly entries = new Map<string, Entry>();
  private readonly stateDir: string;

  constructor(private readonly world: ArmWorld, private readonly engine: EngineOptions = {}, private readonly watchEveryMs = 200) {
    this.stateDir = mkdtempSync(path.join(os.tmpdir(), 'pgflex-arm-direct-'));
    this.store = new RecordStore(this.stateDir);
    const opts = { ...engine, store: this.store, throttleMs: engine.throttleMs ?? 20 };
    this.provider = new DirectProvider({ store: this.store, engine: opts });
  }

  private key(server: WorldFlexibleServer, name: string): string {
    return `${server.subscriptionId}/${server.resourceGroup}/${server.name}/${name}`.toLowerCase();
  }

  /** ARM create body → direct spec. */
  private specFor(input: CreateInput): { spec: MigrationSpec; secrets: Secrets } {
    const p = input.props as Record<string, unknown> & { secretParameters?: { adminCredentials?: { sourceServerPassword?: string; targetServerPassword?: string }; sourceServerUsername?: string; targetServerUsername?: string } };
    if (!input.server.pg) throw new Error(`Flexible Server ${input.server.name} has no PostgreSQL server standing in for it.`);
    const sourceId = String(p.sourceDbServerResourceId ?? '');
    let source: ConnInfo;
    const host = parseHostSourceId(sourceId);
    const single = parseSingleServerId(sourceId);
    if (host) {
      source = { host: host.host, port: host.port, user: host.user, database: 'postgres', sslMode: 'prefer' };
    } else if (single) {
      const s = this.world.single(single.subscriptionId, single.resourceGroup, single.name);
      if (!s?.pg) throw new Error(`Single Server ${single.name} has no PostgreSQL server standing in for it.`);
      source = { ...s.pg };
    } else {
      throw new Error(`sourceDbServerResourceId "${sourceId}" is neither host:port@user nor a Single Server id.`);
    }
    if (typeof p.sourceDbServerFullyQualifiedDomainName === 'string') source.host = p.sourceDbServerFullyQualifiedDomainName;
    if (typeof p.sslMode === 'string' && SSL[p.sslMode]) source.sslMode = SSL[p.sslMode];
    const sourceUser = p.secretParameters?.sourceServerUsername?.replace(/@.*$/, '');
    if (sourceUser) source.user = sourceUser;
    const target: ConnInfo = { ...input.server.pg, database: 'postgres' };
    if (p.secretParameters?.targetServerUsername) target.user = p.secretParameters.targetServerUsername;
    const strip = (c: ConnInfo): ConnInfo => ({ ...c, password: undefined });
    const spec: MigrationSpec = {
      name: input.name,
      source: refFromConn(strip({ ...source, role: 'source' })),
      target: refFromConn(strip({ ...target, role: 'target' })),
      databases: (p.dbsToMigrate as string[]) ?? [],
      mode: p.migrationMode === 'Online' ? 'Online' : 'Offline',
      option: (p.migrationOption as MigrationSpec['option']) ?? 'ValidateAndMigrate',
      overwrite: p.overwriteDbsInTarget === 'True',
      jobs: this.engine.jobs ?? 2,
      verify: 'counts',
    };
    return { spec, secrets: { sourcePassword: p.secretParameters?.adminCredentials?.sourceServerPassword, targetPassword: p.secretParameters?.adminCredentials?.targetServerPassword } };
  }

  async create(input: CreateInput): Promise<Migration> {
    const { spec, secrets } = this.specFor(input);
    const run = await this.provider.start(spec, secrets);
    const e: Entry = {
      spec,
      secrets,
      echo: { ...echoProps(input.props), location: input.location, ...(input.tags ? { tags: input.tags } : {}) },
      run,
      ref: { store: this.store, targetKey: targetKeyOf(spec.target), name: spec.name, secrets },
      copyDone: false,
      stopWatch: new AbortController(),
      flags: {},
    };
    this.entries.set(this.key(input.server, input.name), e);
    void run.done.then((m) => {
      e.copyDone = true;
      // An online migration now waits for cutover: keep its latency and CDC counters live, and take cutover/cancel requests.
      if (m.currentStatus?.state === 'WaitingForUserAction') {
        e.watcher = watchOnline(e.ref, { cutover: 'wait', everyMs: this.watchEveryMs, signal: e.stopWatch.signal }).catch(() => undefined);
      }
    });
    return this.view(e);
  }

  private view(e: Entry): Migration {
    const live = e.copyDone ? (this.store.load(e.ref.targetKey, e.ref.name)?.migration ?? e.run.tracker.snapshot()) : e.run.tracker.snapshot();
    const { currentStatus, migrationId, dbsToMigrate } = structuredClone(live);
    return { ...e.echo, name: e.spec.name, ...(migrationId ? { migrationId } : {}), ...(dbsToMigrate ? { dbsToMigrate } : {}), currentStatus, ...e.flags } as Migration;
  }

  async get(server: WorldFlexibleServer, name: string): Promise<Migration | undefined> {
    const e = this.entries.get(this.key(server, name));
    return e ? this.view(e) : undefined;
  }

  async list(server: WorldFlexibleServer): Promise<Migration[]> {
    const prefix = this.key(server, '');
    return [...this.entries.entries()].filter(([k]) => k.startsWith(prefix)).map(([, e]) => this.view(e));
  }

  async cutover(server: WorldFlexibleServer, name: string, databases?: string[]): Promise<void> {
    const e = this.entries.get(this.key(server, name));
    if (!e) return;
    e.flags.triggerCutover = 'True';
    if (databases?.length) e.flags.dbsToTriggerCutoverOn = databases;
    this.store.requestCutover(e.ref.targetKey, name, databases ?? []);
  }

  async cancel(server: WorldFlexibleServer, name: string, databases?: string[]): Promise<void> {
    const e = this.entries.get(this.key(server, name));
    if (!e) return;
    e.flags.cancel = 'True';
    if (databases?.length) e.flags.dbsToCancelMigrationOn = databases;
    if (!e.copyDone) {
      // The service answers at once and cancels in the background; so do we.
      void this.provider.cancel(e.spec.target, name);
      return;
    }
    this.store.requestCancel(e.ref.targetKey, name);
  }

  async close(): Promise<void> {
    for (const e of this.entries.values()) {
      e.stopWatch.abort();
      if (!e.copyDone) e.run.cancel();
    }
    await Promise.all([...this.entries.values()].map((e) => Promise.all([e.run.done, e.watcher])));
    rmSync(this.stateDir, { recursive: true, force: true });
  }
}

