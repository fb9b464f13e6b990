/**
 * The installable CLI: `npm pack` of this repository, then `npm install -g` of the tarball into
 * a temporary prefix with the registry out of reach (--offline), gives a `pgflex` that runs
 * both engines' code from its one bundled file.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EXIT } from '../../src/cli/exitCodes';

const ROOT = path.resolve(__dirname, '../..');
const CLI = path.join(ROOT, 'dist/cli.js');

describe('pgflex CLI package: npm pack, then npm install -g of the tarball offline', function () {
  this.timeout(180_000);
  let tmp: string;
  let bin: string;
  let tgz: string;

  before(() => {
    execFileSync(process.execPath, ['esbuild.mjs'], { cwd: ROOT, stdio: 'ignore' });
    tmp = mkdtempSync(path.join(os.tmpdir(), 'pgflex-pack-'));
    execFileSync('npm', ['pack', '--pack-destination', tmp], { cwd: ROOT, stdio: 'ignore' });
    tgz = path.join(tmp, readdirSync(tmp).find((f) => /^pgflex-.*\.tgz$/.test(f))!);
    execFileSync('npm', ['install', '-g', '--prefix', path.join(tmp, 'prefix'), '--offline', '--no-audit', '--no-fund', tgz], { cwd: tmp, stdio: 'ignore' });
    bin = path.join(tmp, 'prefix', 'bin', 'pgflex');
  });

  after(() => {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('the tarball holds the bundled CLI (shebang, executable), the README, the license and the manifest, nothing else', () => {
    const files = execFileSync('tar', ['-tzf', tgz], { encoding: 'utf8' }).trim().split('\n').sort();
    assert.deepEqual(files, ['package/LICENSE', 'package/README.md', 'package/dist/cli.js', 'package/package.json']);
    assert.equal(readFileSync(CLI, 'utf8').split('\n')[0], '#!/usr/bin/env node');
    assert.ok((statSync(CLI).mode & 0o111) !== 0, 'dist/cli.js is executable');
    const manifest = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { dependencies?: Record<string, string>; bin: Record<string, string> };
    // Everything is bundled: an install needs nothing from the registry.
    assert.deepEqual(manifest.dependencies ?? {}, {});
    assert.equal(manifest.bin.pgflex, './dist/cli.js');
  });

  it('the installed pgflex runs: --version, --help, and the direct and Azure code from the bundle', () => {
    assert.ok(existsSync(bin), 'bin/pgflex installed');
    const { version } = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };
    const run = (args: string[], env: NodeJS.ProcessEnv = {}) => spawnSync(bin, args, { encoding: 'utf8', cwd: tmp, env: { ...process.env, ...env } });
    const v = run(['--version']);
    assert.equal(v.status, EXIT.succeeded, v.stderr);
    assert.equal(v.stdout, `pgflex ${version}\n`);
    assert.match(run(['migrate', '--help']).stdout, /^Usage: pgflex migrate /);
    const list = run(['list', '--target', 'postgres://me@127.0.0.1:1/postgres', '--json'], { PGFLEX_STATE_DIR: path.join(tmp, 'state') });
    assert.equal(list.status, EXIT.succeeded, list.stderr);
    assert.equal(list.stdout, '[]\n');
    // Nothing listens on port 1: the Azure SDK loads from the bundle and reports the connection.
    const azure = run(['azure', 'migrations', '--subscription', 's', '--resource-group', 'rg', '--server', 'x', '--arm-endpoint', 'https://127.0.0.1:1'], { PGFLEX_ARM_TOKEN: 't' });
    assert.equal(azure.status, EXIT.failed, azure.stderr);
    assert.doesNotMatch(azure.stderr, /Cannot find module/);
    assert.match(azure.stderr, /^pgflex: /);
  });
});
