/**
 * Direct-engine commands: migrate, status, cancel, list (and cutover for online migrations).
 * Progress goes to stderr (a live line per database on a terminal, plain lines otherwise);
 * with --json the last line of stdout is the migration object in the model's shape.
 * Passwords come from the URL or PGFLEX_SOURCE_PASSWORD / PGFLEX_TARGET_PASSWORD and are
 * never printed.
 */
import { causeLine, rankedCauses } from '../core/causes';
import type { Migration, MigrationMode, MigrationOption } from '../core/model';
import { isTerminal } from '../core/model';
import { formatBytes, formatDuration } from '../core/format';
import { checkDatabaseSelection, checkMigrationName } from '../core/names';
import type { MigrationSpec } from '../core/provider';
import { ConnInfoError, parseConnUrl, type ConnInfo } from '../pg/connection';
import { refFromConn } from '../direct/connInfo';
import { defaultJobs } from '../direct/engine';
import { DirectProvider, MigrationNotFoundError } from '../direct/provider';
import { int, one, oneOf, parseArgs, required, UsageError, type ParsedArgs } from './args';
import { EXIT, exitCodeForState } from './exitCodes';
import { followOnline, onlineStatus } from './online';
import { redactedUrl } from '../pg/connection';
import { targetKeyOf } from '../direct/store';

const MIGRATE_SPEC = {
  flags: ['overwrite', 'migrate-roles', 'json', 'quiet'],
  options: ['source', 'target', 'database', 'name', 'mode', 'option', 'jobs', 'verify', 'cutover', 'pg-dump'],
};
const TARGET_SPEC = { flags: ['json'], options: ['target', 'name', 'database'] };

export async function runDirect(command: string, argv: string[]): Promise<number> {
  switch (command) {
    case 'migrate':
      return migrate(parseArgs(argv, MIGRATE_SPEC));
    case 'status':
      return status(parseArgs(argv, TARGET_SPEC));
    case 'cancel':
      return cancel(parseArgs(argv, TARGET_SPEC));
    case 'cutover':
      return cutover(parseArgs(argv, TARGET_SPEC));
    case 'list':
      return list(parseArgs(argv, { flags: ['json'], options: ['target'] }));
    default:
      throw new UsageError(`Unknown command "${command}".`);
  }
}

function conn(url: string, role: 'source' | 'target'): ConnInfo {
  const env = role === 'source' ? process.env.PGFLEX_SOURCE_PASSWORD : process.env.PGFLEX_TARGET_PASSWORD;
  try {
    const c = parseConnUrl(url, env || undefined, role);
    // A password in the URL wins; the environment fills it when the URL has none.
    return c;
  } catch (e) {
    if (e instanceof ConnInfoError) throw new UsageError(`--${role}: ${e.message}`);
    throw e;
  }
}

function provider(target?: ConnInfo, source?: ConnInfo, keepWatching = false): DirectProvider {
  // PGFLEX_COPY_RATE_LIMIT (bytes/s per COPY pipe) slows copies on purpose: tests and demos only.
  const rate = Number(process.env.PGFLEX_COPY_RATE_LIMIT) || undefined;
  // PGFLEX_TRACE=1 prints the timeline of the work (copies, index builds) on stderr.
  const t0 = Date.now();
  const trace = process.env.PGFLEX_TRACE ? (e: string) => process.stderr.write(`[+${((Date.now() - t0) / 1000).toFixed(2)}s] ${e}\n`) : undefined;
  return new DirectProvider({ targetPassword: () => target?.password, sourcePassword: () => source?.password ?? (process.env.PGFLEX_SOURCE_PASSWORD || undefined), engine: { copyRateLimit: rate, keepWatching, trace } });
}

const MODES: Record<string, MigrationMode> = { offline: 'Offline', online: 'Online' };
const OPTIONS: Record<string, MigrationOption> = { migrate: 'Migrate', validate: 'Validate', 'validate-and-migrate': 'ValidateAndMigrate' };

function defaultName(): string {
  return `pgflex-${new Date().toISOString().replace(/[-:T]/g, '').slice(0, 14)}`;
}

async function migrate(a: ParsedArgs): Promise<number> {
  if (a.positionals.length) throw new UsageError(`Unexpected argument "${a.positionals[0]}".`);
  const source = conn(required(a, 'source'), 'source');
  const target = conn(required(a, 'target'), 'target');
  const databases = a.options.get('database') ?? [];
  const name = one(a, 'name') ?? defaultName();
  const nameCheck = checkMigrationName(name, 'direct');
  if (!nameCheck.ok) throw new UsageError(nameCheck.reason!);
  const dbCheck = checkDatabaseSelection(databases, true);
  if (!dbCheck.ok) throw new UsageError(dbCheck.reason!);
  const mode = MODES[oneOf(a, 'mode', ['offline', 'online'], 'offline')];
  const option = OPTIONS[oneOf(a, 'option', ['migrate', 'validate', 'validate-and-migrate'], 'migrate')];
  const verify = oneOf(a, 'verify', ['counts', 'checksums', 'none'], 'counts');
  const cutoverMode = oneOf(a, 'cutover', ['auto', 'none', 'wait'], 'wait');
  const jobs = int(a, 'jobs', defaultJobs(), 1, 64);
  const pgDump = one(a, 'pg-dump');
  if (pgDump) process.env.PGFLEX_PG_DUMP = pgDump;
  const spec: MigrationSpec = {
    name,
    source: refFromConn(source),
    target: refFromConn(target),
    databases,
    mode,
    option,
    overwrite: a.flags.has('overwrite'),
    migrateRoles: a.flags.has('migrate-roles'),
    jobs,
    verify,
  };
  const p = provider(target, undefined, mode === 'Online' && cutoverMode !== 'none');
  let run;
  try {
    run = await p.start(spec, { sourcePassword: source.password, targetPassword: target.password });
  } catch (e) {
    process.stderr.write(`pgflex: ${(e as Error).message}\n`);
    return EXIT.failed;
  }
  const progress = new Progress(!!process.stderr.isTTY && !a.flags.has('quiet'), a.flags.has('quiet'));
  progress.header(`Migrating ${databases.join(', ')} from ${source.host}:${source.port} to ${target.host}:${target.port} as "${name}" (${mode.toLowerCase()}, ${jobs} jobs)`);
  const off = run.tracker.onChange((m) => progress.update(m));
  const onSigint = () => {
    progress.note('Canceling (Ctrl-C)...');
    run.cancel();
  };
  process.once('SIGINT', onSigint);
  process.once('SIGTERM', onSigint);
  let m = await run.done;
  off();
  process.off('SIGINT', onSigint);
  process.off('SIGTERM', onSigint);
  if (mode === 'Online' && m.currentStatus?.state === 'WaitingForUserAction' && cutoverMode !== 'none') {
    progress.update(m, true);
    m = await followOnline({ store: p.store, targetKey: targetKeyOf(spec.target), name, secrets: { sourcePassword: source.password, targetPassword: target.password }, cutover: cutoverMode, targetUrl: redactedUrl(target), onChange: (x) => progress.update(x), note: (t) => progress.note(t) });
  }
  progress.update(m, true);
  progress.summary(m);
  if (a.flags.has('json')) process.stdout.write(`${JSON.stringify(m)}\n`);
  return exitCodeForState(m.currentStatus?.state);
}

function targetOf(a: ParsedArgs): ConnInfo {
  return conn(required(a, 'target'), 'target');
}

async function status(a: ParsedArgs): Promise<number> {
  const target = targetOf(a);
  const name = required(a, 'name');
  let m = await found(() => provider(target).get(refFromConn(target), name));
  if (!m) return EXIT.failed;
  if (m.migrationMode === 'Online') m = await onlineStatus(provider(target).store, targetKeyOf(refFromConn(target)), name, { sourcePassword: process.env.PGFLEX_SOURCE_PASSWORD || undefined, targetPassword: target.password });
  const progress = new Progress(false, false);
  progress.update(m, true);
  progress.summary(m);
  if (a.flags.has('json')) process.stdout.write(`${JSON.stringify(m)}\n`);
  return isTerminal(m) ? exitCodeForState(m.currentStatus?.state) : m.currentStatus?.state === 'WaitingForUserAction' ? EXIT.waitingForCutover : EXIT.succeeded;
}

/** `cancel` and `cutover` act on one migration the same way; cancel also says what it left. */
async function act(a: ParsedArgs, action: 'cancel' | 'cutover'): Promise<number> {
  const target = targetOf(a);
  const name = required(a, 'name');
  const p = provider(target);
  const ref = refFromConn(target);
  const ok = await found(() => p[action](ref, name, a.options.get('database')));
  if (ok === undefined) return EXIT.failed;
  const m = await p.get(ref, name);
  if (action === 'cancel') process.stderr.write(`${m.currentStatus?.error ?? `Migration "${name}" is ${m.currentStatus?.state}.`}\n`);
  if (a.flags.has('json')) process.stdout.write(`${JSON.stringify(m)}\n`);
  return exitCodeForState(m.currentStatus?.state);
}

const cancel = (a: ParsedArgs) => act(a, 'cancel');
const cutover = (a: ParsedArgs) => act(a, 'cutover');

async function list(a: ParsedArgs): Promise<number> {
  const target = targetOf(a);
  const all = await provider(target).list(refFromConn(target));
  if (all.length === 0) process.stderr.write(`No direct migrations recorded for ${target.host}:${target.port}.\n`);
  for (const m of all) {
    process.stderr.write(`${m.name.padEnd(24)} ${(m.currentStatus?.state ?? '').padEnd(16)} ${(m.migrationMode ?? '').padEnd(8)} ${(m.dbsToMigrate ?? []).join(', ')}  ${m.startedOn ?? ''}\n`);
  }
  if (a.flags.has('json')) process.stdout.write(`${JSON.stringify(all)}\n`);
  return EXIT.succeeded;
}

/** Run a lookup; a missing migration is reported as a sentence, not a stack. */
async function found<T>(fn: () => Promise<T>): Promise<T | undefined> {
  try {
    const r = await fn();
    return r ?? (true as unknown as T);
  } catch (e) {
    if (e instanceof MigrationNotFoundError || e instanceof Error) {
      process.stderr.write(`pgflex: ${e.message}\n`);
      return undefined;
    }
    throw e;
  }
}

/** Progress on stderr: a live block of lines on a terminal, plain changed lines otherwise. */
class Progress {
  private lastLines: string[] = [];
  private printed = new Map<string, string>();
  private readonly started = Date.now();

  constructor(
    private readonly live: boolean,
    private readonly quiet: boolean,
  ) {}

  header(text: string): void {
    if (!this.quiet) process.stderr.write(`${text}\n`);
  }

  note(text: string): void {
    if (this.live) this.clear();
    process.stderr.write(`${text}\n`);
  }

  private lines(m: Migration): string[] {
    const details = m.currentStatus?.currentSubStateDetails;
    const out: string[] = [];
    for (const db of m.dbsToMigrate ?? Object.keys(details?.dbDetails ?? {})) {
      const d = details?.dbDetails?.[db];
      if (!d) {
        out.push(`${db}: ${details?.currentSubState ?? 'waiting'}`);
        continue;
      }
      const total = d.tables?.length ?? 0;
      const bytes = (d.tables ?? []).filter((t) => t.state === 'Completed').reduce((s, t) => s + (t.bytes ?? 0), 0);
      const op = d.migrationOperation ? ` · ${d.migrationOperation}` : '';
      const counts = total ? ` · tables ${d.fullLoadCompletedTables ?? 0}/${total} done (${formatBytes(bytes)}), ${d.fullLoadLoadingTables ?? 0} loading, ${d.fullLoadErroredTables ?? 0} errored` : '';
      const lat = d.latency !== undefined ? ` · latency ${d.latency}s` : '';
      out.push(`${db}: ${d.migrationState ?? 'Queued'}${op}${counts}${lat}`);
    }
    return out;
  }

  private clear(): void {
    if (this.lastLines.length) process.stderr.write(`\x1b[${this.lastLines.length}F\x1b[J`);
    this.lastLines = [];
  }

  update(m: Migration, final = false): void {
    if (this.quiet) return;
    const lines = this.lines(m);
    if (this.live) {
      this.clear();
      const elapsed = formatDuration(Date.now() - this.started);
      const all = [`${m.currentStatus?.state ?? ''} · ${m.currentStatus?.currentSubStateDetails?.currentSubState ?? ''} · ${elapsed}`, ...lines];
      process.stderr.write(`${all.join('\n')}\n`);
      this.lastLines = final ? [] : all;
      return;
    }
    for (const l of lines) {
      const db = l.slice(0, l.indexOf(':'));
      if (this.printed.get(db) !== l) {
        this.printed.set(db, l);
        process.stderr.write(`${l}\n`);
      }
    }
  }

  summary(m: Migration): void {
    const state = m.currentStatus?.state;
    const took = m.startedOn && m.endedOn ? ` in ${formatDuration(Date.parse(m.endedOn) - Date.parse(m.startedOn))}` : '';
    process.stderr.write(`Migration "${m.name}": ${state}${took}.\n`);
    if (m.currentStatus?.error) process.stderr.write(`${m.currentStatus.error}\n`);
    if (m.roles) {
      const r = m.roles;
      process.stderr.write(`Roles: ${r.created.length ? `created ${r.created.join(', ')}` : 'none created'}${r.existing.length ? `; already on the target: ${r.existing.join(', ')}` : ''}.\n`);
      for (const w of r.warnings) process.stderr.write(`  ${w}\n`);
    }
    for (const d of Object.values(m.currentStatus?.currentSubStateDetails?.dbDetails ?? {})) {
      if (d.verification) {
        const v = d.verification;
        process.stderr.write(`${d.databaseName}: verification (${v.mode}) ${v.state}, ${v.tablesChecked} tables${v.mismatches.length ? `; mismatches: ${v.mismatches.map((x) => x.table).join(', ')}` : ''}\n`);
      }
      for (const w of d.warnings ?? []) process.stderr.write(`${d.databaseName}: ${w}\n`);
      for (const c of rankedCauses(d)) process.stderr.write(`${d.databaseName}: ${causeLine(c)}\n`);
      if (d.phaseSeconds) process.stderr.write(`${d.databaseName}: ${Object.entries(d.phaseSeconds).map(([k, v]) => `${k} ${v}s`).join(', ')}\n`);
    }
  }
}
