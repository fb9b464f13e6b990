import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Migration } from '../../src/core/model';
import { migrationPrefix, replicationName } from '../../src/direct/online/names';
import type { TestServer } from '../harness/postgres';
import { sharedServer, uniqueDb } from '../harness/servers';
import { dumpTables, replicationObjects, SCHEMA, sequenceValue, Writer } from './onlineFixture';

const ROOT = path.resolve(__dirname, '..', '..');
const CLI = path.join(ROOT, 'dist', 'cli.js');

interface Result { code: number | null; stdout: string; stderr: string }

function cli(args: string[], env: NodeJS.ProcessEnv): Promise<Result> {
  const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

const lastJson = (stdout: string): Migration => JSON.parse(stdout.trim().split('\n').at(-1)!) as Migration;

describe('pgflex CLI, direct online (spawns node dist/cli.js)', function () {
  this.timeout(240_000);
  let source: TestServer;
  let target: TestServer;
  let env: NodeJS.ProcessEnv;

  before(async function () {
    this.timeout(180_000);
    execFileSync(process.execPath, ['esbuild.mjs'], { cwd: ROOT, stdio: 'ignore' });
    source = await sharedServer('15', 'source');
    target = await sharedServer('16', 'target');
    env = { PGFLEX_STATE_DIR: mkdtempSync(path.join(os.tmpdir(), 'pgflex-online-cli-')), PGFLEX_SOURCE_PASSWORD: source.password, PGFLEX_TARGET_PASSWORD: target.password };
  });

  it('--cutover none exits 4 while streaming; a fresh process shows the latency, another cuts over: equal data, nothing left', async () => {
    const db = uniqueDb('onlcli');
    await source.psql('postgres', `CREATE DATABASE ${db}`);
    await source.psql(db, SCHEMA);
    const writer = new Writer(source, db).start();
    const name = `onl-cli-${process.pid}`;
    const targetUrl = target.url('postgres', false);
    const started = await cli(['migrate', '--mode', 'online', '--cutover', 'none', '--source', source.url('postgres', false), '--target', targetUrl, '--database', db, '--name', name, '--json'], env);
    assert.equal(started.code, 4, started.stderr);
    assert.equal(lastJson(started.stdout).currentStatus?.currentSubStateDetails?.dbDetails?.[db]?.migrationState, 'WaitingForCutoverTrigger');
    assert.doesNotMatch(started.stdout + started.stderr, new RegExp(source.password));
    await writer.waitOps(20);

    // The target's statistics reach a fresh process up to a second or so after the apply
    // worker applied the writes: ask again until they show.
    const until = Date.now() + 30_000;
    for (;;) {
      const status = await cli(['status', '--target', targetUrl, '--name', name, '--json'], env);
      assert.equal(status.code, 4, status.stderr);
      const d = lastJson(status.stdout).currentStatus?.currentSubStateDetails?.dbDetails?.[db];
      assert.equal(typeof d?.latency, 'number', JSON.stringify(d));
      if ((d?.appliedChanges ?? 0) > 0) break;
      assert.ok(Date.now() < until, `no applied change ever counted: ${JSON.stringify(d)}`);
      await new Promise((r) => setTimeout(r, 500));
    }

    await writer.stop();
    const cut = await cli(['cutover', '--target', targetUrl, '--name', name, '--json'], env);
    assert.equal(cut.code, 0, cut.stderr);
    const m = lastJson(cut.stdout);
    assert.equal(m.currentStatus?.state, 'Succeeded');
    assert.ok((m.currentStatus?.currentSubStateDetails?.dbDetails?.[db]?.cutoverSeconds ?? 99) < 5);
    assert.deepEqual(await dumpTables(target, db), await dumpTables(source, db));
    assert.equal(await sequenceValue(target, db), await sequenceValue(source, db));
    assert.deepEqual(await replicationObjects(source, db, migrationPrefix(name)), []);
    assert.deepEqual(await replicationObjects(target, db, migrationPrefix(name)), []);
  });

  it('--cutover wait keeps watching until "pgflex cutover" from another process asks, then exits 0', async () => {
    const db = uniqueDb('onlcliwait');
    await source.psql('postgres', `CREATE DATABASE ${db}`);
    await source.psql(db, SCHEMA);
    const name = `onl-wait-${process.pid}`;
    const targetUrl = target.url('postgres', false);
    const watcher = cli(['migrate', '--mode', 'online', '--cutover', 'wait', '--source', source.url('postgres', false), '--target', targetUrl, '--database', db, '--name', name], env);
    const until = Date.now() + 120_000;
    let s: Result;
    for (;;) {
      s = await cli(['status', '--target', targetUrl, '--name', name, '--json'], env);
      if (s.code === 4) break;
      assert.ok(Date.now() < until, `never waited for cutover: ${s.stderr}`);
      await new Promise((r) => setTimeout(r, 500));
    }
    await source.psql(db, `INSERT INTO t_int (v, n) VALUES ('late', 1)`);
    const cut = await cli(['cutover', '--target', targetUrl, '--name', name, '--json'], env);
    assert.equal(cut.code, 0, cut.stderr);
    const w = await watcher;
    assert.equal(w.code, 0, w.stderr);
    assert.match(w.stderr, /latency/);
    assert.deepEqual(await dumpTables(target, db), await dumpTables(source, db));
    assert.deepEqual(await replicationObjects(source, db, migrationPrefix(name)), []);
  });

  it('"pgflex cancel --database" from another process cancels one database while the watcher streams the other; cutover ends it', async () => {
    const [a, b] = [uniqueDb('onlclica'), uniqueDb('onlclicb')];
    for (const db of [a, b]) {
      await source.psql('postgres', `CREATE DATABASE ${db}`);
      await source.psql(db, SCHEMA);
    }
    const name = `onl-cancel-one-${process.pid}`;
    const targetUrl = target.url('postgres', false);
    const watcher = cli(['migrate', '--mode', 'online', '--cutover', 'wait', '--source', source.url('postgres', false), '--target', targetUrl, '--database', a, '--database', b, '--name', name], env);
    const until = Date.now() + 120_000;
    for (;;) {
      const s = await cli(['status', '--target', targetUrl, '--name', name, '--json'], env);
      if (s.code === 4) break;
      assert.ok(Date.now() < until, `never waited for cutover: ${s.stderr}`);
      await new Promise((r) => setTimeout(r, 500));
    }
    const c = await cli(['cancel', '--target', targetUrl, '--name', name, '--database', a, '--json'], env);
    assert.equal(c.code, 4, `still waiting for the other database's cutover: ${c.stderr}`);
    assert.match(c.stderr, new RegExp(`Canceled ${a}; ${b} still streams`));
    const m = lastJson(c.stdout);
    assert.equal(m.currentStatus?.currentSubStateDetails?.dbDetails?.[a]?.migrationState, 'Canceled');
    assert.deepEqual(await replicationObjects(source, a, replicationName(name, a)), []);
    await source.psql(b, `INSERT INTO t_int (v, n) VALUES ('late', 1)`);
    const cut = await cli(['cutover', '--target', targetUrl, '--name', name, '--json'], env);
    assert.equal(cut.code, 0, cut.stderr);
    const w = await watcher;
    assert.equal(w.code, 0, w.stderr);
    assert.deepEqual(await dumpTables(target, b), await dumpTables(source, b));
    assert.deepEqual(await replicationObjects(source, b, migrationPrefix(name)), []);
  });
});
