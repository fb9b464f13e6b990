/**
 * bench/azure-tree: the Azure tree's data (subscriptions → Flexible Servers → their migrations,
 * and Single Servers) for 20 subscriptions × 25 servers, every ARM call delayed 150 ms by the
 * loopback ARM server (run in a process of its own, as ARM is remote). A serial walk needs
 * 541 calls ≈ 81 s; the target is under 1.5 s. Run: npm run bench:azure-tree
 * The GET lists go through src/azure/leanGet.ts, not the SDK, so nothing is preloaded: the time
 * counts every call from a cold agent (TLS handshakes included) and the first token request.
 */
import { spawn } from 'node:child_process';
import https from 'node:https';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { openAzure, staticTokenCredential } from '../src/azure';

const SUBS = Number(process.env.BENCH_SUBSCRIPTIONS ?? 20);
const SERVERS = Number(process.env.BENCH_SERVERS ?? 25);
const DELAY = Number(process.env.BENCH_DELAY_MS ?? 150);
const LIMIT_MS = 1500;

async function main(): Promise<number> {
  const tsx = path.resolve(__dirname, '../node_modules/.bin/tsx');
  const child = spawn(tsx, [path.resolve(__dirname, '../test/harness/arm/serveTree.ts'), String(SUBS), String(SERVERS), String(DELAY)], { stdio: ['pipe', 'pipe', 'inherit'] });
  const first = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`the ARM server exited (${code})`)));
  });
  const { url, ca } = JSON.parse(first) as { url: string; ca: string };
  const perSub = Number(process.env.BENCH_PER_SUBSCRIPTION ?? 8);
  const total = Number(process.env.BENCH_TOTAL ?? 128);
  const azure = openAzure({ credential: staticTokenCredential('bench'), endpoint: url, ca, concurrencyPerSubscription: perSub, concurrencyTotal: total });
  try {
    const serverCpu0 = await serverCpuMs(url, ca);
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const tree = await azure.discovery.tree();
    const ms = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    const calls = azure.session.calls;
    const serverCpu = await serverCpuMs(url, ca);
    const servers = tree.subscriptions.reduce((n, s) => n + s.flexibleServers.length, 0);
    const migrations = tree.subscriptions.reduce((n, s) => n + s.flexibleServers.reduce((k, f) => k + f.migrations.length, 0), 0);
    const singles = tree.subscriptions.reduce((n, s) => n + s.singleServers.length, 0);
    const errors = tree.subscriptions.filter((s) => s.error || s.flexibleServers.some((f) => f.error)).length;
    const ok = ms < LIMIT_MS && servers === SUBS * SERVERS && errors === 0;
    process.stdout.write(
      [
        `azure-tree: ${SUBS} subscriptions × ${SERVERS} Flexible Servers (+${singles} Single Servers, ${migrations} migrations), ${DELAY} ms per ARM call`,
        `  loaded in ${Math.round(ms)} ms with ${calls} ARM calls (a serial walk: ≈ ${((calls * DELAY) / 1000).toFixed(1)} s)`,
        `  client CPU ${Math.round((cpu.user + cpu.system) / 1000)} ms, ARM server process CPU ${serverCpu - serverCpu0} ms; machine load average ${(await import('node:os')).loadavg()[0].toFixed(1)} on ${(await import('node:os')).cpus().length} cores`,
        `  concurrency: ${perSub} per subscription, ${total} overall; ${errors} branches with errors`,
        `  ${ok ? 'PASS' : 'FAIL'}: under ${LIMIT_MS} ms`,
      ].join('\n') + '\n',
    );
    return ok ? 0 : 1;
  } finally {
    azure?.session.dispose();
    child.stdin.end();
  }
}

function serverCpuMs(url: string, ca: string): Promise<number> {
  return new Promise((resolve) => {
    https.get(`${url}/__stats`, { ca }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve((JSON.parse(body) as { cpuMs: number }).cpuMs));
    }).on('error', () => resolve(NaN));
  });
}

main().then(
  (code) => process.exit(code),
  (e) => {
    process.stderr.write(`azure-tree: ${e instanceof Error ? e.stack : String(e)}\n`);
    process.exit(1);
  },
);
