/**
 * The one protocol between the panel hosts (src/extension/panels) and the webviews: named
 * requests with typed params and results, host events with typed payloads, and the ready
 * handshake (the page's first request is `ready`; the host answers with what the page needs).
 * Both sides check every incoming message with the checkers below before using it.
 */
import type {
  DatabaseMigrationState, DbLevelValidationStatus, LatencyCause, Migration, MigrationMode, MigrationOption,
  TableProgress, ValidationDetails, ValidationSummaryItem,
} from '../core/model';
import { ProtocolError, arr, bool, lit, num, obj, opt, rec, str, type Check } from './check';

// ---- shared value types -------------------------------------------------------------------

export type ProviderKind = 'direct' | 'azure';
export type PgSslMode = 'disable' | 'prefer' | 'require' | 'verify-ca' | 'verify-full';
export const WIZARD_STEPS = ['setup', 'source', 'target', 'databases', 'summary'] as const;
export type WizardStep = (typeof WIZARD_STEPS)[number];

/** An Azure server picked in the wizard (ARM ids and names, no secrets). */
export interface AzurePick {
  subscriptionId: string;
  resourceGroup: string;
  serverId: string;
  serverName: string;
  location?: string;
  version?: string;
  sku?: string;
}

/** How the user chose a server. Passwords are never part of it. */
export interface ServerChoice {
  how: 'saved' | 'new' | 'azure';
  connectionId?: string;
  host: string;
  port: number;
  user: string;
  database: string;
  sslMode: PgSslMode;
  azure?: AzurePick;
}

/** Everything the wizard remembers: webview state, "Save for later" drafts, restart prefill. */
export interface WizardDraft {
  id: string;
  step: WizardStep;
  provider: ProviderKind;
  name: string;
  sourceType: string;
  option: MigrationOption;
  mode: MigrationMode;
  source: ServerChoice;
  target: ServerChoice;
  databases: string[];
  overwrite: boolean;
  /** Create the roles the databases use on the target and keep owners and grants. */
  migrateRoles?: boolean;
  savedAt?: string;
}

export interface SavedConnection {
  id: string;
  label: string;
  role: 'source' | 'target' | 'both';
  host: string;
  port: number;
  user: string;
  database: string;
  sslMode: PgSslMode;
  hasPassword: boolean;
}

export interface AzureSubscriptionInfo { id: string; name: string }
export interface AzureServerInfo {
  id: string;
  name: string;
  resourceGroup: string;
  fqdn: string;
  kind: 'azure-flexible' | 'azure-single';
  location?: string;
  version?: string;
  sku?: string;
  adminLogin?: string;
}
export interface DatabaseInfo { name: string; sizeBytes?: number; existsOnTarget: boolean }
export interface ConnectResult { ok: boolean; message: string; version?: string }
export interface NameResult { ok: boolean; reason?: string }
export interface DraftSummary { id: string; name: string; savedAt: string }

/** Which migration a details panel shows (also its restore state). */
export interface MigrationRef {
  provider: ProviderKind;
  targetId: string;
  name: string;
}

// ---- checkers for the value types ---------------------------------------------------------

const sslMode = lit<PgSslMode>('disable', 'prefer', 'require', 'verify-ca', 'verify-full');
const provider = lit<ProviderKind>('direct', 'azure');

export const checkAzurePick: Check<AzurePick> = obj({
  subscriptionId: str, resourceGroup: str, serverId: str, serverName: str,
  location: opt(str), version: opt(str), sku: opt(str),
});

export const checkServerChoice: Check<ServerChoice> = obj({
  how: lit('saved', 'new', 'azure'),
  connectionId: opt(str),
  host: str,
  port: num,
  user: str,
  database: str,
  sslMode,
  azure: opt(checkAzurePick),
});

export const checkDraft: Check<WizardDraft> = obj({
  id: str,
  step: lit(...WIZARD_STEPS),
  provider,
  name: str,
  sourceType: str,
  option: lit<MigrationOption>('Validate', 'Migrate', 'ValidateAndMigrate'),
  mode: lit<MigrationMode>('Offline', 'Online'),
  source: checkServerChoice,
  target: checkServerChoice,
  databases: arr(str, 64),
  overwrite: bool,
  migrateRoles: opt(bool),
  savedAt: opt(str),
});

const checkSavedConnection: Check<SavedConnection> = obj({
  id: str, label: str, role: lit('source', 'target', 'both'), host: str, port: num, user: str,
  database: str, sslMode, hasPassword: bool,
});
const checkAzureServer: Check<AzureServerInfo> = obj({
  id: str, name: str, resourceGroup: str, fqdn: str, kind: lit('azure-flexible', 'azure-single'),
  location: opt(str), version: opt(str), sku: opt(str), adminLogin: opt(str),
});
const checkDatabaseInfo: Check<DatabaseInfo> = obj({ name: str, sizeBytes: opt(num), existsOnTarget: bool });
const checkConnectResult: Check<ConnectResult> = obj({ ok: bool, message: str, version: opt(str) });
const checkNameResult: Check<NameResult> = obj({ ok: bool, reason: opt(str) });
const checkDraftSummary: Check<DraftSummary> = obj({ id: str, name: str, savedAt: str });
export const checkRef: Check<MigrationRef> = obj({ provider, targetId: str, name: str });

const checkValidationItem: Check<ValidationSummaryItem> = obj({
  type: str,
  state: str,
  messages: opt(arr(obj({ state: str, message: str }))),
  correctiveAction: opt(str),
  code: opt(num),
  objects: opt(arr(str)),
  fix: opt(obj({ id: str, title: str, args: opt(rec(str)) })),
});
const checkDbValidation: Check<DbLevelValidationStatus> = obj({
  databaseName: str, startedOn: opt(str), endedOn: opt(str), summary: arr(checkValidationItem),
});
const checkValidation: Check<ValidationDetails> = obj({
  status: opt(str),
  validationStartTimeInUtc: opt(str),
  validationEndTimeInUtc: opt(str),
  serverLevelValidationDetails: opt(arr(checkValidationItem)),
  dbLevelValidationDetails: opt(arr(checkDbValidation)),
});
const checkTable: Check<TableProgress> = obj({
  name: str, state: lit('Queued', 'Loading', 'Completed', 'Errored'), bytes: opt(num), rows: opt(num), error: opt(str),
});
const checkLatencyCause: Check<LatencyCause> = obj({
  kind: lit('long-transaction', 'apply-errors', 'target-lock', 'full-identity-scan', 'apply-worker-down', 'slot-inactive', 'slot-lost'),
  severity: lit('error', 'warning'), side: lit('source', 'target'), summary: str, action: str, command: opt(str),
  pid: opt(num), ageSeconds: opt(num), query: opt(str), table: opt(str), count: opt(num),
});
const checkDbState: Check<DatabaseMigrationState> = obj({
  databaseName: opt(str), migrationState: opt(str), migrationOperation: opt(str), startedOn: opt(str), endedOn: opt(str),
  fullLoadQueuedTables: opt(num), fullLoadErroredTables: opt(num), fullLoadLoadingTables: opt(num), fullLoadCompletedTables: opt(num),
  cdcUpdateCounter: opt(num), cdcDeleteCounter: opt(num), cdcInsertCounter: opt(num), appliedChanges: opt(num), incomingChanges: opt(num),
  latency: opt(num), message: opt(str), warnings: opt(arr(str)), tables: opt(arr(checkTable, 100_000)),
  verification: opt(obj({
    mode: lit('counts', 'checksums'), state: lit('Succeeded', 'Failed'), tablesChecked: num,
    mismatches: arr(obj({ table: str, source: str, target: str })),
  })),
  cutoverSeconds: opt(num),
  latencyCauses: opt(arr(checkLatencyCause, 100)),
  caughtUpSince: opt(str),
  cutoverCopies: opt(obj({ unloggedTables: num, unloggedBytes: num, largeObjects: num, largeObjectBytes: num })),
});
const checkMeta = opt(obj({ location: opt(str), version: opt(str), storageMb: opt(num), sku: opt(obj({ name: opt(str), tier: opt(str) })) }));

/** Only the fields the details page shows; "Copy as JSON" copies the host's full object. */
export const checkMigration: Check<Migration> = obj({
  id: opt(str),
  name: str,
  location: opt(str),
  currentStatus: opt(obj({
    state: opt(str),
    error: opt(str),
    currentSubStateDetails: opt(obj({
      currentSubState: opt(str),
      dbDetails: opt(rec(checkDbState)),
      validationDetails: opt(checkValidation),
    })),
  })),
  migrationMode: opt(str),
  migrationOption: opt(str),
  sourceType: opt(str),
  sourceDbServerMetadata: checkMeta,
  targetDbServerMetadata: checkMeta,
  sourceDbServerResourceId: opt(str),
  sourceDbServerFullyQualifiedDomainName: opt(str),
  targetDbServerResourceId: opt(str),
  targetDbServerFullyQualifiedDomainName: opt(str),
  dbsToMigrate: opt(arr(str)),
  overwriteDbsInTarget: opt(str),
  migrateRoles: opt(str),
  roles: opt(obj({ created: arr(str), existing: arr(str), unowned: arr(str), warnings: arr(str) })),
  provider: opt(provider),
  startedOn: opt(str),
  endedOn: opt(str),
});

/** One latency sample per database, kept by the host so the sparkline survives a reload. */
export interface LatencySample {
  at: number;
  seconds: number;
  /** The database's applied-changes counter at that time (direct engine), for changes per second. */
  applied?: number;
}
const checkSamples: Check<Record<string, LatencySample[]>> = rec(arr(obj({ at: num, seconds: num, applied: opt(num) }), 10_000));

export interface DetailsSnapshot {
  migration: Migration;
  /** Host clock (ms) when fetched. */
  fetchedAt: number;
  latency: Record<string, LatencySample[]>;
  /** Extra facts for the checklist: whether the direct engine ran ANALYZE. */
  analyzed?: boolean;
  /** The user's latency thresholds (settings), drawn on the latency chart. */
  thresholds?: { warningSeconds: number; errorSeconds: number };
}
const checkSnapshot: Check<DetailsSnapshot> = obj({
  migration: checkMigration, fetchedAt: num, latency: checkSamples, analyzed: opt(bool),
  thresholds: opt(obj({ warningSeconds: num, errorSeconds: num })),
});

export interface RefreshInfo {
  /** Seconds until the next automatic refresh; absent when auto-refresh is off or stopped. */
  nextInSeconds?: number;
  /** Why auto-refresh stopped or backed off, for the header. */
  note?: string;
  error?: string;
}
const checkRefreshInfo: Check<RefreshInfo> = obj({ nextInSeconds: opt(num), note: opt(str), error: opt(str) });

// ---- messages -----------------------------------------------------------------------------

interface MethodSpec<P, R> { params: Check<P>; result: Check<R> }
function method<P, R>(params: Check<P>, result: Check<R>): MethodSpec<P, R> {
  return { params, result };
}
const none = obj({});
const ok = obj({ message: opt(str) });

export const wizardMethods = {
  ready: method(none, obj({
    prefill: opt(checkDraft),
    connections: arr(checkSavedConnection),
    drafts: arr(checkDraftSummary),
    azure: obj({ available: bool, signedIn: bool }),
    sourceTypes: arr(str),
    /** True when the prefill is the wizard the user closed unfinished. */
    reopened: opt(bool),
  })),
  /** The page's draft after a change (debounced), so a closed wizard can be reopened as it was. */
  draftChanged: method(obj({ draft: checkDraft }), none),
  listConnections: method(none, arr(checkSavedConnection)),
  azureSignIn: method(none, obj({ signedIn: bool })),
  listSubscriptions: method(none, arr(obj({ id: str, name: str }) as Check<AzureSubscriptionInfo>)),
  listResourceGroups: method(obj({ subscriptionId: str }), arr(str)),
  listServers: method(obj({ subscriptionId: str, resourceGroup: str, kind: lit('azure-flexible', 'azure-single') }), arr(checkAzureServer)),
  /**
   * The password travels once, here; the host keeps it in memory for this wizard while it works.
   * Absent: use the kept one, else the saved connection's; '' (field emptied): forget the kept one.
   */
  testConnection: method(obj({ role: lit('source', 'target'), server: checkServerChoice, password: opt(str) }), checkConnectResult),
  listDatabases: method(obj({ source: checkServerChoice, target: checkServerChoice }), arr(checkDatabaseInfo)),
  checkName: method(obj({ name: str, provider, target: opt(checkServerChoice) }), checkNameResult),
  saveDraft: method(obj({ draft: checkDraft }), obj({ savedAt: str })),
  loadDraft: method(obj({ id: str }), checkDraft),
  deleteDraft: method(obj({ id: str }), none),
  start: method(obj({ draft: checkDraft }), obj({ name: str })),
} satisfies Record<string, MethodSpec<unknown, unknown>>;

export const detailsMethods = {
  ready: method(none, obj({ ref: checkRef, snapshot: opt(checkSnapshot), refresh: checkRefreshInfo, error: opt(str) })),
  refresh: method(none, checkSnapshot),
  cutover: method(obj({ databases: opt(arr(str, 64)), confirmed: bool }), ok),
  cancel: method(obj({ confirmed: bool, databases: opt(arr(str)) }), ok),
  applyFix: method(obj({ fixId: str, args: opt(rec(str)) }), ok),
  copyJson: method(none, ok),
  retry: method(none, ok),
  restartInWizard: method(none, ok),
  openInTree: method(none, ok),
  openTarget: method(none, ok),
} satisfies Record<string, MethodSpec<unknown, unknown>>;

export const wizardEvents = {
  connections: arr(checkSavedConnection),
} satisfies Record<string, Check<unknown>>;

export const detailsEvents = {
  snapshot: checkSnapshot,
  refresh: checkRefreshInfo,
} satisfies Record<string, Check<unknown>>;

export type Methods = Record<string, MethodSpec<unknown, unknown>>;
export type Events = Record<string, Check<unknown>>;
export type ParamsOf<M extends Methods, K extends keyof M> = M[K] extends MethodSpec<infer P, unknown> ? P : never;
export type ResultOf<M extends Methods, K extends keyof M> = M[K] extends MethodSpec<unknown, infer R> ? R : never;
export type PayloadOf<E extends Events, K extends keyof E> = E[K] extends Check<infer T> ? T : never;

export type WizardMethods = typeof wizardMethods;
export type DetailsMethods = typeof detailsMethods;
export type WizardEvents = typeof wizardEvents;
export type DetailsEvents = typeof detailsEvents;

// ---- envelopes ----------------------------------------------------------------------------

export interface RequestMessage { type: 'request'; id: number; method: string; params: unknown }
export type ResponseMessage =
  | { type: 'response'; id: number; ok: true; result: unknown }
  | { type: 'response'; id: number; ok: false; error: string };
export interface EventMessage { type: 'event'; name: string; payload: unknown }

const checkId = (v: unknown, p?: string) => {
  const n = num(v, p);
  if (!Number.isInteger(n) || n < 0) throw new ProtocolError(`${p}: expected a request id`);
  return n;
};

export const checkRequest: Check<RequestMessage> = (v, p) => {
  const m = obj({ type: lit('request'), id: checkId, method: str })(v, p);
  return { ...m, params: (v as { params?: unknown }).params ?? {} };
};

export const checkHostMessage: Check<ResponseMessage | EventMessage> = (v, p) => {
  const head = obj({ type: lit('response', 'event') })(v, p);
  const raw = v as Record<string, unknown>;
  if (head.type === 'event') return { type: 'event', name: str(raw.name, 'name'), payload: raw.payload };
  const id = checkId(raw.id, 'id');
  if (bool(raw.ok, 'ok')) return { type: 'response', id, ok: true, result: raw.result };
  return { type: 'response', id, ok: false, error: str(raw.error, 'error') };
};

