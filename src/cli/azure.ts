/**
 * `pgflex azure migrations|cutover|cancel`: the Azure migration service from a terminal.
 * Token: PGFLEX_ARM_TOKEN when set, otherwise @azure/identity's DefaultAzureCredential (Azure
 * CLI sign-in, environment, managed identity). `--arm-endpoint` points at any ARM-compatible
 * endpoint; a private CA comes from NODE_EXTRA_CA_CERTS. With --json the last stdout line is
 * the result (an array for a list, an object otherwise).
 */
import { cliCredential } from '../azure/credential';
import { migrationDeadlines } from '../azure/limits';
import { openAzure, type Azure, type AzureServerId } from '../azure';
import { isTerminal, type Migration } from '../core/model';
import { formatLatency } from '../core/format';
import { one, parseArgs, required, UsageError } from './args';
import { EXIT, exitCodeForState } from './exitCodes';

const SPEC = { flags: ['json', 'wait'], options: ['subscription', 'resource-group', 'server', 'name', 'database', 'arm-endpoint', 'timeout', 'interval'] };

export async function runAzure(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || !['migrations', 'cutover', 'cancel'].includes(command)) {
    throw new UsageError(`"azure ${command ?? ''}" is not a command; use azure migrations, azure cutover or azure cancel.`);
  }
  const args = parseArgs(rest, SPEC);
  if (args.positionals.length) throw new UsageError(`Unexpected argument "${args.positionals[0]}".`);
  const target = { subscriptionId: required(args, 'subscription'), resourceGroup: required(args, 'resource-group'), name: required(args, 'server') };
  const name = one(args, 'name');
  const databases = args.options.get('database');
  const json = args.flags.has('json');
  const endpoint = one(args, 'arm-endpoint');
  if (endpoint !== undefined && !/^https:\/\/[^/]+/i.test(endpoint)) throw new UsageError(`--arm-endpoint must be an https:// URL (got "${endpoint}").`);
  const timeoutS = Number(one(args, 'timeout') ?? 3600);
  if (!Number.isFinite(timeoutS) || timeoutS <= 0) throw new UsageError('--timeout must be a positive number of seconds.');
  const intervalS = Number(one(args, 'interval') ?? 5);
  if (!Number.isFinite(intervalS) || intervalS <= 0) throw new UsageError('--interval must be a positive number of seconds.');
  const azure = openAzure({ credential: await cliCredential(), endpoint });
  try {
    return await act(azure, command, target, name, databases, json, args.flags.has('wait'), timeoutS, intervalS);
  } finally {
    azure.session.dispose();
  }
}

async function act(azure: Azure, command: string, target: AzureServerId, name: string | undefined, databases: string[] | undefined, json: boolean, wait: boolean, timeoutS: number, intervalS: number): Promise<number> {

  if (command === 'migrations') {
    if (databases) throw new UsageError('--database applies to azure cutover and azure cancel only.');
    if (!name) {
      const list = await azure.provider.list(target);
      if (!json) for (const m of list) process.stdout.write(`${line(m)}\n`);
      else process.stdout.write(`${JSON.stringify(list)}\n`);
      return EXIT.succeeded;
    }
    const m = await azure.provider.get(target, name);
    process.stdout.write(json ? `${JSON.stringify(m)}\n` : `${details(m)}\n`);
    return stateExit(m);
  }

  if (!name) throw new UsageError(`azure ${command} needs --name <migration>.`);
  let m = command === 'cutover' ? await azure.provider.cutoverMigration(target, name, databases) : await azure.provider.cancelMigration(target, name, databases);
  process.stderr.write(`pgflex: ${command === 'cutover' ? 'cutover' : 'cancel'} requested for migration "${name}" on ${target.name}${databases ? ` (databases ${databases.join(', ')})` : ''}.\n`);
  if (wait) {
    m = await azure.provider.waitFor(target, name, (x) => isTerminal(x), {
      timeoutMs: timeoutS * 1000,
      intervalMs: intervalS * 1000,
      onChange: (x) => process.stderr.write(`pgflex: ${line(x)}\n`),
    });
  }
  process.stdout.write(json ? `${JSON.stringify(m)}\n` : `${line(m)}\n`);
  return wait ? exitCodeForState(m.currentStatus?.state) : EXIT.succeeded;
}

/** A migration still running is not a failure of the command. */
function stateExit(m: Migration): number {
  const s = m.currentStatus?.state;
  return s === 'Succeeded' || s === 'Failed' || s === 'ValidationFailed' || s === 'Canceled' || s === 'WaitingForUserAction' ? exitCodeForState(s) : EXIT.succeeded;
}

function line(m: Migration): string {
  const st = m.currentStatus;
  const dbs = Object.values(st?.currentSubStateDetails?.dbDetails ?? {});
  const lat = dbs.map((d) => d.latency).filter((x): x is number => typeof x === 'number');
  return [
    m.name,
    st?.state ?? 'Unknown',
    st?.currentSubStateDetails?.currentSubState ?? '',
    m.migrationMode ?? '',
    (m.dbsToMigrate ?? []).join(','),
    lat.length ? `latency ${formatLatency(Math.max(...lat))}` : '',
    st?.error ? `error: ${st.error}` : '',
  ].filter(Boolean).join('  ');
}

function details(m: Migration): string {
  const out = [line(m)];
  for (const [db, d] of Object.entries(m.currentStatus?.currentSubStateDetails?.dbDetails ?? {})) {
    out.push(`  ${db}: ${d.migrationState ?? ''} tables ${d.fullLoadCompletedTables ?? 0} done, ${d.fullLoadLoadingTables ?? 0} loading, ${d.fullLoadQueuedTables ?? 0} queued, ${d.fullLoadErroredTables ?? 0} errored${d.latency !== undefined ? `, latency ${formatLatency(d.latency)}` : ''}${d.message ? `; ${d.message}` : ''}`);
  }
  const dl = migrationDeadlines(m);
  if (dl.cutover) out.push(`  cut over before ${dl.cutover.at} (the service's 72-hour window)`);
  if (dl.lifetime) out.push(`  the service ends it at ${dl.lifetime.at} (7-day lifetime)`);
  return out.join('\n');
}
