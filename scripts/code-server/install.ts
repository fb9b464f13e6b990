/**
 * Installs code-server (a real VS Code with a Node extension host, served to a browser) into a
 * cache folder of its own, reused when present. VS Code desktop cannot be downloaded on the
 * machines this project is tested on; code-server comes from the npm registry.
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, copyFileSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const CODE_SERVER_VERSION = '4.100.3';

/**
 * The cache folder: PGFLEX_CODE_SERVER_CACHE, or the user's cache
 * (`$XDG_CACHE_HOME/pgflex/code-server`, default `~/.cache/pgflex/code-server`), so that a
 * fresh clone on the same machine reuses the 300 MB install.
 */
export function cacheDir(): string {
  const userCache = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return process.env.PGFLEX_CODE_SERVER_CACHE || path.join(userCache, 'pgflex', 'code-server');
}

function packageDir(cache: string): string {
  return path.join(cache, 'node_modules', 'code-server');
}

/** The code-server launcher inside the cache. */
export function codeServerBin(cache = cacheDir()): string {
  return path.join(packageDir(cache), 'out', 'node', 'entry.js');
}

function marker(cache: string): string {
  return path.join(cache, `.installed-${CODE_SERVER_VERSION}`);
}

export function isInstalled(cache = cacheDir()): boolean {
  return existsSync(marker(cache)) && existsSync(codeServerBin(cache));
}

type Log = (line: string) => void;

async function dpkgMissing(pkgs: string[]): Promise<string[]> {
  const missing: string[] = [];
  for (const p of pkgs) {
    const status = await run('dpkg-query', ['-W', '-f=${Status}', p]).then((r) => r.stdout, () => '');
    if (!status.includes('install ok installed')) missing.push(p);
  }
  return missing;
}

/** Kerberos headers for a native module, ripgrep (the postinstall would fetch it from GitHub), Chromium to drive it. */
export async function ensureSystemPackages(log: Log): Promise<void> {
  const hasDpkg = await run('dpkg-query', ['--version']).then(() => true, () => false);
  if (!hasDpkg) {
    if (!existsSync('/usr/bin/rg')) throw new Error('ripgrep (rg) is needed to install code-server: install it with your package manager.');
    return;
  }
  const missing = await dpkgMissing(['libkrb5-dev', 'ripgrep', 'chromium']);
  if (missing.length === 0) return;
  if (process.getuid?.() !== 0) {
    throw new Error(`code-server needs these Debian packages: ${missing.join(' ')}. Install them with: sudo apt-get install -y ${missing.join(' ')}`);
  }
  log(`Installing system packages: ${missing.join(' ')}`);
  const apt = ['-o', 'DPkg::Lock::Timeout=600'];
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const installed = await run('apt-get', [...apt, 'install', '-y', '-qq', '--no-install-recommends', ...missing], { env }).then(() => true, () => false);
  if (!installed) {
    await run('apt-get', [...apt, 'update', '-qq'], { env });
    await run('apt-get', [...apt, 'install', '-y', '-qq', '--no-install-recommends', ...missing], { env, maxBuffer: 64 * 1024 * 1024 });
  }
}

/** @vscode/ripgrep's postinstall looks in this cache before trying GitHub. */
export async function seedRipgrepCache(): Promise<void> {
  const dir = path.join(os.tmpdir(), 'vscode-ripgrep-cache-1.15.11');
  const archive = path.join(dir, 'ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz');
  if (existsSync(archive)) return;
  const rg = ['/usr/bin/rg', '/usr/local/bin/rg'].find((p) => existsSync(p));
  if (!rg) throw new Error('ripgrep (rg) is not installed: apt-get install -y ripgrep');
  mkdirSync(dir, { recursive: true });
  const work = mkdtempSync(path.join(os.tmpdir(), 'pgflex-rg-'));
  try {
    copyFileSync(rg, path.join(work, 'rg'));
    await run('tar', ['-czf', `${archive}.part`, '-C', work, 'rg']);
    await run('mv', [`${archive}.part`, archive]);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function npm(args: string[], cwd: string, log: Log, extraEnv: NodeJS.ProcessEnv = {}): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('npm', args, {
      cwd,
      env: { ...process.env, npm_config_yes: 'true', npm_config_unsafe_perm: 'true', npm_config_audit: 'false', npm_config_fund: 'false', ...extraEnv },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let tail = '';
    const keep = (d: Buffer): void => {
      tail = (tail + d.toString()).slice(-8000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code === 0) resolve();
      else {
        log(tail);
        reject(new Error(`npm ${args.join(' ')} failed in ${cwd} (exit ${code}); the output is above.`));
      }
    });
  });
}

/**
 * Whether code-server's postinstall did its work: it installs VS Code's own dependencies
 * (native modules included) and links node_modules.asar. npm may skip install scripts.
 */
function postinstallDone(pkg: string): boolean {
  const vs = path.join(pkg, 'lib', 'vscode');
  return (
    existsSync(path.join(vs, 'node_modules.asar')) &&
    existsSync(path.join(vs, 'node_modules', 'node-pty', 'build', 'Release', 'pty.node')) &&
    existsSync(path.join(vs, 'extensions', 'node_modules'))
  );
}

/** Installs code-server into the cache when missing; returns the launcher's path. */
export async function ensureCodeServer(log: Log = () => undefined): Promise<string> {
  const cache = cacheDir();
  if (isInstalled(cache)) return codeServerBin(cache);
  const started = Date.now();
  log(`Installing code-server ${CODE_SERVER_VERSION} into ${cache} (once; a few minutes)…`);
  await ensureSystemPackages(log);
  await seedRipgrepCache();
  mkdirSync(cache, { recursive: true });
  const manifest = path.join(cache, 'package.json');
  if (!existsSync(manifest) || !readFileSync(manifest, 'utf8').includes('code-server')) {
    writeFileSync(manifest, `${JSON.stringify({ name: 'pgflex-code-server-cache', private: true, allowScripts: { 'code-server': true, argon2: true } }, null, 2)}\n`);
  }
  await npm(['install', '--no-save', '--unsafe-perm', '--foreground-scripts', `code-server@${CODE_SERVER_VERSION}`], cache, log);
  const pkg = packageDir(cache);
  if (!postinstallDone(pkg)) {
    log('code-server\'s postinstall did not run (npm skipped install scripts); running it now.');
    await new Promise<void>((resolve, reject) => {
      const child = spawn('sh', ['./postinstall.sh'], {
        cwd: pkg,
        env: { ...process.env, npm_config_user_agent: `npm/11 node/${process.version} linux x64`, npm_config_unsafe_perm: 'true' },
        stdio: ['ignore', 'inherit', 'inherit'],
      });
      child.on('error', reject);
      child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`code-server's postinstall failed (exit ${code}) in ${pkg}`))));
    });
  }
  if (!postinstallDone(pkg)) {
    log('VS Code\'s native modules are not built; rebuilding them.');
    await npm(['rebuild'], path.join(pkg, 'lib', 'vscode'), log);
  }
  if (!postinstallDone(pkg)) throw new Error(`code-server was installed into ${cache} but its VS Code dependencies are incomplete; remove that folder and try again.`);
  writeFileSync(marker(cache), new Date().toISOString());
  log(`code-server installed in ${Math.round((Date.now() - started) / 1000)} s.`);
  return codeServerBin(cache);
}
