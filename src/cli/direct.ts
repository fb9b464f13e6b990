/**
 * Direct-engine commands: migrate, status, cancel, list (and cutover for online migrations).
 * Progress goes to stderr (a live line per database on a terminal, plain lines otherwise); the
 * result to stdout: its text, or with --json one line, the migration in the model's shape.
 * Passwords: see passwords.ts; they are never printed.
 */
import { causeLine, rankedCauses } from '../core/causes';
import type { Migration, MigrationMode, MigrationOption } from '../core/model';
import { isTerminal } from '../core/model';
import { formatBytes, formatDuration, retriesText } from '../core/format';
import { percentCopied, postDataText, progressText } from '../core/progress';
import { checkDatabaseSelection, checkMigrationName } from '../core/names';
import { formatValidationText } from '../core/rules/report';
import type { MigrationSpec } from '../core/provider';
import { connect, ConnInfoError, parseConnUrl, type ConnInfo } from '../pg/connection';
import { refFromConn } from '../direct/connInfo';
import { defaultJobs } from '../direct/engine';
import type { PgTools } from '../direct/pgTools';
import { DirectProvider, MigrationNotFoundError } from '../direct/provider';
import { int, one, oneOf, parseCommand, required, UsageError, type CommandDef, type ParsedArgs } from './args';
import { CANCEL, CUTOVER, LIST, MIGRATE, STATUS } from './commands';
import { EXIT, exitCodeForState } from './exitCodes';
import { followOnline } from './online';
import { canPrompt, envPassword, promptHidden, readStdinPasswords, type Role, type StdinPasswords } from './passwords';
import { redactedUrl } from '../pg/connection';
import { targetKeyOf } from '../direct/store';

const TABLES = new Map<string, CommandDef>([MIGRATE, STATUS, CANCEL, CUTOVER, LIST].map((c) => [c.name, c]));

export async function runDirect(command: string, argv: string[]): Promise<number> {
  const def = TABLES.get(command);
  if (!def) throw new UsageError(`Unknown command "${command}".`);
  try {
    const a = parseCommand(argv, def);
    const pw = await readStdinPasswords(a);
    switch (command) {
      case 'migrate':
        return await migrate(a, pw);
      case 'status':
        return await status(a, pw);
      case 'list':
        return await list(a, pw);
      default:
        return await act(a, pw, command as 'cancel' | 'cutover');
    }
  } catch (e) {
    // Point a usage error at this command's --help.
    if (e instanceof UsageError && !e.command) throw new UsageError(e.message, def.name);
    throw e;
  }
}

/**
 * A server from its URL. The password: the URL's, else stdin's, else the environment's; else,
 * on a terminal, typed at a prompt when the server asks for one (a trial connection tells).
 */
async function conn(url: string, role: Role, pw: StdinPasswords, prompt: boolean): Promise<ConnInfo> {
  let c: ConnInfo;
  try {
    c = parseConnUrl(url, pw[role] ?? envPassword(role), role);
  } catch (e) {
    if (e instanceof ConnInfoError) throw new UsageError(`--${role}: ${e.message}`);
    throw e;
  }
  if (c.password === undefined && prompt && canPrompt() && (await asksForPassword(c))) {
    c.password = (await promptHidden(`Password for ${c.user} on the ${role} server ${c.host}:${c.port}: `)) || undefined;
  }
  return c;
}

/** A trial connection whose password the driver asks for only when the server wants one. */
async function asksForPassword(c: ConnInfo): Promise<boolean> {
  let asked = false;
  const password = async (): Promise<string> => {
    asked = true;
    throw new Error('a password is needed');
  };
  try {
    await (await connect(c, { password })).end();
  } catch {
    // Anything but the password (unreachable, TLS) is for the migration itself to report.
  }
  return asked;
}

function provider(target?: ConnInfo, sourcePassword?: string, keepWatching = false, tools?: PgTools): DirectProvider {
  // PGFLEX_COPY_RATE_LIMIT (bytes/s per COPY pipe) slows copies on purpose: tests and demos only.
  const rate = Number(process.env.PGFLEX_COPY_RATE_LIMIT) || undefined;
  // PGFLEX_TRACE=1 prints the timeline of the work (copies, index builds) on stderr.
  const t0 = Date.now();
  const trace = process.env.PGFLEX_TRACE ? (e: string) => process.stderr.write(`[+${((Date.now() - t0) / 1000).toFixed(2)}s] ${e}\n`) : undefined;
  return new DirectProvider({ targetPassword: () => target?.password, sourcePassword: () => sourcePassword, engine: { copyRateLimit: rate, keepWatching, trace, tools } });
}

const MODES: Record<string, MigrationMode> = { offline: 'Offline', online: 'Online' };
const OPTIONS: Record<string, MigrationOption> = { migrate: 'Migrate', validate: 'Validate', 'validate-and-migrate': 'ValidateAndMigrate' };

function defaultName(): string {
  return `pgflex-${new Date().toISOString().replace(/[-:T]/g, '').slice(0, 14)}`;
}

/** The result's text goes to stdout, unless --json puts the JSON there: then to stderr. */
const resultOut = (a: ParsedArgs): NodeJS.WritableStream => (a.flags.has('json') ? process.stderr : process.stdout);

async function migrate(a: ParsedArgs, pw: StdinPasswords): Promise<number> {
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
  if (a.flags.has('replicate-ddl') && mode !== 'Online') throw new UsageError('--replicate-ddl replicates schema changes while an online migration streams: use it with --mode online.');
  const tools: PgTools = { pgDump: one(a, 'pg-dump') || process.env.PGFLEX_PG_DUMP || 'pg_dump', psql: one(a, 'psql') || process.env.PGFLEX_PSQL || 'psql' };
  const source = await conn(required(a, 'source'), 'source', pw, true);
  const target = await conn(required(a, 'target'), 'target', pw, true);
  const spec: MigrationSpec = {
    name,
    source: refFromConn(source),
    target: refFromConn(target),
    databases,
    mode,
    option,
    overwrite: a.flags.has('overwrite'),
    migrateRoles: a.flags.has('migrate-roles'),
    ...(a.flags.has('allow-weaker-replication-tls') ? { allowWeakerReplicationTls: true } : {}),
    ...(a.flags.has('replicate-ddl') ? { replicateDdl: true } : {}),
    jobs,
    verify,
  };
  const p = provider(target, source.password, mode === 'Online' && cutoverMode !== 'none', tools);
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
  summary(m, resultOut(a));
  if (a.flags.has('json')) process.stdout.write(`${JSON.stringify(m)}\n`);
  return exitCodeForState(m.currentStatus?.state);
}

async function status(a: ParsedArgs, pw: StdinPasswords): Promise<number> {
  const target = await conn(required(a, 'target'), 'target', pw, true);
  const name = required(a, 'name');
  // Online: the latency and any leftovers are read from the servers (PGFLEX_SOURCE_PASSWORD).
  const m = await found(() => provider(target, pw.source ?? envPassword('source')).get(refFromConn(target), name));
  if (!m) return EXIT.failed;
  const progress = new Progress(false, false);
  progress.update(m, true);
  summary(m, resultOut(a));
  if (m.runner?.state === 'elsewhere') process.stderr.write(`It runs on host ${m.runner.host} (pid ${m.runner.pid}); this machine cannot see that host's processes, so its state is as last recorded.\n`);
  if (a.flags.has('json')) process.stdout.write(`${JSON.stringify(m)}\n`);
  return isTerminal(m) ? exitCodeForState(m.currentStatus?.state) : m.currentStatus?.state === 'WaitingForUserAction' ? EXIT.waitingForCutover : EXIT.succeeded;
}

/** `cancel` and `cutover` act on one migration the same way; cancel also says what it left. */
async function act(a: ParsedArgs, pw: StdinPasswords, action: 'cancel' | 'cutover'): Promise<number> {
  const target = await conn(required(a, 'target'), 'target', pw, true);
  const name = required(a, 'name');
  const p = provider(target, pw.source ?? envPassword('source'));
  const ref = refFromConn(target);
  const ok = await found(() => p[action](ref, name, a.options.get('database')));
  if (ok === undefined) return EXIT.failed;
  const m = await p.get(ref, name);
  const out = resultOut(a);
  if (action === 'cancel') out.write(`${m.currentStatus?.error ?? `Migration "${name}" is ${m.currentStatus?.state}.`}\n`);
  else out.write(`Migration "${name}": ${m.currentStatus?.state}.\n`);
  if (a.flags.has('json')) process.stdout.write(`${JSON.stringify(m)}\n`);
  return exitCodeForState(m.currentStatus?.state);
}

async function list(a: ParsedArgs, pw: StdinPasswords): Promise<number> {
  // The records are read locally: no connection, so no prompt.
  const target = await conn(required(a, 'target'), 'target', pw, false);
  const all = await provider(target).list(refFromConn(target));
  if (a.flags.has('json')) {
    process.stdout.write(`${JSON.stringify(all)}\n`);
    return EXIT.succeeded;
  }
  if (all.length === 0) process.stderr.write(`No direct migrations recorded for ${target.host}:${target.port}.\n`);
  for (const m of all) {
    process.stdout.write(`${m.name.padEnd(24)} ${(m.currentStatus?.state ?? '').padEnd(16)} ${(m.migrationMode ?? '').padEnd(8)} ${(m.dbsToMigrate ?? []).join(', ')}  ${m.startedOn ?? ''}\n`);
  }
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

  /**
   * `detailed`: bytes, rate and time left (a live block, a final print). Plain lines otherwise
   * say the percent in steps of ten, so a log gets a line per step, not one per change.
   */
  private lines(m: Migration, detailed: boolean): string[] {
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
      const copied = d.progress ? (detailed ? progressText(d.progress) : `${Math.floor(percentCopied(d.progress) / 10) * 10}% copied`) : formatBytes(bytes);
      const counts = total ? ` · tables ${d.fullLoadCompletedTables ?? 0}/${total} done (${copied}), ${d.fullLoadLoadingTables ?? 0} loading, ${d.fullLoadErroredTables ?? 0} errored` : '';
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
    const lines = this.lines(m, this.live || final);
    if (this.live) {
      this.clear();
      const elapsed = formatDuration(Date.now() - this.started);
      const overall = m.progress && (m.dbsToMigrate?.length ?? 0) > 1 ? ` · ${progressText(m.progress)}` : '';
      const all = [`${m.currentStatus?.state ?? ''} · ${m.currentStatus?.currentSubStateDetails?.currentSubState ?? ''} · ${elapsed}${overall}`, ...lines];
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
}

/** The end of a run: state, error, roles, validation, verification, warnings and phase times. */
export function summary(m: Migration, out: NodeJS.WritableStream): void {
  const state = m.currentStatus?.state;
  const took = m.startedOn && m.endedOn ? ` in ${formatDuration(Date.parse(m.endedOn) - Date.parse(m.startedOn))}` : '';
  out.write(`Migration "${m.name}": ${state}${took}.\n`);
  if (m.progress) out.write(`Copied ${formatBytes(m.progress.bytesCopied)} of ${formatBytes(m.progress.bytesTotal)} (table sizes on the source)${m.progress.postDataTotal !== undefined ? `; ${postDataText(m.progress)}` : ''}.\n`);
  // The error is a diagnostic: stderr, wherever the rest of the result goes.
  if (m.currentStatus?.error) process.stderr.write(`${m.currentStatus.error}\n`);
  const validation = m.currentStatus?.currentSubStateDetails?.validationDetails;
  if (validation) out.write(`${formatValidationText(validation)}\n`);
  if (m.roles) {
    const r = m.roles;
    out.write(`Roles: ${r.created.length ? `created ${r.created.join(', ')}` : 'none created'}${r.existing.length ? `; already on the target: ${r.existing.join(', ')}` : ''}.\n`);
    for (const w of r.warnings) out.write(`  ${w}\n`);
  }
  for (const d of Object.values(m.currentStatus?.currentSubStateDetails?.dbDetails ?? {})) {
    if (d.verification) {
      const v = d.verification;
      out.write(`${d.databaseName}: verification (${v.mode}) ${v.state}, ${v.tablesChecked} tables${v.mismatches.length ? `; mismatches: ${v.mismatches.map((x) => x.table).join(', ')}` : ''}\n`);
    }
    for (const w of d.warnings ?? []) out.write(`${d.databaseName}: ${w}\n`);
    for (const c of rankedCauses(d)) out.write(`${d.databaseName}: ${causeLine(c)}\n`);
    if (d.retries) out.write(`${d.databaseName}: ${retriesText(d.retries, d.retryMessages)}\n`);
    if (d.phaseSeconds) out.write(`${d.databaseName}: ${Object.entries(d.phaseSeconds).map(([k, v]) => `${k} ${v}s`).join(', ')}\n`);
  }
}
