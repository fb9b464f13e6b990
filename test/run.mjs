// Runs the mocha suites (TypeScript through tsx) and ends with one summary line
// "N passed, N failed" that any CI can read. Usage: node test/run.mjs [unit|integration|webview]...
import Mocha from 'mocha';
import { register } from 'tsx/cjs/api';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';

register();
const suites = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const chosen = suites.length ? suites : ['unit', 'integration', 'webview'];
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
  console.log(`\n${passes} passed, ${failed} failed${pending ? `, ${pending} skipped` : ''}`);
  process.exitCode = failures ? 1 : 0;
  // Servers started by the harness are stopped in its root hooks; pending sockets must not hold the process.
  setTimeout(() => process.exit(process.exitCode), 2000).unref();
});
