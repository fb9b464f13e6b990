/**
 * Runs the loopback ARM server with the benchmark's world in a process of its own (ARM is
 * remote in real life: its TLS and JSON work should not share the client's thread). Prints
 * one JSON line {url, caFile} and serves until stdin closes. Usage: tsx serveTree.ts SUBS SERVERS DELAY_MS
 */
import { startArmServer } from './server';
import { treeWorld } from './treeWorld';

(async () => {
  const [subs, servers, delay] = process.argv.slice(2).map(Number);
  const { world, backend } = await treeWorld(subs, servers);
  const arm = await startArmServer({ world, backend, delayMs: delay });
  process.stdout.write(`${JSON.stringify({ url: arm.url, caFile: arm.caFile, ca: arm.ca })}\n`);
  process.stdin.resume();
  process.stdin.on('end', () => void arm.close().then(() => process.exit(0)));
})();
