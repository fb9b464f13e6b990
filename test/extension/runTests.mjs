// Runs the extension-host suite (test/extension/suite) in a real VS Code:
//   1. VSCODE_EXECUTABLE=/path/to/code           → @vscode/test-electron with that build;
//   2. else code-server from the project cache    → the packaged extension plus a small test
//      (scripts/code-server, installed by `npm start` / the e2e)      runner extension, in
//                                                  code-server's Node extension host, opened
//                                                  by headless Chromium;
//   3. else a VS Code download (where the network allows) → @vscode/test-electron.
// With none of them it says so and exits 0 with "extension-host suite did not run" (no fake
// passes). Real PostgreSQL servers (harness) are started and handed to the extension as
// sandbox connections. Ends with "N passed, N failed".
import { execSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import * as esbuild from 'esbuild';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');
const require = createRequire(import.meta.url);
require('tsx/cjs/api').register();
const outDir = path.join(root, 'out', 'extension-tests');
const log = (s) => process.stderr.write(`test:extension: ${s}\n`);

async function buildSuite() {
  await esbuild.build({
    entryPoints: { index: path.join(root, 'test/extension/suite/index.ts') },
    outdir: outDir, bundle: true, platform: 'node', target: 'node18', format: 'cjs',
    external: ['vscode', 'mocha', 'pg-native'], sourcemap: 'inline', logLevel: 'warning',
  });
  return path.join(outDir, 'index.js');
}

async function startServers() {
  const { startServer } = require(path.join(root, 'test/harness/postgres.ts'));
  const [source, target] = await Promise.all([startServer({ version: '15', logical: true }), startServer({ version: '16', logical: false })]);
  await source.psql('postgres', 'create database shop');
  await source.psql('shop', `create table public.orders (id int primary key, item text not null, qty int);
    insert into public.orders select g, 'item ' || g, g % 7 from generate_series(1, 1000) g;`);
  const conn = (s, role, database) => ({ label: `Test ${role}`, role, host: s.host, port: s.port, user: s.user, database, sslMode: 'disable', password: s.password });
  // An ARM-shaped server on loopback for the Azure part of the tree (one subscription, a
  // Flexible Server, a Single Server); the extension reaches it through PGFLEX_ARM_ENDPOINT.
  const { ArmServer } = require(path.join(root, 'test/harness/arm/server.ts'));
  const arm = await new ArmServer().start();
  const sub = arm.world.addSubscription('00000000-0000-0000-0000-0000000000e1', 'Extension tests');
  arm.world.addFlexibleServer({ subscriptionId: sub.subscriptionId, resourceGroup: 'rg-ext', name: 'flex-target', version: '16' });
  arm.world.addSingleServer({ subscriptionId: sub.subscriptionId, resourceGroup: 'rg-ext', name: 'single-source', version: '11' });
  return {
    servers: [source, target, { destroy: () => arm.close() }],
    env: {
      PGFLEX_SANDBOX_CONNECTIONS: JSON.stringify([conn(source, 'source', 'shop'), conn(target, 'target', 'postgres')]),
      PGFLEX_ARM_ENDPOINT: arm.url,
      PGFLEX_ARM_TOKEN: 'extension-host-test-token',
      NODE_EXTRA_CA_CERTS: arm.caFile,
    },
  };
}

function summary(results) {
  const passed = results.filter((r) => r.state === 'passed').length;
  const failed = results.length - passed;
  for (const r of results) console.log(`  ${r.state === 'passed' ? '✔' : '✗'} ${r.title}${r.error ? `\n      ${r.error.split('\n').slice(0, 6).join('\n      ')}` : ''}`);
  console.log(`\n${passed} passed, ${failed} failed`);
  return failed ? 1 : 0;
}

async function withElectron(executable, suite, env, stateDir) {
  const { runTests } = require('@vscode/test-electron');
  const results = path.join(stateDir, 'results.json');
  const userData = path.join(stateDir, 'user-data');
  try {
    await runTests({
      vscodeExecutablePath: executable,
      extensionDevelopmentPath: root,
      extensionTestsPath: suite,
      extensionTestsEnv: { ...env, PGFLEX_EXT_TEST_RESULTS: results },
      launchArgs: ['--disable-extensions', '--no-sandbox', '--disable-gpu', '--user-data-dir', userData, '--disable-workspace-trust'],
    });
  } catch (e) {
    if (!existsSync(results)) throw e;
  }
  return JSON.parse(readFileSync(results, 'utf8')).results;
}

/** A tiny extension whose activation runs the suite and writes the results file. */
function testRunnerVsix(dir, suite) {
  const ext = path.join(dir, 'runner-ext');
  mkdirSync(ext, { recursive: true });
  writeFileSync(path.join(ext, 'package.json'), JSON.stringify({
    name: 'pgflex-ext-tests', publisher: 'pgflex', version: '0.0.1', license: 'MIT',
    engines: { vscode: '^1.90.0' }, main: './runner.js', activationEvents: ['onStartupFinished'],
    extensionDependencies: ['pgflex.pgflex'],
  }));
  writeFileSync(path.join(ext, 'README.md'), 'Runs the pgflex extension-host suite.\n');
  writeFileSync(path.join(ext, 'runner.js'), `exports.activate = () => {
  const { writeFileSync } = require('node:fs');
  const out = process.env.PGFLEX_EXT_TEST_RESULTS;
  require(${JSON.stringify(suite)}).run().catch((e) => {
    try { if (!require('node:fs').existsSync(out)) writeFileSync(out, JSON.stringify({ results: [{ title: 'suite', state: 'failed', error: String(e && e.stack || e) }] })); } catch {}
  });
};\n`);
  const vsix = path.join(dir, 'pgflex-ext-tests.vsix');
  execSync(`${JSON.stringify(path.join(root, 'node_modules', '.bin', 'vsce'))} package --no-dependencies --allow-missing-repository --skip-license --out ${JSON.stringify(vsix)}`, { cwd: ext, stdio: 'ignore' });
  return vsix;
}

async function withCodeServer(bin, suite, env, stateDir) {
  const { startCodeServer } = require(path.join(root, 'scripts/code-server/server.ts'));
  const { openBrowser, waitForWorkbench } = require(path.join(root, 'scripts/code-server/browser.ts'));
  log('packaging the extension');
  execSync('npm run package --silent', { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  const runnerVsix = testRunnerVsix(stateDir, suite);
  const results = path.join(stateDir, 'results.json');
  const server = await startCodeServer({ bin, vsix: path.join(root, 'pgflex.vsix'), env: { ...env, PGFLEX_EXT_TEST_RESULTS: results }, log });
  let browser;
  try {
    execSync(`${JSON.stringify(process.execPath)} ${JSON.stringify(bin)} --user-data-dir ${JSON.stringify(server.userDataDir)} --extensions-dir ${JSON.stringify(path.join(server.profileDir, 'extensions'))} --install-extension ${JSON.stringify(runnerVsix)} --force`, { stdio: 'ignore', env: { ...process.env, ...env } });
    // The extension host starts when a window connects.
    browser = await openBrowser(server.url);
    // The suite reads the clipboard: in the browser that needs the page's permission.
    await browser.page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url.replace(/\/$/, '') });
    await waitForWorkbench(browser.page, 90_000);
    const deadline = Date.now() + 8 * 60_000;
    while (!existsSync(results)) {
      if (Date.now() > deadline) throw new Error(`no results after 8 minutes. Extension host log:\n${server.logs()}`);
      await new Promise((r) => setTimeout(r, 500));
    }
    return JSON.parse(readFileSync(results, 'utf8')).results;
  } finally {
    await browser?.close();
    await server.stop();
  }
}

async function main() {
  const stateDir = mkdtempSync(path.join(os.tmpdir(), 'pgflex-ext-tests-'));
  let servers = [];
  try {
    execSync('node esbuild.mjs', { cwd: root, stdio: 'inherit' });
    const suite = await buildSuite();
    let host;
    if (process.env.VSCODE_EXECUTABLE) {
      host = { kind: 'electron', executable: process.env.VSCODE_EXECUTABLE };
    } else {
      let cs;
      try {
        const { isInstalled, codeServerBin } = require(path.join(root, 'scripts/code-server/install.ts'));
        const { chromiumPath } = require(path.join(root, 'scripts/code-server/browser.ts'));
        if (isInstalled()) {
          chromiumPath();
          cs = codeServerBin();
        }
      } catch (e) {
        log(`code-server not usable: ${e.message}`);
      }
      if (cs) host = { kind: 'code-server', bin: cs };
      else {
        try {
          const { downloadAndUnzipVSCode } = require('@vscode/test-electron');
          const exe = await Promise.race([
            downloadAndUnzipVSCode({ version: 'stable', timeout: 15_000 }),
            new Promise((_, reject) => setTimeout(() => reject(new Error('download timed out')), 30_000).unref()),
          ]);
          host = { kind: 'electron', executable: exe };
        } catch (e) {
          console.log(`No VS Code build available: set VSCODE_EXECUTABLE to a VS Code binary, or install code-server into the cache (npm start does), or allow the download (${String(e.message ?? e).split('\n')[0]}).`);
          console.log('extension-host suite did not run');
          return 0;
        }
      }
    }
    log(`running in ${host.kind}`);
    const started = await startServers();
    servers = started.servers;
    const env = { ...started.env, PGFLEX_STATE_DIR: path.join(stateDir, 'state') };
    const results = host.kind === 'electron'
      ? await withElectron(host.executable, suite, env, stateDir)
      : await withCodeServer(host.bin, suite, env, stateDir);
    return summary(results);
  } finally {
    await Promise.all(servers.map((s) => s.destroy().catch(() => undefined)));
    rmSync(stateDir, { recursive: true, force: true });
  }
}

main().then((code) => {
  process.exitCode = code;
  setTimeout(() => process.exit(code), 1000).unref();
}, (e) => {
  console.error(`test:extension: ${e.stack ?? e}`);
  console.log('\n0 passed, 1 failed');
  process.exit(1);
});
