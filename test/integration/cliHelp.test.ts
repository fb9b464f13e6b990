/** `pgflex --version`, bare `pgflex`, every command's --help and usage errors, from the built CLI. */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { AZURE_COMMANDS, DIRECT_COMMANDS } from '../../src/cli/commands';
import { EXIT } from '../../src/cli/exitCodes';

const ROOT = path.resolve(__dirname, '../..');
const CLI = path.join(ROOT, 'dist/cli.js');

function pgflex(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('pgflex CLI help, version and usage errors (node dist/cli.js)', function () {
  this.timeout(60_000);

  before(() => {
    const newest = Math.max(...['src/cli.ts', 'src/cli/args.ts', 'src/cli/commands.ts', 'esbuild.mjs'].map((f) => statSync(path.join(ROOT, f)).mtimeMs));
    if (!existsSync(CLI) || statSync(CLI).mtimeMs < newest) execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'ignore' });
  });

  it('--version prints the package version on stdout', () => {
    const { version } = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };
    for (const flag of ['--version', '-V']) {
      const r = pgflex(flag);
      assert.equal(r.code, EXIT.succeeded);
      assert.equal(r.stdout, `pgflex ${version}\n`);
      assert.equal(r.stderr, '');
    }
  });

  it('bare pgflex prints the help naming every command on stdout and exits 0', () => {
    const r = pgflex();
    assert.equal(r.code, EXIT.succeeded);
    assert.equal(r.stderr, '');
    assert.match(r.stdout, /^Usage: pgflex <command> \[options\]/);
    for (const name of ['migrate', 'status', 'cancel', 'cutover', 'list', 'cleanup', 'azure migrations', 'azure migrate', 'azure validate', 'azure cutover', 'azure cancel']) {
      assert.match(r.stdout, new RegExp(`\\n {2}${name} +\\S`), name);
    }
    assert.equal(pgflex('--help').stdout, r.stdout);
    assert.equal(pgflex('azure').code, EXIT.succeeded);
    assert.match(pgflex('azure').stdout, /^Usage: pgflex azure <command>/);
  });

  it('migrate --help lists every option the command takes, the ones missing before included', () => {
    const r = pgflex('migrate', '--help');
    assert.equal(r.code, EXIT.succeeded, r.stderr);
    assert.match(r.stdout, /^Usage: pgflex migrate --source <url> --target <url> --database <db>\.\.\. \[options\]/);
    const listed = [...r.stdout.matchAll(/^ {2}--([a-z-]+)/gm)].map((m) => m[1]);
    assert.deepEqual(listed.sort(), [
      'allow-weaker-replication-tls', 'cutover', 'database', 'help', 'jobs', 'json', 'migrate-roles', 'mode', 'name', 'option', 'overwrite', 'pg-dump', 'psql', 'quiet', 'replicate-ddl', 'source',
      'source-password-stdin', 'target', 'target-password-stdin', 'verify',
    ]);
    assert.match(r.stdout, /--mode offline\|online +Online keeps[^]*?\(default offline\)/);
    assert.match(r.stdout, /Exit codes: 0 Succeeded/);
    // --help wins wherever it stands, and `help <command>` says the same.
    assert.equal(pgflex('migrate', '--source', 'postgres://x@y/z', '--help').stdout, r.stdout);
    assert.equal(pgflex('help', 'migrate').stdout, r.stdout);
  });

  it('azure migrate --help lists what az postgres flexible-server migration create offers', () => {
    const r = pgflex('azure', 'migrate', '--help');
    assert.equal(r.code, EXIT.succeeded, r.stderr);
    const listed = [...r.stdout.matchAll(/^ {2}--([a-z-]+)/gm)].map((m) => m[1]);
    for (const o of ['source', 'database', 'mode', 'option', 'overwrite', 'migrate-roles', 'runtime-server', 'source-type', 'ssl-mode', 'source-fqdn', 'target-fqdn', 'source-password-stdin', 'target-password-stdin', 'wait']) {
      assert.ok(listed.includes(o), `--${o} in azure migrate --help`);
    }
    // All 24 source types of the API.
    assert.match(r.stdout.replace(/\s+/g, ' '), /One of: OnPremises, AWS, GCP, AzureVM, PostgreSQLSingleServer, AWS_RDS, AWS_AURORA, AWS_EC2, GCP_CloudSQL, GCP_AlloyDB, GCP_Compute, EDB, EDB_Oracle_Server, EDB_PostgreSQL, PostgreSQLFlexibleServer, PostgreSQLCosmosDB, Huawei_RDS, Huawei_Compute, Heroku_PostgreSQL, Crunchy_PostgreSQL, ApsaraDB_RDS, Digital_Ocean_Droplets, Digital_Ocean_PostgreSQL, Supabase_PostgreSQL\./);
  });

  for (const def of [...DIRECT_COMMANDS, ...AZURE_COMMANDS]) {
    it(`${def.name} --help: exit 0, usage on stdout, each of its ${def.options.length} options`, () => {
      const r = pgflex(...def.name.split(' '), '--help');
      assert.equal(r.code, EXIT.succeeded, r.stderr);
      assert.equal(r.stderr, '');
      assert.ok(r.stdout.startsWith(`Usage: pgflex ${def.name} `), r.stdout.slice(0, 80));
      const listed = new Set([...r.stdout.matchAll(/^ {2}--([a-z-]+)/gm)].map((m) => m[1]));
      for (const o of def.options) assert.ok(listed.has(o.name), `--${o.name}`);
    });
  }

  it('an unknown option, a missing value or a stray argument is a usage error (exit 2) pointing at the command\'s --help', () => {
    const unknown = pgflex('migrate', '--bogus');
    assert.equal(unknown.code, EXIT.usage);
    assert.equal(unknown.stdout, '');
    assert.equal(unknown.stderr, 'pgflex: Unknown option --bogus.\nSee `pgflex migrate --help` for the options.\n');
    const missing = pgflex('list', '--target');
    assert.equal(missing.code, EXIT.usage);
    assert.match(missing.stderr, /^pgflex: --target needs a value\.\nSee `pgflex list --help`/);
    const stray = pgflex('status', 'extra');
    assert.equal(stray.code, EXIT.usage);
    assert.match(stray.stderr, /Unexpected argument "extra"/);
    const twice = pgflex('list', '--target', 'postgres://a@b/c', '--target', 'postgres://a@d/c');
    assert.equal(twice.code, EXIT.usage);
    assert.match(twice.stderr, /--target is given 2 times; give it once/);
    const flagValue = pgflex('list', '--target', 'postgres://a@b/c', '--json=yes');
    assert.equal(flagValue.code, EXIT.usage);
    assert.match(flagValue.stderr, /--json takes no value/);
    const choice = pgflex('migrate', '--source', 'postgres://a@b/c', '--target', 'postgres://a@d/c', '--database', 'x', '--mode', 'sideways');
    assert.equal(choice.code, EXIT.usage);
    assert.match(choice.stderr, /--mode must be one of offline, online \(got "sideways"\)/);
    const command = pgflex('frobnicate');
    assert.equal(command.code, EXIT.usage);
    assert.match(command.stderr, /Unknown command "frobnicate"\.\nSee `pgflex --help`/);
    // Names an object has anyway are no commands either.
    assert.equal(pgflex('toString').code, EXIT.usage);
    assert.match(pgflex('azure', 'constructor').stderr, /"azure constructor" is not a command/);
    const azure = pgflex('azure', 'frobnicate');
    assert.equal(azure.code, EXIT.usage);
    assert.match(azure.stderr, /See `pgflex azure --help`/);
  });
});
