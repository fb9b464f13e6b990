/**
 * `pgflex azure migrate` and `azure validate`: a `Migrations_Create` body from the options,
 * sent through the provider's create path (name and one-active-migration checks first), then
 * optionally watched to its end. Only what the options set is sent, besides the mode and the
 * option, which the CLI always says (as `az postgres flexible-server migration create` does).
 */
import type { Azure, AzureCreateRequest, AzureServerId } from '../azure';
import { hostSourceId, parseFlexibleServerId, parseSingleServerId } from '../core/ids';
import { isTerminal, type Migration, type MigrationOption, type SslMode } from '../core/model';
import { checkDatabaseSelection, checkMigrationName } from '../core/names';
import { formatValidationText } from '../core/rules/report';
import { one, UsageError, type ParsedArgs } from './args';
import { details, line, type WaitOptions } from './azureFormat';
import { EXIT, exitCodeForState } from './exitCodes';
import { canPrompt, envPassword, promptHidden, readStdinPasswords, type Role } from './passwords';

export interface CreatePlan {
  name: string;
  /** Without location when --location is not given: the target's region is read then. */
  req: Omit<AzureCreateRequest, 'location'> & { location?: string };
}

const OPTIONS: Record<string, MigrationOption> = { validate: 'Validate', migrate: 'Migrate', 'validate-and-migrate': 'ValidateAndMigrate' };
const SSL: Record<string, SslMode> = { prefer: 'Prefer', require: 'Require', 'verify-ca': 'VerifyCA', 'verify-full': 'VerifyFull' };

/** The create body from the options; every mistake here is a usage error before any call. */
export function createRequest(a: ParsedArgs, validate: boolean): CreatePlan {
  const name = one(a, 'name') ?? `pgflex${new Date().toISOString().replace(/\D/g, '').slice(0, 14)}`;
  const nameCheck = checkMigrationName(name, 'azure');
  if (!nameCheck.ok) throw new UsageError(`--name: ${nameCheck.reason}`);
  const databases = a.options.get('database') ?? [];
  const dbCheck = checkDatabaseSelection(databases, true);
  if (!dbCheck.ok) throw new UsageError(dbCheck.reason!);
  const runtime = one(a, 'runtime-server');
  if (runtime !== undefined && !parseFlexibleServerId(runtime)) {
    throw new UsageError(`--runtime-server must be the resource id of a Flexible Server (/subscriptions/<id>/resourceGroups/<rg>/providers/Microsoft.DBforPostgreSQL/flexibleServers/<name>), got "${runtime}".`);
  }
  const sslMode = one(a, 'ssl-mode');
  const source = sourceOf(a);
  return {
    name,
    req: {
      location: one(a, 'location'),
      sourceDbServerResourceId: source.id,
      sourceType: one(a, 'source-type') ?? source.defaultType,
      sourceDbServerFullyQualifiedDomainName: one(a, 'source-fqdn'),
      targetDbServerFullyQualifiedDomainName: one(a, 'target-fqdn'),
      migrationMode: one(a, 'mode') === 'online' ? 'Online' : 'Offline',
      migrationOption: validate ? 'Validate' : OPTIONS[one(a, 'option') ?? 'validate-and-migrate'],
      dbsToMigrate: databases,
      overwriteDbsInTarget: a.flags.has('overwrite') || undefined,
      sslMode: sslMode ? SSL[sslMode] : undefined,
      setupLogicalReplicationOnSourceDbIfNeeded: a.flags.has('setup-logical-replication') || undefined,
      migrateRoles: a.flags.has('migrate-roles') || undefined,
      migrationInstanceResourceId: runtime,
      sourceServerUsername: source.username,
      targetServerUsername: one(a, 'target-user'),
    },
  };
}

/** A Single Server by its id (its login as user@server), any other source as host:port@user. */
function sourceOf(a: ParsedArgs): { id: string; username?: string; defaultType?: string } {
  const source = one(a, 'source')!;
  const user = one(a, 'source-user');
  const single = parseSingleServerId(source);
  if (single) return { id: source, username: user && !user.includes('@') ? `${user}@${single.name}` : user };
  if (source.startsWith('/')) {
    throw new UsageError(`--source: "${source}" is not a Single Server's resource id. For a Flexible Server or any other source give its host name or IP (and port), with --source-user.`);
  }
  const m = /^(\[[^\]]+\]|[^:]+)(?::(\d{1,5}))?$/.exec(source);
  if (!m) throw new UsageError(`--source: "${source}" is neither a Single Server's resource id nor host[:port].`);
  if (!user) throw new UsageError(`--source-user is required with a host source: the service is told ${m[1]}:${m[2] ?? 5432}@<user>.`);
  return { id: hostSourceId(m[1], Number(m[2] ?? 5432), user), defaultType: 'OnPremises' };
}

/** Both admin passwords: stdin, the environment, or a prompt on a terminal. */
export async function adminPasswords(a: ParsedArgs): Promise<{ sourcePassword: string; targetPassword: string }> {
  const stdin = await readStdinPasswords(a);
  const get = async (role: Role): Promise<string> => {
    const pw = stdin[role] ?? envPassword(role) ?? (canPrompt() ? await promptHidden(`Password of the ${role} server's login (the service connects with it): `) : undefined);
    if (!pw) throw new UsageError(`The ${role} server's password is needed: the migration service connects with it. Set PGFLEX_${role.toUpperCase()}_PASSWORD or pass --${role}-password-stdin.`);
    return pw;
  };
  const sourcePassword = await get('source');
  return { sourcePassword, targetPassword: await get('target') };
}

export async function runCreate(azure: Azure, target: AzureServerId, plan: CreatePlan, secrets: { sourcePassword: string; targetPassword: string }, wait: WaitOptions, json: boolean, validate: boolean): Promise<number> {
  const location = plan.req.location ?? (await azure.provider.targetLocation(target));
  let m = await azure.provider.createMigration(target, plan.name, { ...plan.req, location }, secrets);
  process.stderr.write(`pgflex: ${validate ? 'validation' : 'migration'} "${plan.name}" created on ${target.name} (${m.migrationMode}, ${m.migrationOption}).\n`);
  if (wait.wait) {
    m = await azure.provider.waitFor(target, plan.name, (x) => isTerminal(x) || x.currentStatus?.state === 'WaitingForUserAction', {
      timeoutMs: wait.timeoutS * 1000,
      intervalMs: wait.intervalS * 1000,
      onChange: (x) => process.stderr.write(`pgflex: ${line(x)}\n`),
    });
  }
  process.stdout.write(json ? `${JSON.stringify(m)}\n` : `${validate ? validationText(m) : details(m)}\n`);
  return wait.wait ? exitCodeForState(m.currentStatus?.state) : EXIT.succeeded;
}

/** As the direct engine prints validation: failures first, each with its messages. */
function validationText(m: Migration): string {
  const v = m.currentStatus?.currentSubStateDetails?.validationDetails;
  const head = `Migration "${m.name}": ${m.currentStatus?.state ?? 'Unknown'}.${m.currentStatus?.error ? `\n${m.currentStatus.error}` : ''}`;
  return v ? `${head}\n${formatValidationText(v)}` : `${head}\nThe service reported no validation details.`;
}
