/**
 * `pgflex azure migrations|migrate|validate|cutover|cancel`: the Azure migration service from a
 * terminal. Token: PGFLEX_ARM_TOKEN when set, otherwise @azure/identity's DefaultAzureCredential
 * (Azure CLI sign-in, environment, managed identity). `--arm-endpoint` points at any
 * ARM-compatible endpoint; a private CA comes from NODE_EXTRA_CA_CERTS. With --json the last
 * stdout line is the result (an array for a list, an object otherwise).
 */
import { cliCredential } from '../azure/credential';
import { openAzure, type Azure, type AzureServerId } from '../azure';
import { isTerminal } from '../core/model';
import { one, parseCommand, required, seconds, UsageError, type CommandDef, type ParsedArgs } from './args';
import { adminPasswords, createRequest, runCreate } from './azureCreate';
import { details, line, stateExit, type WaitOptions } from './azureFormat';
import { AZURE_CANCEL, AZURE_CUTOVER, AZURE_MIGRATE, AZURE_MIGRATIONS, AZURE_VALIDATE } from './commands';
import { EXIT, exitCodeForState } from './exitCodes';

const TABLES = new Map<string, CommandDef>([AZURE_MIGRATIONS, AZURE_MIGRATE, AZURE_VALIDATE, AZURE_CUTOVER, AZURE_CANCEL].map((c) => [c.name.replace(/^azure /, ''), c]));

export async function runAzure(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const def = command ? TABLES.get(command) : undefined;
  if (!def) throw new UsageError(`"azure ${command ?? ''}" is not a command; use azure ${[...TABLES.keys()].join(', azure ')}.`, 'azure');
  try {
    const args = parseCommand(rest, def);
    const target = { subscriptionId: required(args, 'subscription'), resourceGroup: required(args, 'resource-group'), name: required(args, 'server') };
    const endpoint = one(args, 'arm-endpoint');
    if (endpoint !== undefined && !/^https:\/\/[^/]+/i.test(endpoint)) throw new UsageError(`--arm-endpoint must be an https:// URL (got "${endpoint}").`);
    const wait: WaitOptions = { wait: command === 'validate' || args.flags.has('wait'), timeoutS: seconds(args, 'timeout', 3600), intervalS: seconds(args, 'interval', 5) };
    // Everything a person can get wrong is checked before a token is fetched or a password asked.
    const create = command === 'migrate' || command === 'validate' ? createRequest(args, command === 'validate') : undefined;
    const secrets = create ? await adminPasswords(args) : undefined;
    const azure = openAzure({ credential: await cliCredential(), endpoint });
    try {
      if (create && secrets) return await runCreate(azure, target, create, secrets, wait, args.flags.has('json'), command === 'validate');
      return await act(azure, command, target, args, wait);
    } finally {
      azure.session.dispose();
    }
  } catch (e) {
    if (e instanceof UsageError && !e.command) throw new UsageError(e.message, def.name);
    throw e;
  }
}

async function act(azure: Azure, command: string, target: AzureServerId, args: ParsedArgs, wait: WaitOptions): Promise<number> {
  const name = one(args, 'name');
  const databases = args.options.get('database');
  const json = args.flags.has('json');
  if (command === 'migrations') {
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
  if (wait.wait) {
    m = await azure.provider.waitFor(target, name, (x) => isTerminal(x), {
      timeoutMs: wait.timeoutS * 1000,
      intervalMs: wait.intervalS * 1000,
      onChange: (x) => process.stderr.write(`pgflex: ${line(x)}\n`),
    });
  }
  process.stdout.write(json ? `${JSON.stringify(m)}\n` : `${line(m)}\n`);
  return wait.wait ? exitCodeForState(m.currentStatus?.state) : EXIT.succeeded;
}
