import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Migration, ReplicationLeftover } from '../../src/core/model';
import { refFromConn } from '../../src/direct/connInfo';
import { migrationPrefix } from '../../src/direct/online/names';
import { findSlots, removeLeftovers } from '../../src/direct/online/leftovers';
import { targetKeyOf, type MigrationRecord } from '../../src/direct/store';
import { dataOf } from '../harness/compare';
import { loadSlowFixture, until } from '../harness/migrationSpec';
import { startServer, type TestServer } from '../harness/postgres';
import { sharedServer, uniqueDb } from '../harness/servers';

const ROOT = path.resolve(__dirname, '..', '..');
const CLI = path.join(ROOT, 'dist', 'cli.js');

interface Result { code: number | null; stdout: string; stderr: string }

function start(args: string[], env: NodeJS.ProcessEnv): { child: ChildProcess; result: Promise<Result> } {
  const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  return { child, result: new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr }))) };
}

const cli = (args: string[], env: NodeJS.ProcessEnv) => start(args, env).result;

/** Run node with `args` on a pseudo-terminal (util-linux script), typing `input`. */
function answerOnTty(args: string[], input: string, env: NodeJS.ProcessEnv): Promise<{ code: number | null; output: string }> {
  const quoted = [process.execPath, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  const child = spawn('script', ['-qec', quoted, '/dev/null'], { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  child.stdin.write(input);
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, output })));
}
const lastJson = <T = Migration>(stdout: string): T => JSON.parse(stdout.trim().split('\n').at(-1)!) as T;

function record(env: NodeJS.ProcessEnv, target: TestServer, name: string): MigrationRecord | undefined {
  try {
    return JSON.parse(readFileSync(path.join(env.PGFLEX_STATE_DIR!, targetKeyOf(refFromConn(target.conn())), `${name}.json`), 'utf8')) as MigrationRecord;
  } catch {
    return undefined;
  }
}

/** Whether the running CLI's record shows a table of `db` being copied. */
function copying(env: NodeJS.ProcessEnv, target: TestServer, name: string, db: string): boolean {
  const d = record(env, target, name)?.migration.currentStatus?.currentSubStateDetails?.dbDetails?.[db];
  return (d?.tables ?? []).some((t) => t.state === 'Loading');
}

async function pgflexObjects(s: TestServer): Promise<string[]> {
  const out = await s.psql('postgres', `SELECT 'slot ' || slot_name FROM pg_replication_slots WHERE slot_name LIKE 'pgflex\\_%'
    UNION ALL SELECT 'subscription ' || subname FROM pg_subscription WHERE subname LIKE 'pgflex\\_%'`);
  return out.split('\n').map((l) => l.trim()).filter(Boolean);
}

async function publications(s: TestServer, db: string): Promise<string[]> {
  return (await s.psql(db, `SELECT pubname FROM pg_publication WHERE pubname LIKE 'pgflex\\_%'`)).split('\n').map((l) => l.trim()).filter(Boolean);
}

describe('dead runs and leftovers through the CLI (SIGKILL; spawns node dist/cli.js)', function () {
  this.timeout(180_000);
  let env: NodeJS.ProcessEnv;

  before(function () {
    this.timeout(120_000);
    execFileSync(process.execPath, ['esbuild.mjs'], { cwd: ROOT, stdio: 'ignore' });
  });

  beforeEach(() => {
    env = { PGFLEX_STATE_DIR: mkdtempSync(path.join(os.tmpdir(), 'pgflex-dead-')), PGFLEX_COPY_RATE_LIMIT: '500000' };
  });

  it('online, killed while its tables copy: status and list say Failed (exit 1) naming the slot and its WAL; cleanup lists, then removes everything', async function () {
    // Servers of its own: cleanup removes every pgflex object on the servers it is given. Starting
    // them takes most of a minute on a loaded machine.
    this.timeout(300_000);
    const source = await startServer({ version: '15', logical: true });
    const target = await startServer({ version: '16', logical: false });
    try {
      Object.assign(env, { PGFLEX_SOURCE_PASSWORD: source.password, PGFLEX_TARGET_PASSWORD: target.password });
      const db = uniqueDb('deadonl');
      await loadSlowFixture(source, db);
      const name = `dead-onl-${process.pid}`;
      const targetUrl = target.url('postgres', false);
      const run = start(['migrate', '--mode', 'online', '--cutover', 'none', '--source', source.url('postgres', false), '--target', targetUrl, '--database', db, '--name', name, '--jobs', '1'], env);
      // The slot's name carries the migration's random id: find it by the name's prefix.
      let slot = '';
      await until('the slot on the source and a table copying', async () => {
        slot = (await pgflexObjects(source)).find((o) => o.startsWith(`slot ${migrationPrefix(name)}`))?.slice('slot '.length) ?? '';
        return slot !== '' && copying(env, target, name, db);
      }, 60_000);
      run.child.kill('SIGKILL');
      assert.equal((await run.result).code, null, 'killed, not exited');
      // WAL written after the slot's snapshot is what it holds from now on.
      await source.psql(db, 'CREATE TABLE later AS SELECT g, md5(g::text) AS h FROM generate_series(1, 20000) g');

      const status = await cli(['status', '--target', targetUrl, '--name', name, '--json'], env);
      assert.equal(status.code, 1, status.stderr);
      const m = lastJson(status.stdout);
      assert.equal(m.currentStatus?.state, 'Failed');
      assert.equal(m.runner?.state, 'dead');
      assert.match(m.currentStatus?.error ?? '', new RegExp(`stopped while it was copying.*replication slot ${slot} in database "${db}" on the source, holding [\\d.]+ [kMG]?B of WAL`));
      assert.match(status.stderr, /pgflex cancel --target .* --name dead-onl-/);
      assert.match(status.stderr, /pgflex cleanup --source/);
      const leftSlot = m.leftovers?.find((l) => l.kind === 'slot');
      assert.equal(leftSlot?.name, slot);
      assert.ok((leftSlot?.retainedWalBytes ?? 0) > 100_000, `retained WAL: ${leftSlot?.retainedWalBytes}`);
      assert.equal(leftSlot?.active, false);
      assert.equal(leftSlot?.walStatus, 'reserved');
      assert.ok(m.leftovers?.some((l) => l.kind === 'publication' && l.name === slot));
      assert.doesNotMatch(status.stdout + status.stderr, new RegExp(source.password));

      const list = await cli(['list', '--target', targetUrl, '--json'], env);
      assert.equal(list.code, 0, list.stderr);
      assert.equal(lastJson<Migration[]>(list.stdout).find((x) => x.name === name)?.currentStatus?.state, 'Failed');
      const table = await cli(['list', '--target', targetUrl], env);
      assert.match(table.stdout, new RegExp(`${name}\\s+Failed`));

      const cleanupArgs = ['cleanup', '--source', source.url('postgres', false), '--target', targetUrl, '--json'];
      const dry = await cli([...cleanupArgs, '--dry-run'], env);
      assert.equal(dry.code, 0, dry.stderr);
      assert.match(dry.stderr, new RegExp(`replication slot ${slot} in database "${db}" on the source, holding`));
      assert.deepEqual(lastJson<{ removed: unknown[] }>(dry.stdout).removed, []);
      assert.deepEqual(await pgflexObjects(source), [`slot ${slot}`], 'a dry run removes nothing');

      const refused = await cli(cleanupArgs, env);
      assert.equal(refused.code, 2, 'without a terminal and without --yes nothing is removed');
      assert.match(refused.stderr, /pass --yes/);
      assert.deepEqual(await pgflexObjects(source), [`slot ${slot}`]);

      // On a terminal it asks, naming each object first; anything but y removes nothing.
      const onTty = await answerOnTty([CLI, ...cleanupArgs], 'n\n', env);
      assert.equal(onTty.code, 0, onTty.output);
      assert.match(onTty.output, new RegExp(`replication slot ${slot}[^]*Remove these \\d+ objects\\? \\[y/N\\][^]*Nothing removed\\.`));
      assert.deepEqual(await pgflexObjects(source), [`slot ${slot}`]);

      const clean = await cli([...cleanupArgs, '--yes'], env);
      assert.equal(clean.code, 0, clean.stderr);
      const removed = lastJson<{ removed: ReplicationLeftover[] }>(clean.stdout).removed;
      assert.ok(removed.some((l) => l.kind === 'slot' && l.name === slot), clean.stderr);
      assert.deepEqual(await pgflexObjects(source), []);
      assert.deepEqual(await pgflexObjects(target), []);
      assert.deepEqual(await publications(source, db), []);
      const after = await cli(['cleanup', '--source', source.url('postgres', false), '--target', targetUrl, '--dry-run'], env);
      assert.match(after.stderr, /No pgflex replication objects/);

      // With nothing left, status no longer names a leftover; the run stays Failed.
      const again = await cli(['status', '--target', targetUrl, '--name', name, '--json'], env);
      assert.equal(again.code, 1);
      assert.deepEqual(lastJson(again.stdout).leftovers, []);
    } finally {
      await Promise.all([source.destroy(), target.destroy()]);
    }
  });

  it('online, killed while copying: the "pgflex cancel" its status names removes its replication objects and ends it Canceled', async () => {
    const source = await sharedServer('15', 'source');
    const target = await sharedServer('16', 'target');
    Object.assign(env, { PGFLEX_SOURCE_PASSWORD: source.password, PGFLEX_TARGET_PASSWORD: target.password });
    const db = uniqueDb('deadcan');
    await loadSlowFixture(source, db);
    const name = `dead-can-${process.pid}`;
    const targetUrl = target.url('postgres', false);
    const run = start(['migrate', '--mode', 'online', '--cutover', 'none', '--source', source.url('postgres', false), '--target', targetUrl, '--database', db, '--name', name, '--jobs', '1'], env);
    // The slot's name carries the migration's random id: find it by the name's prefix.
    let slot = '';
    await until('the slot on the source and a table copying', async () => {
      slot = (await pgflexObjects(source)).find((o) => o.startsWith(`slot ${migrationPrefix(name)}`))?.slice('slot '.length) ?? '';
      return slot !== '' && copying(env, target, name, db);
    }, 60_000);
    run.child.kill('SIGKILL');
    await run.result;
    const status = await cli(['status', '--target', targetUrl, '--name', name], env);
    assert.equal(status.code, 1);
    const command = /run "(pgflex cancel [^"]+)"/.exec(status.stderr)?.[1];
    assert.ok(command, status.stderr);
    const canceled = await cli([...command.split(' ').slice(1).map((x) => x.replace(/^'(.*)'$/, '$1')), '--json'], env);
    assert.equal(canceled.code, 3, canceled.stderr);
    assert.equal(lastJson(canceled.stdout).currentStatus?.state, 'Canceled');
    assert.equal((await pgflexObjects(source)).filter((o) => o.includes(slot)).length, 0, 'slot removed');
    assert.deepEqual(await publications(source, db), []);
    const after = await cli(['status', '--target', targetUrl, '--name', name, '--json'], env);
    assert.equal(after.code, 3);
    assert.deepEqual(lastJson(after.stdout).leftovers, []);
  });

  it('measures a slot on PostgreSQL 11 (no wal_status) and 16 (wal_status), and removes it', async () => {
    for (const version of ['11', '16'] as const) {
      const source = await sharedServer(version, 'source');
      const slot = `pgflex_measure_${process.pid}_${version}`;
      await source.psql('postgres', `SELECT pg_create_logical_replication_slot('${slot}', 'pgoutput')`);
      await source.psql('postgres', 'CREATE TABLE IF NOT EXISTS wal_filler (x text); INSERT INTO wal_filler SELECT md5(g::text) FROM generate_series(1, 5000) g');
      const found = (await findSlots(source.conn('postgres', 'source'))).find((l) => l.name === slot);
      assert.ok(found, `${slot} listed on ${version}`);
      assert.equal(found.walStatus, version === '11' ? null : 'reserved');
      assert.equal(found.active, false);
      assert.ok((found.retainedWalBytes ?? 0) > 100_000, `${version}: ${found.retainedWalBytes} bytes held`);
      const { removed, problems } = await removeLeftovers({ source: source.conn('postgres', 'source') }, [found]);
      assert.deepEqual(problems, []);
      assert.equal(removed.length, 1);
      assert.equal((await findSlots(source.conn('postgres', 'source'))).some((l) => l.name === slot), false);
    }
  });

  it('offline, killed mid-copy: status says Failed, "run it again to resume" (exit 1); the re-run resumes and succeeds with equal data', async () => {
    const source = await sharedServer('15', 'source');
    const target = await sharedServer('16', 'target');
    Object.assign(env, { PGFLEX_SOURCE_PASSWORD: source.password, PGFLEX_TARGET_PASSWORD: target.password });
    const db = uniqueDb('deadoff');
    await loadSlowFixture(source, db);
    const name = `dead-off-${process.pid}`;
    const targetUrl = target.url('postgres', false);
    const args = ['migrate', '--source', source.url('postgres', false), '--target', targetUrl, '--database', db, '--name', name, '--jobs', '1'];
    const run = start(args, env);
    await until('a table copying', () => copying(env, target, name, db), 60_000);
    run.child.kill('SIGKILL');
    await run.result;

    const status = await cli(['status', '--target', targetUrl, '--name', name, '--json'], env);
    assert.equal(status.code, 1, status.stderr);
    const m = lastJson(status.stdout);
    assert.equal(m.currentStatus?.state, 'Failed');
    assert.match(m.currentStatus?.error ?? '', /stopped before it finished\. Run it again with the same name to resume it\./);
    const list = await cli(['list', '--target', targetUrl, '--json'], env);
    assert.equal(lastJson<Migration[]>(list.stdout).find((x) => x.name === name)?.currentStatus?.state, 'Failed');

    const rerun = await cli([...args, '--json'], { ...env, PGFLEX_COPY_RATE_LIMIT: '' });
    assert.equal(rerun.code, 0, rerun.stderr);
    assert.equal(lastJson(rerun.stdout).currentStatus?.state, 'Succeeded');
    assert.deepEqual(await dataOf(target.conn(db)), await dataOf(source.conn(db)));
    const done = await cli(['status', '--target', targetUrl, '--name', name], env);
    assert.equal(done.code, 0, done.stderr);
  });
});
