/** The CLI's option tables at work: parsing (node:util underneath) and the Azure create body. */
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { commandHelp, parseCommand, UsageError } from '../../src/cli/args';
import { createRequest } from '../../src/cli/azureCreate';
import { AZURE_MIGRATE, AZURE_VALIDATE, MIGRATE } from '../../src/cli/commands';
import { readStdinPasswords } from '../../src/cli/passwords';

const usage = (fn: () => unknown, re: RegExp) => assert.throws(fn, (e: unknown) => e instanceof UsageError && re.test(e.message));

describe('CLI arguments', () => {
  const base = ['--source', 'postgres://a@s/postgres', '--target', 'postgres://a@t/postgres', '--database', 'd1'];

  it('collects repeated options in order, flags as a set, and both --k v and --k=v', () => {
    const a = parseCommand([...base, '--database=d2', '--overwrite', '--jobs', '4'], MIGRATE);
    assert.deepEqual(a.options.get('database'), ['d1', 'd2']);
    assert.deepEqual(a.options.get('jobs'), ['4']);
    assert.ok(a.flags.has('overwrite') && !a.flags.has('json'));
  });

  it('refuses what the table does not say: unknown, twice, a value for a flag, none for an option, a wrong choice, a stray word', () => {
    usage(() => parseCommand([...base, '--bogus'], MIGRATE), /^Unknown option --bogus\.$/);
    usage(() => parseCommand([...base, '--name', 'a', '--name', 'b'], MIGRATE), /--name is given 2 times/);
    usage(() => parseCommand([...base, '--json=1'], MIGRATE), /--json takes no value/);
    usage(() => parseCommand([...base, '--name'], MIGRATE), /--name needs a value/);
    usage(() => parseCommand([...base, '--verify', 'all'], MIGRATE), /--verify must be one of counts, checksums, none \(got "all"\)/);
    usage(() => parseCommand([...base, 'extra'], MIGRATE), /Unexpected argument "extra"/);
    usage(() => parseCommand(['--target', 'postgres://a@t/postgres'], MIGRATE), /--source is required/);
  });

  it('takes a value starting with a dash (checked later), but not another option as a value', () => {
    assert.deepEqual(parseCommand([...base, '--name', '-x1'], MIGRATE).options.get('name'), ['-x1']);
    usage(() => parseCommand([...base, '--name', '--json'], MIGRATE), /--name needs a value/);
  });

  it('a usage error carries the command, for the pointer to its --help', () => {
    try {
      parseCommand(['--x'], AZURE_MIGRATE);
      assert.fail('no error');
    } catch (e) {
      assert.ok(e instanceof UsageError);
      assert.equal(e.command, 'azure migrate');
    }
  });

  it('--help text lists each option once with its choices and default', () => {
    const text = commandHelp(MIGRATE);
    for (const o of MIGRATE.options) assert.equal(text.split('\n').filter((l) => l.startsWith(`  --${o.name} `) || l === `  --${o.name}`).length, 1, o.name);
    assert.match(text, /--verify counts\|checksums\|none +Compare row counts/);
  });

  it('reads one line per stdin flag, the source\'s first, and refuses a missing line', async () => {
    const feed = (text: string) => {
      const s = new PassThrough();
      s.end(text);
      return s;
    };
    const both = parseCommand([...base, '--source-password-stdin', '--target-password-stdin'], MIGRATE);
    assert.deepEqual(await readStdinPasswords(both, feed('s3cret\r\nt0p\nignored\n')), { source: 's3cret', target: 't0p' });
    const target = parseCommand([...base, '--target-password-stdin'], MIGRATE);
    assert.deepEqual(await readStdinPasswords(target, feed('only\n')), { target: 'only' });
    await assert.rejects(readStdinPasswords(both, feed('one\n')), /stdin ended before the target password/);
  });
});

describe('azure migrate options → the Migrations_Create body', () => {
  const target = ['--subscription', 's', '--resource-group', 'rg', '--server', 't'];
  const single = '/subscriptions/s/resourceGroups/rg/providers/Microsoft.DBforPostgreSQL/servers/old';

  it('a Single Server by id: its login as user@server, the service\'s source type and SSL defaults', () => {
    const { req } = createRequest(parseCommand([...target, '--name', 'm1', '--source', single, '--source-user', 'admin', '--database', 'a'], AZURE_MIGRATE), false);
    assert.equal(req.sourceDbServerResourceId, single);
    assert.equal(req.sourceServerUsername, 'admin@old');
    assert.equal(req.sourceType, undefined);
    assert.equal(req.sslMode, undefined);
    assert.equal(req.migrationOption, 'ValidateAndMigrate');
    assert.equal(req.migrationMode, 'Offline');
    assert.equal(req.overwriteDbsInTarget, undefined);
  });

  it('a host (IPv6 too) as host:port@user with OnPremises; every option where the API wants it', () => {
    const rt = '/subscriptions/s/resourceGroups/rg/providers/Microsoft.DBforPostgreSQL/flexibleServers/runner';
    const { name, req } = createRequest(parseCommand([...target, '--name', 'm2', '--source', '[fd00::5]:6432', '--source-user', 'me', '--database', 'a', '--database', 'b',
      '--mode', 'online', '--overwrite', '--migrate-roles', '--runtime-server', rt, '--source-type', 'AWS_RDS', '--ssl-mode', 'verify-ca', '--source-fqdn', 's.example', '--target-fqdn', 't.example', '--setup-logical-replication', '--location', 'westeurope'], AZURE_MIGRATE), false);
    assert.equal(name, 'm2');
    assert.deepEqual(req, {
      location: 'westeurope', sourceDbServerResourceId: '[fd00::5]:6432@me', sourceType: 'AWS_RDS', sourceDbServerFullyQualifiedDomainName: 's.example', targetDbServerFullyQualifiedDomainName: 't.example',
      migrationMode: 'Online', migrationOption: 'ValidateAndMigrate', dbsToMigrate: ['a', 'b'], overwriteDbsInTarget: true, sslMode: 'VerifyCA', setupLogicalReplicationOnSourceDbIfNeeded: true,
      migrateRoles: true, migrationInstanceResourceId: rt, sourceServerUsername: undefined, targetServerUsername: undefined,
    });
    assert.equal(createRequest(parseCommand([...target, '--source', 'db.example', '--source-user', 'me', '--database', 'a'], AZURE_VALIDATE), true).req.migrationOption, 'Validate');
  });

  it('refuses a Flexible Server id as source, a host without user, a bad name and a 9th database', () => {
    const flex = '/subscriptions/s/resourceGroups/rg/providers/Microsoft.DBforPostgreSQL/flexibleServers/src';
    usage(() => createRequest(parseCommand([...target, '--source', flex, '--database', 'a'], AZURE_MIGRATE), false), /not a Single Server's resource id/);
    usage(() => createRequest(parseCommand([...target, '--source', 'h', '--database', 'a'], AZURE_MIGRATE), false), /--source-user is required/);
    usage(() => createRequest(parseCommand([...target, '--source', single, '--database', 'a', '--name', 'Bad-Name'], AZURE_MIGRATE), false), /--name: /);
    const nine = Array.from({ length: 9 }, (_, i) => ['--database', `d${i}`]).flat();
    usage(() => createRequest(parseCommand([...target, '--source', single, ...nine], AZURE_MIGRATE), false), /9 databases/);
  });
});
