// Benchmark: validate a database of 2,000 tables (online mode, every rule) between two real
// PostgreSQL 16 servers. Goal: under 3 s. Run with `npm run bench:validation`.
import { validateDirect } from '../src/direct/validation';
import { startServer, stopAll } from '../test/harness/postgres';

const TABLES = Number(process.env.TABLES ?? 2000);
const GOAL_MS = 3000;

async function main(): Promise<void> {
  const [source, target] = await Promise.all([startServer({ version: '16' }), startServer({ version: '16', logical: false })]);
  try {
    await source.psql('postgres', 'create database bench');
    // Every 10th table has no key, every 50th is unlogged: the rules have something to report.
    await source.psql('bench', `do $$ begin
      for i in 1..${TABLES} loop
        if i % 10 = 0 then execute format('create table t%s (id bigint, v text)', i);
        elsif i % 50 = 1 then execute format('create unlogged table t%s (id bigserial primary key, v text)', i);
        else execute format('create table t%s (id bigserial primary key, v text, at timestamptz default now())', i);
        end if;
        execute format('insert into t%s (id, v) values (1, %L)', i, repeat('x', 100));
      end loop; end $$;`);
    const runs: number[] = [];
    let failed = 0;
    for (let i = 0; i < 4; i++) {
      const t0 = performance.now();
      const d = await validateDirect({
        source: source.conn('postgres'), target: target.conn('postgres'), databases: ['bench'], mode: 'Online', overwrite: false, checkPgDump: false,
      });
      runs.push(performance.now() - t0);
      failed = d.dbLevelValidationDetails![0].summary.find((s) => s.type === 'ReplicaIdentityValidation')?.objects?.length ?? 0;
    }
    const sorted = [...runs].sort((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)];
    console.log(`validation of ${TABLES} tables (online, all rules): first ${runs[0].toFixed(0)} ms, median ${median.toFixed(0)} ms, best ${sorted[0].toFixed(0)} ms`);
    console.log(`tables reported without a key: ${failed}`);
    console.log(`${median < GOAL_MS ? 'OK' : 'SLOW'}: goal < ${GOAL_MS} ms`);
    if (median >= GOAL_MS) process.exitCode = 1;
  } finally {
    await stopAll();
  }
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
