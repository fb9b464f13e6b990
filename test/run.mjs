// Runs the mocha suites (TypeScript through tsx) and ends with one summary line
// "N passed, N failed" that any CI can read. Usage: node test/run.mjs [unit|integration|webview]...
// Each suite runs in a process of its own, so module-level fakes (the stub `vscode` modules of
// the unit and webview suites) and servers of one suite never leak into another.
import Mocha from 'mocha';
import { register } from 'tsx/cjs/api';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const suites = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const chosen = suites.length ? suites : ['unit', 'integration', 'webview'];

if (chosen.length > 1) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pgflex-tests-'));
  const total = { passes: 0, failures: 0, pending: 0 };
  let failedToRun = [];
  for (const suite of chosen) {
    const statsFile = path.join(dir, `${suite}.json`);
    const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), suite], {
      stdio: 'inherit',
      env: { ...process.env, PGFLEX_TEST_STATS: statsFile },
    });
    try {
      const s = JSON.parse(readFileSync(statsFile, 'utf8'));
      total.passes += s.passes;
      total.failures += s.failures;
      total.pending += s.pending;
    } catch {
      failedToRun.push(`${suite} (exit ${r.status ?? r.signal})`);
      total.failures += 1;
    }
  }
  rmSync(dir, { recursive: true, force: true });
  if (failedToRun.length) console.log(`\nSuites that did not finish: ${failedToRun.join(', ')}`);
  console.log(`\n${total.passes} passed, ${total.failures} failed${total.pending ? `, ${total.pending} skipped` : ''}`);
  process.exit(total.failures ? 1 : 0);
}

register();
const grep = process.env.MOCHA_GREP;

function files(dir) {
  let out = [];
  let entries;
  try { entries = readdirSync(dir); } catch { return out; }
  for (const name of entries.sort()) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) out = out.concat(files(p));
    else if (name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

const mocha = new Mocha({ timeout: 120_000, reporter: 'spec', ...(grep ? { grep } : {}) });
for (const s of chosen) {
  const setup = path.resolve('test', s, 'setup.ts');
  try { statSync(setup); mocha.addFile(setup); } catch { /* no setup */ }
  for (const f of files(path.resolve('test', s))) mocha.addFile(f);
}
const runner = mocha.run((failures) => {
  const { passes = 0, failures: failed = 0, pending = 0 } = runner.stats ?? {};
  if (process.env.PGFLEX_TEST_STATS) writeFileSync(process.env.PGFLEX_TEST_STATS, JSON.stringify({ passes, failures: failed, pending }));
  const label = process.env.PGFLEX_TEST_STATS ? `${chosen[0]}: ` : '';
  console.log(`\n${label}${passes} passed, ${failed} failed${pending ? `, ${pending} skipped` : ''}`);
  process.exitCode = failures ? 1 : 0;
  // Servers started by the harness are stopped in its root hooks; pending sockets must not hold the process.
  setTimeout(() => process.exit(process.exitCode), 2000).unref();
});
