/** Migrations as a provider returns them: offline in progress, online waiting for cutover, validation failed. */
import type { MigrationProgress } from '../../src/core/model';

const started = '2026-11-24T08:00:00Z';

export const OFFLINE = {
  name: 'orders-move', provider: 'direct', migrationMode: 'Offline', migrationOption: 'ValidateAndMigrate', startedOn: started,
  sourceDbServerResourceId: 'direct:src.example:5432@admin', targetDbServerResourceId: 'direct:tgt.example:5432@admin',
  dbsToMigrate: ['orders'],
  currentStatus: {
    state: 'InProgress',
    currentSubStateDetails: {
      currentSubState: 'MigratingData',
      dbDetails: {
        orders: {
          databaseName: 'orders', migrationState: 'InProgress', fullLoadCompletedTables: 3, fullLoadQueuedTables: 1, fullLoadLoadingTables: 2, fullLoadErroredTables: 1,
          tables: [
            { name: 'public.items', state: 'Completed', rows: 120000, bytes: 9_000_000 },
            { name: 'public.orders', state: 'Loading', rows: 5000, bytes: 400_000 },
            { name: 'public."<img src=x onerror=alert(1)>"', state: 'Errored', error: 'permission denied for table <b>secret</b>' },
          ],
        },
      },
    },
  },
};

export const ONLINE_WAITING = {
  name: 'flexmove', provider: 'azure', migrationMode: 'Online', migrationOption: 'ValidateAndMigrate', startedOn: started,
  sourceDbServerFullyQualifiedDomainName: 'single1.postgres.database.azure.com', targetDbServerFullyQualifiedDomainName: 'flex1.postgres.database.azure.com',
  dbsToMigrate: ['orders', 'billing'],
  currentStatus: {
    state: 'WaitingForUserAction',
    currentSubStateDetails: {
      currentSubState: 'WaitingForCutoverTrigger',
      dbDetails: {
        orders: { databaseName: 'orders', migrationState: 'WaitingForCutoverTrigger', fullLoadCompletedTables: 12, fullLoadQueuedTables: 0, fullLoadLoadingTables: 0, fullLoadErroredTables: 0, cdcInsertCounter: 420, cdcUpdateCounter: 37, cdcDeleteCounter: 2, latency: 0 },
        billing: { databaseName: 'billing', migrationState: 'WaitingForCutoverTrigger', fullLoadCompletedTables: 4, fullLoadQueuedTables: 0, fullLoadLoadingTables: 0, fullLoadErroredTables: 0, cdcInsertCounter: 9000, cdcUpdateCounter: 100, cdcDeleteCounter: 0, latency: 150 },
      },
    },
  },
};

export const VALIDATION_FAILED = {
  name: 'validateonly', provider: 'azure', migrationMode: 'Offline', migrationOption: 'Validate', startedOn: started, endedOn: '2026-11-24T08:03:20Z',
  dbsToMigrate: ['orders'],
  currentStatus: {
    state: 'ValidationFailed',
    currentSubStateDetails: {
      currentSubState: 'Completed',
      validationDetails: {
        status: 'Failed',
        validationStartTimeInUtc: '2026-11-24T08:00:10Z',
        validationEndTimeInUtc: '2026-11-24T08:03:10Z',
        serverLevelValidationDetails: [
          { type: 'AuthenticationAndConnectivityValidation', state: 'Succeeded', messages: [] },
          {
            type: 'ServerParametersValidation', state: 'Failed', code: 603108,
            messages: [{ state: 'Failed', message: 'Extensions postgis, pg_trgm are not allow-listed on the target (azure.extensions).' }],
            correctiveAction: 'Add postgis and pg_trgm to azure.extensions on the target server, then validate again.',
            objects: ['postgis', 'pg_trgm'],
            fix: { id: 'allowlist-extensions', title: 'Allow-list postgis, pg_trgm on the target', args: { extensions: 'postgis,pg_trgm' } },
          },
        ],
        dbLevelValidationDetails: [
          { databaseName: 'orders', summary: [{ type: 'CollationsValidation', state: 'Warning', messages: [{ state: 'Warning', message: 'Collation "C.UTF-8" is mapped to "en_US.utf8".' }] }] },
        ],
      },
    },
  },
};

export function snapshot(migration: unknown, latency: Record<string, { at: number; seconds: number }[]> = {}) {
  return { migration, fetchedAt: Date.parse('2026-11-24T09:12:30Z'), latency };
}

const GB = 1024 ** 3;

/** A direct migration of two databases in the middle of its copy: bytes, rate and time left. */
export const COPYING = {
  name: 'big-move', provider: 'direct', migrationMode: 'Offline', migrationOption: 'Migrate', startedOn: started,
  sourceDbServerResourceId: 'direct:src.example:5432@admin', targetDbServerResourceId: 'direct:tgt.example:5432@admin',
  dbsToMigrate: ['sales', 'archive'],
  progress: { bytesTotal: 300 * GB, bytesCopied: 75 * GB, bytesPerSecond: 200 * 1024 ** 2, etaSeconds: 1152, postDataTotal: 60, postDataBuilt: 20 },
  currentStatus: {
    state: 'InProgress',
    currentSubStateDetails: {
      currentSubState: 'MigratingData',
      dbDetails: {
        sales: {
          databaseName: 'sales', migrationState: 'InProgress', migrationOperation: 'Copying data', fullLoadCompletedTables: 10, fullLoadQueuedTables: 3, fullLoadLoadingTables: 2, fullLoadErroredTables: 0,
          progress: { bytesTotal: 200 * GB, bytesCopied: 50 * GB, bytesPerSecond: 150 * 1024 ** 2, etaSeconds: 1024, postDataTotal: 40, postDataBuilt: 20 } as MigrationProgress,
        },
        archive: {
          databaseName: 'archive', migrationState: 'InProgress', migrationOperation: 'Copying data', fullLoadCompletedTables: 1, fullLoadQueuedTables: 5, fullLoadLoadingTables: 1, fullLoadErroredTables: 0,
          progress: { bytesTotal: 100 * GB, bytesCopied: 25 * GB },
        },
      },
    },
  },
};

/** Validation with a rule of each state, a succeeded one first as the service lists them. */
export const VALIDATION_MIXED = {
  name: 'checks', provider: 'direct', migrationMode: 'Offline', migrationOption: 'ValidateAndMigrate', startedOn: started,
  dbsToMigrate: ['orders'],
  currentStatus: {
    state: 'InProgress',
    currentSubStateDetails: {
      currentSubState: 'MigratingData',
      validationDetails: {
        status: 'Warning',
        serverLevelValidationDetails: [
          { type: 'AuthenticationAndConnectivityValidation', state: 'Succeeded', messages: [] },
          { type: 'VersionValidation', state: 'Warning', messages: [{ state: 'Warning', message: 'The target runs an older minor release.' }] },
          { type: 'DiskSpaceValidation', state: 'Succeeded', messages: [] },
        ],
        dbLevelValidationDetails: [
          { databaseName: 'orders', summary: [
            { type: 'CollationsValidation', state: 'Succeeded', messages: [] },
            { type: 'ExtensionsValidation', state: 'Failed', messages: [{ state: 'Failed', message: 'Extension timescaledb is not available on the target.' }], correctiveAction: 'Drop timescaledb from the source database or pick a target that has it.' },
          ] },
        ],
      },
      dbDetails: {
        orders: {
          databaseName: 'orders', migrationState: 'Failed', message: 'Database "orders" failed: building index orders_pkey on the target failed: could not extend file: No space left on device.',
          fullLoadCompletedTables: 2, fullLoadQueuedTables: 0, fullLoadLoadingTables: 0, fullLoadErroredTables: 0,
        },
      },
    },
  },
};
