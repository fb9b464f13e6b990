/**
 * bench/online: an online direct migration under load, measured from outside the engine.
 *
 *   npm run bench:online            (BENCH_SCALE=50, BENCH_RATE=500, BENCH_STREAM_SECONDS=30)
 *
 * Source PostgreSQL 15 (pg_dump 15 dumps it) with pgbench at scale 50; target PostgreSQL 16.
 * pgbench -R writes throughout. A heartbeat of the bench's own (a row updated every 100 ms on
 * the source, polled on the target every few ms) gives the TRUE lag: for every beat, when it
 * became visible on the target minus when it was written. Printed: initial load against the
 * offline engine on the same data, true lag p50/p95/max while streaming, the engine's reported
 * latency beside it, the lag around one 500,000-row UPDATE, the cutover time from request to
 * Succeeded, and the rows compared after cutover.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { DirectMigrationRun } from '../src/direct/engine';
import { refFromConn } from '../src/direct/connInfo';
import { cutoverOnline, watchOnline } from '../src/direct/online/control';
import { RecordStore, targetKeyOf } from '../src/direct/store';
import type { MigrationSpec } from '../src/core/provider';
import type { Migration } from '../src/core/model';
import { startServer, type TestServer } from '../test/harness/postgres';

const SCALE = Number(process.env.BENCH_SCALE ?? 50);
const RATE = Number(process.env.BENCH_RATE ?? 500);
const STREAM_SECONDS = Number(process.env.BENCH_STREAM_SECONDS ?? 30);
const DB = 'bench';

const log = (s: string) => process.stdout.write(`${s}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function pct(xs: number[], p: number): number {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}
const ms = (x: number) => `${Math.round(x)} ms`;

async function client(s: TestServer): Promise<pg.Client> {
  const c = new pg.Client({ host: s.host, port: s.port, user: s.user, password: s.password, database: DB });
  c.on('error', () => undefined);
  await c.connect();
  return c;
}

function pgbench(s: TestServer, args: string[]): ChildProcess {
  return spawn('pgbench', ['-h', s.host, '-p', String(s.port), '-U', s.user, ...args, DB], { env: { ...process.env, PGPASSWORD: s.password }, stdio: ['ignore', 'ignore', 'pipe'] });
}

async function runToEnd(child: ChildProcess): Promise<void> {
  let err = '';
  child.stderr?.on('data', (d) => (err += d));
  await new Promise<void>((resolve, reject) => child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`pgbench failed: ${err.slice(-500)}`)))));
}

/** The bench's own heartbeat: beats on the source, first sighting on the target. */
class TrueLag {
  private written = new Map<number, number>();
  private seen = 0;
  private seq = 0;
  private stopped = false;
  lags: { at: number; lag: number }[] = [];
  private loops: Promise<void>[] = [];

  constructor(private readonly source: TestServer, private readonly target: TestServer) {}

  start(): void {
    this.loops = [this.beatLoop(), this.pollLoop()];
  }

  private async beatLoop(): Promise<void> {
    const c = await client(this.source);
    while (!this.stopped) {
      this.seq++;
      this.written.set(this.seq, Date.now());
      await c.query('UPDATE bench_hb SET seq = $1, at = clock_timestamp() WHERE id = 1', [this.seq]);
      await sleep(100);
    }
    await c.end();
  }

  private async pollLoop(): Promise<void> {
    const c = await client(this.target);
    while (!this.stopped) {
      const r = await c.query('SELECT seq FROM bench_hb WHERE id = 1').catch(() => undefined);
      const seq = Number(r?.rows[0]?.seq ?? 0);
      const now = Date.now();
      for (let i = this.seen + 1; i <= seq; i++) {
        const w = this.written.get(i);
        if (w !== undefined) this.lags.push({ at: now, lag: now - w });
        this.written.delete(i);
      }
      if (seq > this.seen) this.seen = seq;
      await sleep(5);
    }
    await c.end();
  }

  /** Age of the oldest beat written but not yet seen on the target (0 when none), ms. */
  now(): number {
    let oldest = Infinity;
    for (const [i, w] of this.written) if (i > this.seen && w < oldest) oldest = w;
    return oldest === Infinity ? 0 : Date.now() - oldest;
  }

  between(from: number, to: number): number[] {
    return this.lags.filter((l) => l.at >= from && l.at <= to).map((l) => l.lag);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all(this.loops);
  }
}

async function counts(s: TestServer): Promise<Record<string, string>> {
  const c = await client(s);
  try {
    const out: Record<string, string> = {};
    for (const t of ['pgbench_accounts', 'pgbench_branches', 'pgbench_tellers', 'pgbench_history']) {
      const r = await c.query(`SELECT count(*)::text AS n, coalesce(sum(hashtext(x::text)::bigint), 0)::text AS h FROM ${t} x`);
      out[t] = `${r.rows[0].n} rows, checksum ${r.rows[0].h}`;
    }
    return out;
  } finally {
    await c.end();
  }
}

async function main(): Promise<void> {
  log(`bench/online: pgbench scale ${SCALE}, ${RATE} tx/s throughout, PostgreSQL 15 → 16, ${os.cpus().length} cores`);
  const [source, target] = await Promise.all([
    // synchronous_commit on, as in production: walsenders decode only WAL that is flushed, so
    // the harness's default (off) would add up to wal_writer_delay to every change.
    startServer({ version: '15', settings: { synchronous_commit: 'on', max_wal_size: "'4GB'", checkpoint_timeout: "'15min'" } }),
    startServer({ version: '16', logical: false, settings: { max_wal_size: "'4GB'", checkpoint_timeout: "'15min'" } }),
  ]);
  let writer: ChildProcess | undefined;
  try {
    await source.psql('postgres', `CREATE DATABASE ${DB}`);
    let t = Date.now();
    await runToEnd(pgbench(source, ['-i', '-q', '-s', String(SCALE)]));
    await source.psql(DB, 'CREATE TABLE bench_hb (id int PRIMARY KEY, seq bigint, at timestamptz); INSERT INTO bench_hb VALUES (1, 0, now());');
    // pgbench_history has no key: online mode refuses it until it has a replica identity, as a user would be told.
    await source.psql(DB, 'ALTER TABLE pgbench_history REPLICA IDENTITY FULL');
    log(`source loaded in ${((Date.now() - t) / 1000).toFixed(1)} s`);

    const store = new RecordStore(mkdtempSync(path.join(os.tmpdir(), 'pgflex-bench-online-')));
    const secrets = { sourcePassword: source.password, targetPassword: target.password };
    const spec = (name: string, mode: 'Offline' | 'Online'): MigrationSpec => ({
      name, source: refFromConn(source.conn('postgres', 'source')), target: refFromConn(target.conn('postgres', 'target')),
      databases: [DB], mode, option: 'Migrate', overwrite: true, jobs: 2, verify: 'counts',
    });

    // Warm-up, untimed: the first run into a fresh target also pays for allocating its WAL
    // segments (later runs recycle them), which would flatter whichever run comes second.
    const warm = await new DirectMigrationRun(spec('bench-warm-up', 'Offline'), secrets, { store }).done;
    if (warm.currentStatus?.state !== 'Succeeded') throw new Error(`warm-up run: ${warm.currentStatus?.error}`);
    log('warm-up offline run done (untimed)');

    t = Date.now();
    const off = await new DirectMigrationRun(spec('bench-offline', 'Offline'), secrets, { store }).done;
    const offlineSeconds = (Date.now() - t) / 1000;
    if (off.currentStatus?.state !== 'Succeeded') throw new Error(`offline run: ${off.currentStatus?.error}`);
    log(`offline engine (no writes): ${offlineSeconds.toFixed(1)} s`);

    writer = pgbench(source, ['-n', '-c', '2', '-j', '2', '-R', String(RATE), '-T', '3600']);
    writer.stderr?.resume();
    const hb = new TrueLag(source, target);
    await sleep(1000);
    t = Date.now();
    const on = await new DirectMigrationRun(spec('bench-online', 'Online'), secrets, { store }).done;
    const onlineLoadSeconds = (Date.now() - t) / 1000;
    if (on.currentStatus?.state !== 'WaitingForUserAction') throw new Error(`online run: ${on.currentStatus?.error}`);
    log(`online initial load (pgbench writing at ${RATE} tx/s): ${onlineLoadSeconds.toFixed(1)} s = ${(onlineLoadSeconds / offlineSeconds).toFixed(2)}x the offline engine (target ≤ 1.2x)`);
    const phases = (m: Migration) => JSON.stringify(m.currentStatus?.currentSubStateDetails?.dbDetails?.[DB]?.phaseSeconds ?? {});
    log(`  phases offline ${phases(off)}; online ${phases(on)}`);

    hb.start();
    const ref = { store, targetKey: targetKeyOf(spec('x', 'Online').target), name: 'bench-online', secrets };
    const stop = new AbortController();
    const reported: { at: number; latency: number; trueNow: number }[] = [];
    const watching = watchOnline(ref, {
      cutover: 'wait', signal: stop.signal,
      onChange: (m) => {
        const d = m.currentStatus?.currentSubStateDetails?.dbDetails?.[DB];
        if (d?.latency !== undefined) reported.push({ at: Date.now(), latency: d.latency * 1000, trueNow: hb.now() });
      },
    });
    // What pgbench wrote during the copy is applied first; steady state starts once the true
    // lag has stayed under 100 ms for 3 s.
    const catchFrom = Date.now();
    let calmSince = Date.now();
    while (Date.now() - calmSince < 3000 && Date.now() - catchFrom < 180_000) {
      await sleep(50);
      if (hb.now() >= 100) calmSince = Date.now();
    }
    log(`caught up with the changes made during the copy in ${((calmSince - catchFrom) / 1000).toFixed(1)} s after the subscription started`);
    const streamFrom = Date.now();
    await sleep(STREAM_SECONDS * 1000);
    const streamTo = Date.now();
    const lags = hb.between(streamFrom, streamTo);
    const rep = reported.filter((r) => r.at >= streamFrom && r.at <= streamTo);
    log(`streaming ${STREAM_SECONDS} s: true lag p50 ${ms(pct(lags, 50))}, p95 ${ms(pct(lags, 95))}, max ${ms(Math.max(...lags))} over ${lags.length} beats (target p95 ≤ 100 ms)`);
    log(`  engine's reported latency: p50 ${ms(pct(rep.map((r) => r.latency), 50))}, p95 ${ms(pct(rep.map((r) => r.latency), 95))}, max ${ms(Math.max(...rep.map((r) => r.latency)))}; |reported − true at that moment| p95 ${ms(pct(rep.map((r) => Math.abs(r.latency - r.trueNow)), 95))}, max ${ms(Math.max(...rep.map((r) => Math.abs(r.latency - r.trueNow))))} (target ≤ 500 ms)`);

    const big = await client(source);
    const updStart = Date.now();
    await big.query('UPDATE pgbench_accounts SET filler = md5(aid::text) WHERE aid <= 500000');
    const committed = Date.now();
    await big.end();
    const until = Date.now() + 180_000;
    while (Date.now() < until) {
      await sleep(200);
      const recent = hb.lags.filter((l) => l.at > committed);
      if (recent.length > 20 && recent.slice(-10).every((l) => l.lag < 200)) break;
    }
    const around = hb.between(committed, Date.now());
    const caught = hb.lags.find((l) => l.at > committed && l.lag < 200 && l.at - l.lag > committed);
    const repBig = reported.filter((r) => r.at >= committed).map((r) => r.latency);
    log(`one UPDATE of 500,000 rows (${((committed - updStart) / 1000).toFixed(1)} s on the source): true lag after its commit max ${ms(Math.max(...around))}, p95 ${ms(pct(around, 95))}; caught up ${caught ? `${((caught.at - committed) / 1000).toFixed(1)} s after the commit` : 'not within 180 s'}; engine's reported max ${ms(Math.max(0, ...repBig))}`);

    writer.kill('SIGINT');
    await new Promise((r) => writer!.once('exit', r));
    writer = undefined;
    stop.abort();
    await watching;
    await hb.stop();
    t = Date.now();
    const done = await cutoverOnline(ref);
    const cutoverSeconds = (Date.now() - t) / 1000;
    log(`cutover from request to ${done.currentStatus?.state}: ${cutoverSeconds.toFixed(2)} s (target ≤ 3 s): ${done.currentStatus?.currentSubStateDetails?.dbDetails?.[DB]?.message}`);
    const [sc, tc] = await Promise.all([counts(source), counts(target)]);
    let lost = false;
    for (const k of Object.keys(sc)) {
      const same = sc[k] === tc[k];
      lost ||= !same;
      log(`  ${k}: source ${sc[k]} · target ${tc[k]} ${same ? 'equal' : 'DIFFERENT'}`);
    }
    log(lost ? 'rows compared after cutover: MISMATCH' : 'rows compared after cutover: all equal (zero rows lost)');
  } finally {
    writer?.kill('SIGKILL');
    await Promise.all([source.destroy(), target.destroy()]);
  }
}

main().then(() => process.exit(0), (e) => {
  process.stderr.write(`bench/online failed: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
