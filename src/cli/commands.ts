/**
 * Every command of `pgflex` and its options, declared once: the tables drive both the parser
 * (args.ts) and each command's --help.
 */
import { SOURCE_TYPES } from '../core/model';
import type { CommandDef, OptionDef } from './args';

const EXIT_CODES = 'Exit codes: 0 Succeeded, 1 Failed or ValidationFailed, 2 usage error, 3 Canceled, 4 waiting for cutover.';
const PASSWORDS = [
  'Passwords: in the URL, in PGFLEX_SOURCE_PASSWORD / PGFLEX_TARGET_PASSWORD, one line each on stdin',
  '(--source-password-stdin, --target-password-stdin; source first when both), or typed at a prompt',
  'without echo when a terminal is attached and the server asks for one, or ~/.pgpass (PGPASSFILE).',
  'They are never printed. TLS: sslmode, sslrootcert, sslcert, sslkey in the URL reach the engine,',
  'pg_dump and psql alike.',
];

const json: OptionDef = { name: 'json', flag: true, help: 'Print the result as one JSON line on stdout (the model\'s MigrationResource shape).' };
const targetUrl: OptionDef = { name: 'target', value: '<url>', required: true, help: 'Target server, postgres://user@host:5432/postgres.' };
const migrationName: OptionDef = { name: 'name', value: '<name>', required: true, help: 'The migration.' };
const sourcePwStdin: OptionDef = { name: 'source-password-stdin', flag: true, help: 'Read the source password from stdin (one line).' };
const targetPwStdin: OptionDef = { name: 'target-password-stdin', flag: true, help: 'Read the target password from stdin (one line; after the source\'s when both).' };

export const MIGRATE: CommandDef = {
  name: 'migrate',
  summary: 'Migrate databases between two PostgreSQL servers with the direct engine (pg_dump for the schema, parallel COPY, logical replication online).',
  options: [
    { name: 'source', value: '<url>', required: true, help: 'Source server, postgres://user@host:5432/postgres (sslmode=… as a parameter).' },
    targetUrl,
    { name: 'database', value: '<db>', required: true, multiple: true, help: 'A database to migrate; at most 8.' },
    { name: 'name', value: '<name>', default: 'pgflex-<timestamp>', help: 'Migration name; re-running a Failed or Canceled one resumes it.' },
    { name: 'mode', choices: ['offline', 'online'], default: 'offline', help: 'Online keeps the target in step through logical replication until cutover.' },
    { name: 'option', choices: ['migrate', 'validate', 'validate-and-migrate'], default: 'migrate', help: 'Validate only checks readiness; validate-and-migrate stops on a Failed rule.' },
    { name: 'overwrite', flag: true, help: 'Drop and recreate target databases that already exist.' },
    { name: 'migrate-roles', flag: true, help: 'Create the roles that own or hold grants on the databases first.' },
    { name: 'replicate-ddl', flag: true, help: 'Online: apply schema changes committed on the source while streaming (needs a source superuser: event triggers).' },
    { name: 'allow-weaker-replication-tls', flag: true, help: 'Online: let the subscription fall back to sslmode=require when the target cannot verify the source (shown on the migration).' },
    { name: 'jobs', value: '<n>', default: 'from the CPUs (2-16)', help: 'Parallel COPY workers, 1-64.' },
    { name: 'verify', choices: ['counts', 'checksums', 'none'], default: 'counts', help: 'Compare row counts, or order-independent checksums, after the copy.' },
    { name: 'cutover', choices: ['auto', 'none', 'wait'], default: 'wait', help: 'Online: wait for `pgflex cutover`, cut over once caught up, or exit 4 when streaming.' },
    { name: 'pg-dump', value: '<path>', default: 'PGFLEX_PG_DUMP or pg_dump on PATH', help: 'The pg_dump to use (at least the source\'s major version).' },
    { name: 'psql', value: '<path>', default: 'PGFLEX_PSQL or psql on PATH', help: 'The psql to use.' },
    sourcePwStdin,
    targetPwStdin,
    { name: 'quiet', flag: true, help: 'No progress on stderr; the summary and errors only.' },
    json,
  ],
  notes: [
    'Output: progress on stderr (a live line per database on a terminal); the result on stdout: the',
    'summary and the validation report, or with --json one JSON line (the summary then goes to stderr).',
    ...PASSWORDS,
    EXIT_CODES,
  ],
};

const onTarget = (name: string, summary: string, extra: OptionDef[] = []): CommandDef => ({
  name,
  summary,
  options: [targetUrl, migrationName, ...extra, sourcePwStdin, targetPwStdin, json],
  notes: [...PASSWORDS, EXIT_CODES],
});

export const STATUS = onTarget('status', 'Show a direct migration recorded for the target (an online one with fresh latency).');
export const CANCEL = onTarget('cancel', 'Cancel a direct migration from any process; the target databases stay.', [
  { name: 'database', value: '<db>', multiple: true, help: 'Online, once streaming: cancel only these databases.' },
]);
export const CUTOVER = onTarget('cutover', 'Cut over a direct online migration that waits for it.', [
  { name: 'database', value: '<db>', multiple: true, help: 'Cut over only these databases.' },
]);
export const LIST: CommandDef = {
  name: 'list',
  summary: 'List the direct migrations recorded for the target (one line each on stdout).',
  options: [targetUrl, targetPwStdin, json],
  notes: PASSWORDS,
};

const AZURE_NOTES = [
  'Azure token: PGFLEX_ARM_TOKEN, else Azure CLI / environment / managed identity.',
  'Private CA for --arm-endpoint: NODE_EXTRA_CA_CERTS=<pem file>.',
  EXIT_CODES,
];
const azureTarget: OptionDef[] = [
  { name: 'subscription', value: '<id>', required: true, help: 'Subscription of the target server.' },
  { name: 'resource-group', value: '<rg>', required: true, help: 'Resource group of the target server.' },
  { name: 'server', value: '<target>', required: true, help: 'The target Flexible Server\'s name.' },
];
const armEndpoint: OptionDef = { name: 'arm-endpoint', value: '<https-url>', default: 'https://management.azure.com', help: 'Any ARM-compatible endpoint.' };
const waitOptions: OptionDef[] = [
  { name: 'interval', value: '<s>', default: '5', help: 'While waiting: seconds between polls.' },
  { name: 'timeout', value: '<s>', default: '3600', help: 'While waiting: give up after this many seconds.' },
];

export const AZURE_MIGRATIONS: CommandDef = {
  name: 'azure migrations',
  summary: 'List the migrations of a target Flexible Server (finished ones too), or show one with --name.',
  options: [...azureTarget, { name: 'name', value: '<migration>', help: 'Show this migration.' }, armEndpoint, json],
  notes: AZURE_NOTES,
};

const azureAction = (verb: 'cutover' | 'cancel', summary: string): CommandDef => ({
  name: `azure ${verb}`,
  summary,
  options: [
    ...azureTarget,
    { name: 'name', value: '<migration>', required: true, help: 'The migration.' },
    { name: 'database', value: '<db>', multiple: true, help: `${verb === 'cutover' ? 'Cut over' : 'Cancel'} only these databases.` },
    { name: 'wait', flag: true, help: 'Wait until the migration ends; the exit code follows its state.' },
    ...waitOptions,
    armEndpoint,
    json,
  ],
  notes: AZURE_NOTES,
});
export const AZURE_CUTOVER = azureAction('cutover', 'Cut over an online Azure migration.');
export const AZURE_CANCEL = azureAction('cancel', 'Cancel an Azure migration in progress (the target databases stay).');

/** What `azure migrate` and `azure validate` send in the create body (`Migrations_Create`). */
const azureCreate = (validate: boolean): OptionDef[] => [
  ...azureTarget,
  { name: 'name', value: '<migration>', default: 'pgflex<yyyymmddhhmmss>', help: 'Migration name: a lowercase letter, then lowercase letters and digits.' },
  { name: 'source', value: '<id|host[:port]>', required: true, help: 'A Single Server\'s resource id, or the source\'s host name or IP (and port, default 5432).' },
  { name: 'source-user', value: '<user>', help: 'Source login; required with a host. For a Single Server: sent as user@server.' },
  { name: 'target-user', value: '<user>', help: 'Target login, when not the server\'s admin.' },
  { name: 'database', value: '<db>', required: true, multiple: true, help: 'A database to migrate; at most 8.' },
  { name: 'mode', choices: ['offline', 'online'], default: 'offline', help: 'Online streams changes until cutover.' },
  ...(validate ? [] : [{ name: 'option', choices: ['validate', 'migrate', 'validate-and-migrate'], default: 'validate-and-migrate', help: 'What the service does (migrationOption).' }]),
  { name: 'overwrite', flag: true, help: 'Overwrite target databases that exist (overwriteDbsInTarget).' },
  { name: 'migrate-roles', flag: true, help: 'Migrate roles and permissions (migrateRoles; Single Server sources).' },
  { name: 'runtime-server', value: '<resource id>', help: 'A Flexible Server in the source\'s network that runs the migration (migrationInstanceResourceId).' },
  { name: 'source-type', value: '<type>', choices: SOURCE_TYPES, default: 'OnPremises for a host; the service\'s for a Single Server', help: 'What the source is (sourceType).' },
  { name: 'ssl-mode', choices: ['prefer', 'require', 'verify-ca', 'verify-full'], default: 'the service\'s: verify-full for Single Server, else prefer', help: 'TLS to the source (sslMode).' },
  { name: 'source-fqdn', value: '<host>', help: 'Connect to the source by this name or IP (sourceDbServerFullyQualifiedDomainName).' },
  { name: 'target-fqdn', value: '<host>', help: 'Connect to the target by this name or IP (targetDbServerFullyQualifiedDomainName).' },
  { name: 'setup-logical-replication', flag: true, help: 'Let the service turn on logical replication on the source (restarts a Single Server).' },
  { name: 'location', value: '<region>', default: 'the target\'s', help: 'Azure region of the migration resource.' },
  sourcePwStdin,
  targetPwStdin,
  ...(validate ? [] : [{ name: 'wait', flag: true, help: 'Wait until it ends, or waits for cutover; the exit code follows its state.' } satisfies OptionDef]),
  ...waitOptions,
  armEndpoint,
  json,
];
const ADMIN_PASSWORDS = [
  'Admin passwords (the service connects with both): PGFLEX_SOURCE_PASSWORD / PGFLEX_TARGET_PASSWORD,',
  'one line each on stdin (--source-password-stdin, --target-password-stdin; source first), or typed at',
  'a prompt without echo on a terminal. Never on the command line, never printed.',
];

export const AZURE_MIGRATE: CommandDef = {
  name: 'azure migrate',
  summary: 'Create a migration in the Azure migration service (as az postgres flexible-server migration create).',
  options: azureCreate(false),
  notes: [...ADMIN_PASSWORDS, ...AZURE_NOTES],
};
export const AZURE_VALIDATE: CommandDef = {
  name: 'azure validate',
  summary: 'Run the Azure migration service\'s validation (migrationOption Validate), wait for it and print its rules.',
  options: azureCreate(true),
  notes: [...ADMIN_PASSWORDS, ...AZURE_NOTES],
};

export const CLEANUP: CommandDef = {
  name: 'cleanup',
  summary: "List pgflex's replication objects left on servers (slots with the WAL each holds) and remove them once confirmed.",
  options: [
    { name: 'source', value: '<url>', required: true, help: 'The source server: its slots, publications and heartbeat rows.' },
    { name: 'target', value: '<url>', help: 'The target server too: its subscriptions and heartbeat rows.' },
    { name: 'dry-run', flag: true, help: 'Only list what would be removed.' },
    { name: 'yes', flag: true, help: 'Remove without asking (needed without a terminal).' },
    json,
  ],
  notes: [
    'On a terminal it asks y/N after naming each object; without one it removes nothing unless --yes.',
    'Passwords: in the URL or PGFLEX_SOURCE_PASSWORD / PGFLEX_TARGET_PASSWORD. They are never printed.',
    EXIT_CODES,
  ],
};

export const DIRECT_COMMANDS = [MIGRATE, STATUS, CANCEL, CUTOVER, LIST, CLEANUP];
export const AZURE_COMMANDS = [AZURE_MIGRATIONS, AZURE_CUTOVER, AZURE_CANCEL, AZURE_MIGRATE, AZURE_VALIDATE];

export function mainHelp(): string {
  const all = [...DIRECT_COMMANDS, ...AZURE_COMMANDS];
  const width = Math.max(...all.map((c) => c.name.length));
  return [
    'Usage: pgflex <command> [options]     pgflex <command> --help     pgflex --version',
    '',
    'Direct engine (any PostgreSQL to any PostgreSQL):',
    ...DIRECT_COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Azure migration service (through Azure Resource Manager):',
    ...AZURE_COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Results go to stdout, progress to stderr.',
    EXIT_CODES,
  ].join('\n');
}

export function azureHelp(): string {
  const width = Math.max(...AZURE_COMMANDS.map((c) => c.name.length));
  return ['Usage: pgflex azure <command> [options]     pgflex azure <command> --help', '', ...AZURE_COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`), '', ...AZURE_NOTES].join('\n');
}
