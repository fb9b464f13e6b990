/**
 * What runs the migrations behind the loopback ARM server. `ScriptedBackend` walks through the
 * service's states on a clock (for route tests and the benchmark); `DirectBackend`
 * (directBackend.ts) runs them for real with the direct engine against PostgreSQL servers.
 */
import type { DatabaseMigrationState, Migration, ValidationDetails } from '../../../src/core/model';
import type { WorldFlexibleServer } from './world';

export interface CreateInput {
  server: WorldFlexibleServer;
  name: string;
  location: string;
  tags?: Record<string, string>;
  /** The ARM `properties` of the create body, secretParameters included. */
  props: Record<string, unknown>;
}

export interface MigrationBackend {
  create(input: CreateInput): Promise<Migration>;
  get(server: WorldFlexibleServer, name: string): Promise<Migration | undefined>;
  list(server: WorldFlexibleServer): Promise<Migration[]>;
  cutover(server: WorldFlexibleServer, name: string, databases?: string[]): Promise<void>;
  cancel(server: WorldFlexibleServer, name: string, databases?: string[]): Promise<void>;
  close?(): Promise<void>;
}

const key = (s: WorldFlexibleServer) => `${s.subscriptionId}/${s.resourceGroup}/${s.name}`.toLowerCase();

/** The create body's settable properties, as the service echoes them (secrets removed). */
export function echoProps(props: Record<string, unknown>): Partial<Migration> {
  const { secretParameters: _s, ...rest } = props;
  return rest as Partial<Migration>;
}

type Phase = 'prereq' | 'validating' | 'copying' | 'waiting' | 'cuttingover' | 'completing' | 'succeeded' | 'validated' | 'canceling' | 'canceled';

interface Scripted {
  m: Migration;
  /** What validation reports once it ran (a test's script), instead of every rule passing. */
  validation?: ValidationDetails;
  phases: Phase[];
  at: number;
  since: number;
}

/** Walks a migration through the service's states, one step every `stepMs`. */
export class ScriptedBackend implements MigrationBackend {
  private readonly byServer = new Map<string, Map<string, Scripted>>();

  constructor(
    private readonly stepMs = 100,
    /** A test's validation result for a created migration; undefined: every rule passes. */
    private readonly validationOf?: (input: CreateInput) => ValidationDetails | undefined,
  ) {}

  private of(s: WorldFlexibleServer): Map<string, Scripted> {
    let m = this.byServer.get(key(s));
    if (!m) this.byServer.set(key(s), (m = new Map()));
    return m;
  }

  async create(input: CreateInput): Promise<Migration> {
    const p = echoProps(input.props);
    const option = (p.migrationOption as string) ?? 'ValidateAndMigrate';
    const online = p.migrationMode === 'Online';
    const validation = option === 'Migrate' ? undefined : this.validationOf?.(input);
    const phases: Phase[] = ['prereq'];
    if (option !== 'Migrate') phases.push('validating');
    // A Failed rule ends ValidateAndMigrate too, in ValidationFailed.
    if (option === 'Validate' || validation?.status === 'Failed') phases.push('validated');
    else phases.push('copying', ...(online ? (['waiting', 'cuttingover'] as Phase[]) : []), 'completing', 'succeeded');
    const m: Migration = {
      name: input.name,
      location: input.location,
      ...(input.tags ? { tags: input.tags } : {}),
      migrationId: cryptoId(),
      ...p,
      migrationMode: p.migrationMode ?? 'Offline',
      migrationOption: option,
    };
    const rec: Scripted = { m, validation, phases, at: 0, since: Date.now() };
    this.of(input.server).set(input.name, rec);
    this.render(rec);
    return structuredClone(rec.m);
  }

  private advance(rec: Scripted): void {
    const now = Date.now();
    for (;;) {
      const phase = rec.phases[rec.at];
      if (['waiting', 'succeeded', 'validated', 'canceled'].includes(phase) || rec.at >= rec.phases.length - 1) break;
      if (now - rec.since < this.stepMs) break;
      rec.at++;
      rec.since += this.stepMs;
    }
    this.render(rec);
  }

  private render(rec: Scripted): void {
    const phase = rec.phases[rec.at];
    const dbs = rec.m.dbsToMigrate ?? [];
    const now = new Date().toISOString();
    const started = new Date(rec.since).toISOString();
    const db = (over: Partial<DatabaseMigrationState>): Record<string, DatabaseMigrationState> =>
      Object.fromEntries(dbs.map((d) => [d, { databaseName: d, startedOn: started, fullLoadQueuedTables: 0, fullLoadErroredTables: 0, fullLoadLoadingTables: 0, fullLoadCompletedTables: 0, ...over }]));
    const validation = rec.phases.includes('validating') && rec.at > rec.phases.indexOf('validating')
      ? rec.validation ?? {
          status: 'Succeeded',
          validationStartTimeInUtc: started,
          validationEndTimeInUtc: now,
          serverLevelValidationDetails: [{ type: 'AuthenticationAndConnectivityValidation', state: 'Succeeded' }],
          dbLevelValidationDetails: dbs.map((d) => ({ databaseName: d, startedOn: started, endedOn: now, summary: [{ type: 'ExtensionsValidation', state: 'Succeeded' }] })),
        }
      : undefined;
    const set = (state: string, sub: string, dbDetails?: Record<string, DatabaseMigrationState>) => {
      rec.m.currentStatus = { state, error: '', currentSubStateDetails: { currentSubState: sub, ...(dbDetails ? { dbDetails } : {}), ...(validation ? { validationDetails: validation } : {}) } };
    };
    switch (phase) {
      case 'prereq': return set('InProgress', 'PerformingPreRequisiteSteps');
      case 'validating': return set('InProgress', 'ValidationInProgress');
      case 'validated': return set(validation?.status === 'Failed' ? 'ValidationFailed' : 'Succeeded', 'Completed', {});
      case 'copying': return set('InProgress', 'MigratingData', db({ migrationState: 'InProgress', fullLoadLoadingTables: 2, fullLoadQueuedTables: 3 }));
      case 'waiting': return set('WaitingForUserAction', 'WaitingForCutoverTrigger', db({ migrationState: 'WaitingForCutoverTrigger', fullLoadCompletedTables: 5, cdcInsertCounter: 10, cdcUpdateCounter: 2, cdcDeleteCounter: 1, incomingChanges: 13, appliedChanges: 13, latency: 0 }));
      case 'cuttingover':
      case 'completing': return set('InProgress', 'CompletingMigration', db({ migrationState: 'InProgress', fullLoadCompletedTables: 5 }));
      case 'succeeded': return set('Succeeded', 'Completed', db({ migrationState: 'Succeeded', fullLoadCompletedTables: 5, endedOn: now }));
      case 'canceling': return set('InProgress', 'CancelingRequestedDBMigrations', db({ migrationState: 'Canceling' }));
      case 'canceled': return set('Canceled', 'Completed', db({ migrationState: 'Canceled', endedOn: now }));
    }
  }

  async get(server: WorldFlexibleServer, name: string): Promise<Migration | undefined> {
    const rec = this.of(server).get(name);
    if (!rec) return undefined;
    this.advance(rec);
    return structuredClone(rec.m);
  }

  async list(server: WorldFlexibleServer): Promise<Migration[]> {
    return Promise.all([...this.of(server).keys()].map(async (n) => (await this.get(server, n)) as Migration));
  }

  async cutover(server: WorldFlexibleServer, name: string, databases?: string[]): Promise<void> {
    const rec = this.of(server).get(name);
    if (!rec) return;
    rec.m.triggerCutover = 'True';
    if (databases?.length) rec.m.dbsToTriggerCutoverOn = databases;
    if (rec.phases[rec.at] === 'waiting') {
      rec.at++;
      rec.since = Date.now();
    }
  }

  async cancel(server: WorldFlexibleServer, name: string, databases?: string[]): Promise<void> {
    const rec = this.of(server).get(name);
    if (!rec) return;
    rec.m.cancel = 'True';
    if (databases?.length) rec.m.dbsToCancelMigrationOn = databases;
    rec.phases = [...rec.phases.slice(0, rec.at), 'canceling', 'canceled'];
    rec.since = Date.now();
    this.render(rec);
  }
}

function cryptoId(): string {
  return globalThis.crypto.randomUUID();
}
