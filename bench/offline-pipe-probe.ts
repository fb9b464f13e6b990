// Probe (not a test): wall time and Node CPU of one binary COPY pipe, to see what the pipe costs.
import { copyChunk, PipePool } from '../src/direct/copyTable';
import { Sessions } from '../src/direct/sessions';
import { startServer } from '../test/harness/postgres';

(async () => {
  const rows = Number(process.env.ROWS || 2_000_000);
  const s = await startServer({ version: '15' });
  const t = await startServer({ version: '15', logical: false });
  try {
    await s.psql('postgres', 'CREATE DATABASE p');
    await t.psql('postgres', 'CREATE DATABASE p');
    const ddl = 'CREATE TABLE a (aid int, bid int, abalance int, filler char(84))';
    await s.psql('p', `${ddl}; INSERT INTO a SELECT g, g % 50, 0, '' FROM generate_series(1, ${rows}) g`);
    await t.psql('p', ddl);
    const sessions = new Sessions('pgflex:probe');
    const pool = new PipePool(sessions, s.conn('p'), t.conn('p'), undefined);
    const plan = { oid: 0, schema: 'public', table: 'a', name: 'public.a', bytes: 0, columns: ['aid', 'bid', 'abalance', 'filler'], format: (process.env.FMT as 'binary' | 'text') || 'binary' };
    for (let i = 0; i < 2; i++) {
      const c0 = process.cpuUsage();
      const w0 = Date.now();
      const r = await pool.use((e) => copyChunk(e, plan, { index: 0, of: 1 }, { truncateAndFreeze: true }));
      const c = process.cpuUsage(c0);
      console.log(`${plan.format} rows ${r.rows}: wall ${(Date.now() - w0) / 1000}s, node cpu user ${(c.user / 1e6).toFixed(2)}s sys ${(c.system / 1e6).toFixed(2)}s`);
    }
    await pool.closeAll();
  } finally {
    await s.destroy();
    await t.destroy();
  }
})();
