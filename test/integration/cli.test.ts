import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Migration } from '../../src/core/model';
import { pgflexSessions } from '../harness/compare';
import { loadSlowFixture, until } from '../harness/migrationSpec';
import type { TestServer } from '../harness/postgres';
import { sharedServer, uniqueDb } from '../harness/servers';
import { onTty } from '../harness/tty';

const ROOT = path.resolve(__dirname, '..', '..');
const CLI = path.join(ROOT, 'dist', 'cli.js');

interface Result { code: number | null; stdout: string; stderr: string }

function cli(args: string[], env: NodeJS.ProcessEnv = {}, stdin?: string): { done: Promise<Result>; pid?: number } {
  const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, ...env }, stdio: 'pipe' });
  child.stdin.end(stdin ?? '');
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  return { pid: child.pid, done: new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr }))) };
}

function lastJson(stdout: string): Migration {
  const lines = stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]) as Migration;
}

/** URL without the password: the CLI takes it from the environment. */
const url = (s: TestServer, db = 'postgres') => s.url(db, false);

describe('pgflex CLI, direct offline (spawns node dist/cli.js against real servers)', function () {
  this.timeout(120_000);
  let stateDir: string;
  let env: NodeJS.ProcessEnv;
  let source: TestServer;
  let target: TestServer;

  before(async function () {
    this.timeout(180_000);
    execFileSync(process.execPath, ['esbuild.mjs'], { cwd: ROOT, stdio: 'ignore' });
    source = await sharedServer('15', 'source');
    target = await sharedServer('16', 'target');
    stateDir = mkdtempSync(path.join(os.tmpdir(), 'pgflex-cli-state-'));
    env = { PGFLEX_STATE_DIR: stateDir, PGFLEX_SOURCE_PASSWORD: source.password, PGFLEX_TARGET_PASSWORD: target.password };
  });

  it('migrates with --json (last stdout line is the migration), never prints a password, and status reads it from a fresh process', async () => {
    const db = uniqueDb('cli');
    await loadSlowFixture(source, db);
    const name = `cli-ok-${process.pid}`;
    const r = await cli(['migrate', '--source', url(source), '--target', url(target), '--database', db, '--name', name, '--json', '--verify', 'checksums'], { ...env, PGFLEX_TRACE: '1' }).done;
    assert.equal(r.code, 0, r.stderr);
    // PGFLEX_TRACE: the timeline names each copy with its rows, and each index built after it.
    assert.match(r.stderr, new RegExp(`\\[\\+\\d+\\.\\d\\ds\\] ${db}: copy public\\.big start\\n`));
    assert.match(r.stderr, new RegExp(`${db}: copy public\\.big end \\(40000 rows\\)`));
    assert.match(r.stderr, new RegExp(`${db}: (index|constraint) .* end\\n`));
    const m = lastJson(r.stdout);
    assert.equal(m.name, name);
    assert.equal(m.currentStatus?.state, 'Succeeded');
    assert.equal(m.currentStatus?.currentSubStateDetails?.dbDetails?.[db]?.fullLoadCompletedTables, 4);
    assert.match(r.stderr, new RegExp(`${db}: `));
    for (const out of [r.stdout, r.stderr]) {
      assert.ok(!out.includes(source.password) && !out.includes(target.password), 'no password printed');
    }
    assert.equal((await target.psql(db, 'SELECT count(*) FROM big')).trim(), '40000');

    const s = await cli(['status', '--target', url(target), '--name', name, '--json'], env).done;
    assert.equal(s.code, 0, s.stderr);
    assert.equal(lastJson(s.stdout).currentStatus?.state, 'Succeeded');
    // --json and status carry the copy's progress: every byte of the source tables' sizes copied.
    const progress = m.currentStatus?.currentSubStateDetails?.dbDetails?.[db]?.progress;
    assert.ok(progress && progress.bytesTotal > 0 && progress.bytesCopied === progress.bytesTotal, JSON.stringify(progress));
    assert.deepEqual(lastJson(s.stdout).progress, m.progress);
    assert.match(r.stderr, /Copied [\d.]+ [kMG]?B of [\d.]+ [kMG]?B \(table sizes on the source\); indexes and constraints (\d+)\/\1 built\./);
    assert.match(s.stderr, /\(100%\)/, 'status shows the bytes copied');

    // list: its table on stdout (progress and notes only on stderr); with --json one JSON line.
    const l = await cli(['list', '--target', url(target)], env).done;
    assert.equal(l.code, 0, l.stderr);
    assert.match(l.stdout, new RegExp(`^${name} +Succeeded +Offline +${db} `, 'm'));
    assert.equal(l.stderr, '');
    const lj = await cli(['list', '--target', url(target), '--json'], env).done;
    assert.ok((JSON.parse(lj.stdout.trim()) as Migration[]).some((x) => x.name === name));

    const again = await cli(['migrate', '--source', url(source), '--target', url(target), '--database', db, '--name', name], env).done;
    assert.equal(again.code, 1);
    assert.match(again.stderr, /already exists on this target \(Succeeded\)/);

    const exists = await cli(['migrate', '--source', url(source), '--target', url(target), '--database', db, '--name', `${name}-b`], env).done;
    assert.equal(exists.code, 1);
    assert.match(exists.stderr, /already exists on the target server.*--overwrite/);
  });

  it('takes both passwords from stdin (source first) with none in the URL or environment; the summary goes to stdout', async () => {
    const db = uniqueDb('clistdin');
    await source.psql('postgres', `CREATE DATABASE ${db}`);
    await source.psql(db, 'CREATE TABLE t (id int primary key); INSERT INTO t SELECT generate_series(1, 10)');
    const name = `cli-stdin-${process.pid}`;
    const noEnv = { ...env, PGFLEX_SOURCE_PASSWORD: '', PGFLEX_TARGET_PASSWORD: '' };
    const r = await cli(['migrate', '--source', url(source), '--target', url(target), '--database', db, '--name', name, '--source-password-stdin', '--target-password-stdin'], noEnv, `${source.password}\n${target.password}\n`).done;
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`^Migration "${name}": Succeeded in `, 'm'));
    assert.ok(!(r.stdout + r.stderr).includes(source.password) && !(r.stdout + r.stderr).includes(target.password), 'no password printed');
    assert.equal((await target.psql(db, 'SELECT count(*) FROM t')).trim(), '10');
    // One line only: the target's is missing.
    const short = await cli(['migrate', '--source', url(source), '--target', url(target), '--database', db, '--name', `${name}-b`, '--source-password-stdin', '--target-password-stdin'], noEnv, `${source.password}\n`).done;
    assert.equal(short.code, 2);
    assert.match(short.stderr, /--target-password-stdin: stdin ended before the target password \(line 2 of stdin; the source's comes first\)/);
  });

  it('on a terminal, prompts for the password the source asks for, without echo', async () => {
    const db = uniqueDb('clitty');
    await source.psql('postgres', `CREATE DATABASE ${db}`);
    const name = `cli-tty-${process.pid}`;
    const r = await onTty([process.execPath, CLI, 'migrate', '--source', url(source), '--target', url(target), '--database', db, '--name', name], { ...env, PGFLEX_SOURCE_PASSWORD: '' }, [{ prompt: new RegExp(`Password for ${source.conn().user} on the source server 127\\.0\\.0\\.1:${source.port}: $`), type: source.password }]);
    assert.equal(r.code, 0, r.screen);
    assert.match(r.screen, new RegExp(`Migration "${name}": Succeeded`));
    assert.ok(!r.screen.includes(source.password) && !r.screen.includes(target.password), 'no password echoed or printed');
    // The target's password is in the environment: only the source was asked for.
    assert.doesNotMatch(r.screen, /on the target server/);
  });

  it('--option validate prints the rules on stdout, failures first, as azure validate does', async () => {
    const db = uniqueDb('clival');
    await source.psql('postgres', `CREATE DATABASE ${db}`);
    await target.psql('postgres', `CREATE DATABASE ${db}`);
    const r = await cli(['migrate', '--source', url(source), '--target', url(target), '--database', db, '--name', `cli-val-${process.pid}`, '--option', 'validate'], env).done;
    // The database exists on the target and --overwrite is not given: TargetDatabaseValidation fails.
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stdout, /^Migration "cli-val-\d+": ValidationFailed( in \w+)?\.\nValidation Failed in [\d.]+ s: [1-9]\d* failed, \d+ warnings, \d+ succeeded\.\nServer:\n/);
    const dbBlock = r.stdout.slice(r.stdout.indexOf(`Database ${db}:`));
    assert.match(dbBlock, new RegExp(`^Database ${db}:\\n {2}FAIL {2}TargetDatabaseValidation`));
    assert.match(r.stdout, /^ {2}ok {4}AuthenticationAndConnectivityValidation$/m);
  });

  it('--psql picks the psql that applies the schema (a missing one fails the migration naming it)', async () => {
    const db = uniqueDb('clipsql');
    await source.psql('postgres', `CREATE DATABASE ${db}`);
    const r = await cli(['migrate', '--source', url(source), '--target', url(target), '--database', db, '--name', `cli-psql-${process.pid}`, '--psql', '/nonexistent/pgflex-test/psql'], env).done;
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /"\/nonexistent\/pgflex-test\/psql" could not be run \(spawn \/nonexistent\/pgflex-test\/psql ENOENT\)\..*--psql/);
  });

  it('exits 2 with a clear message for a 9th database, template1 and a name starting with a hyphen', async () => {
    const base = ['migrate', '--source', url(source), '--target', url(target)];
    const nine = await cli([...base, ...Array.from({ length: 9 }, (_, i) => ['--database', `d${i}`]).flat()], env).done;
    assert.equal(nine.code, 2);
    assert.match(nine.stderr, /9 databases were chosen; a migration moves at most 8/);
    const tpl = await cli([...base, '--database', 'template1'], env).done;
    assert.equal(tpl.code, 2);
    assert.match(tpl.stderr, /"template1" is a system or template database/);
    const hyphen = await cli([...base, '--database', 'x', '--name', '-x1'], env).done;
    assert.equal(hyphen.code, 2);
    assert.match(hyphen.stderr, /starts with a hyphen/);
    const ddl = await cli([...base, '--database', 'x', '--replicate-ddl'], env).done;
    assert.equal(ddl.code, 2);
    assert.match(ddl.stderr, /--replicate-ddl .* use it with --mode online/);
  });

  it('exits 1 naming the server on a wrong password, without printing it', async () => {
    const db = uniqueDb('clipw');
    await source.psql('postgres', `CREATE DATABASE ${db}`);
    const r = await cli(['migrate', '--source', url(source), '--target', url(target), '--database', db, '--name', `cli-pw-${process.pid}`, '--json'], { ...env, PGFLEX_TARGET_PASSWORD: 'wrong-secret-77' }).done;
    assert.equal(r.code, 1);
    assert.match(r.stderr, new RegExp(`target server 127\\.0\\.0\\.1:${target.port} rejected the password`));
    assert.equal(lastJson(r.stdout).currentStatus?.state, 'Failed');
    assert.ok(!r.stderr.includes('wrong-secret-77') && !r.stdout.includes('wrong-secret-77'));
  });

  it('cancels a running migration from a second process: both report Canceled (exit 3), no session left', async () => {
    const db = uniqueDb('clicancel');
    await loadSlowFixture(source, db);
    const name = `cli-cancel-${process.pid}`;
    const running = cli(['migrate', '--source', url(source), '--target', url(target), '--database', db, '--name', name, '--json'], { ...env, PGFLEX_COPY_RATE_LIMIT: '200000' });
    await until('the copy to start', async () => {
      const s = await cli(['status', '--target', url(target), '--name', name, '--json'], env).done;
      if (s.code !== 0) return false;
      return (lastJson(s.stdout).currentStatus?.currentSubStateDetails?.dbDetails?.[db]?.fullLoadLoadingTables ?? 0) > 0;
    });
    const t0 = Date.now();
    const c = await cli(['cancel', '--target', url(target), '--name', name, '--json'], env).done;
    assert.equal(c.code, 3, c.stderr);
    assert.match(c.stderr, /left in place/);
    const r = await running.done;
    assert.ok(Date.now() - t0 < 8000, `canceled in ${Date.now() - t0} ms`);
    assert.equal(r.code, 3, r.stderr);
    assert.equal(lastJson(r.stdout).currentStatus?.state, 'Canceled');
    assert.deepEqual(await pgflexSessions(source.conn()), []);
    assert.deepEqual(await pgflexSessions(target.conn()), []);
  });
});
