/**
 * Entry of the extension-host suite (bundled to out/extension-tests/index.js): runs mocha
 * inside VS Code's extension host. `run()` is what @vscode/test-electron calls; the
 * code-server runner calls it too and reads the JSON results file.
 */
import Mocha from 'mocha';
import { writeFileSync } from 'node:fs';

interface Result { title: string; state: 'passed' | 'failed'; error?: string; ms?: number }

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', timeout: 400_000, color: false, reporter: 'spec' });
  // The test files are bundled: define describe/it before they are evaluated.
  mocha.suite.emit('pre-require', globalThis, 'extension.test', mocha);
  require('./extension.test');
  const results: Result[] = [];
  return new Promise((resolve, reject) => {
    const runner = mocha.run((failures) => {
      const file = process.env.PGFLEX_EXT_TEST_RESULTS;
      if (file) writeFileSync(file, JSON.stringify({ results }, null, 2));
      if (failures) reject(new Error(`${failures} extension-host test(s) failed.`));
      else resolve();
    });
    runner.on('pass', (t) => results.push({ title: t.fullTitle(), state: 'passed', ms: t.duration }));
    runner.on('fail', (t, err: Error) => results.push({ title: t.fullTitle(), state: 'failed', error: `${err.message}\n${err.stack ?? ''}` }));
  });
}
