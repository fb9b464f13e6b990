// `npm run test:e2e`: the packaged extension in a real VS Code (code-server) driven by
// Chromium. Ends with one summary line "N passed, N failed".
import Mocha from 'mocha';
import { register } from 'tsx/cjs/api';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

register();
const dir = path.dirname(fileURLToPath(import.meta.url));
const grep = process.env.MOCHA_GREP;
const started = Date.now();
// The flows run in file order and build on each other (connections added first), so stop at
// the first failure rather than report a cascade.
const mocha = new Mocha({ timeout: 240_000, reporter: 'spec', bail: true, ...(grep ? { grep } : {}) });
mocha.addFile(path.join(dir, 'setup.ts'));
for (const f of readdirSync(dir).filter((n) => n.endsWith('.e2e.ts')).sort()) mocha.addFile(path.join(dir, f));
const runner = mocha.run((failures) => {
  const { passes = 0, failures: failed = 0 } = runner.stats ?? {};
  console.log(`\n${passes} passed, ${failed} failed (${Math.round((Date.now() - started) / 1000)} s)`);
  process.exitCode = failures ? 1 : 0;
  setTimeout(() => process.exit(process.exitCode), 2000).unref();
});
