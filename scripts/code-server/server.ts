/**
 * Runs code-server on a free loopback port with a fresh profile (user data and extensions in
 * a temporary folder), the packaged extension installed, and stops it with everything it
 * started (its process group).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, readdirSync, statSync, readFileSync, existsSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../../test/harness/postgres';

export interface CodeServerOptions {
  /** The code-server launcher (see ensureCodeServer). */
  bin: string;
  /** The .vsix to install into the fresh profile. */
  vsix: string;
  /** Folder opened as the workspace; a fresh empty one when omitted. */
  folder?: string;
  /** Extra environment for code-server and so for the extension host. */
  env?: NodeJS.ProcessEnv;
  /** User settings merged over the defaults. */
  settings?: Record<string, unknown>;
  log?: (line: string) => void;
}

export interface RunningCodeServer {
  url: string;
  port: number;
  profileDir: string;
  userDataDir: string;
  folder: string;
  /** Text of the extension host's and the extension's log files, for failure reports. */
  logs(filter?: RegExp): string;
  stop(): Promise<void>;
}

/** Quiet defaults: no trust prompt, no welcome page, no tips, no update or telemetry traffic. */
const DEFAULT_SETTINGS: Record<string, unknown> = {
  'security.workspace.trust.enabled': false,
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.enableExperiments': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'git.enabled': false,
  'chat.disableAIFeatures': true,
  'workbench.layoutControl.enabled': false,
};

function runToEnd(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`${path.basename(args[0] ?? cmd)} ${args.slice(1, 3).join(' ')} failed (exit ${code}): ${out.slice(-2000)}`))));
  });
}

function httpStatus(url: string): Promise<number> {
  return new Promise((resolve) => {
    const req = http.get(url, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', () => resolve(0));
    req.setTimeout(2000, () => {
      req.destroy();
      resolve(0);
    });
  });
}

async function waitUntil(what: string, check: () => Promise<boolean>, timeoutMs: number, child?: ChildProcess): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child && child.exitCode !== null) throw new Error(`${what}: the process exited with code ${child.exitCode}`);
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`${what}: not ready after ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

function filesUnder(dir: string): string[] {
  let out: string[] = [];
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return out;
  }
  for (const n of names) {
    const p = path.join(dir, n);
    if (statSync(p).isDirectory()) out = out.concat(filesUnder(p));
    else out.push(p);
  }
  return out;
}

export async function startCodeServer(opts: CodeServerOptions): Promise<RunningCodeServer> {
  const log = opts.log ?? (() => undefined);
  const profileDir = mkdtempSync(path.join(os.tmpdir(), 'pgflex-code-server-'));
  const userDataDir = path.join(profileDir, 'user-data');
  const extensionsDir = path.join(profileDir, 'extensions');
  const folder = opts.folder ?? path.join(profileDir, 'workspace');
  mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
  mkdirSync(extensionsDir, { recursive: true });
  mkdirSync(folder, { recursive: true });
  writeFileSync(path.join(userDataDir, 'User', 'settings.json'), JSON.stringify({ ...DEFAULT_SETTINGS, ...opts.settings }, null, 2));
  const baseEnv: NodeJS.ProcessEnv = { ...process.env, ...opts.env };
  // code-server must not inherit a password or a parent VS Code's IPC hooks.
  delete baseEnv.PASSWORD;
  delete baseEnv.HASHED_PASSWORD;
  delete baseEnv.VSCODE_IPC_HOOK_CLI;
  const common = ['--user-data-dir', userDataDir, '--extensions-dir', extensionsDir];
  await runToEnd(process.execPath, [opts.bin, ...common, '--install-extension', opts.vsix, '--force'], baseEnv);

  const port = await freePort();
  const child = spawn(
    process.execPath,
    [opts.bin, '--bind-addr', `127.0.0.1:${port}`, '--auth', 'none', ...common, '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', '--disable-getting-started-override', '--ignore-last-opened', folder],
    // Its own process group, so stop() reaches the extension host and everything it spawned.
    { env: baseEnv, detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  const keep = (d: Buffer): void => {
    output = (output + d.toString()).slice(-20000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    if (child.exitCode === null && child.pid) {
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        /* already gone */
      }
      const killed = await Promise.race([exited.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 5000).unref())]);
      if (!killed) {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          /* already gone */
        }
        await exited;
      }
    }
    // Children that outlived the leader (extension host helpers) share its group.
    if (child.pid) {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        /* none left */
      }
    }
    rmSync(profileDir, { recursive: true, force: true });
  };
  const url = `http://127.0.0.1:${port}/`;
  try {
    await waitUntil('code-server', async () => (await httpStatus(`${url}healthz`)) === 200, 60_000, child);
  } catch (e) {
    await stop();
    throw new Error(`${(e as Error).message}\n${output}`);
  }
  log(`code-server ${url} (profile ${profileDir})`);
  return {
    url,
    port,
    profileDir,
    userDataDir,
    folder,
    logs(filter = /(exthost|pgflex|PostgreSQL)/i): string {
      const dir = path.join(userDataDir, 'logs');
      if (!existsSync(dir)) return `(no logs under ${dir})\n${output}`;
      return filesUnder(dir)
        .filter((f) => filter.test(path.relative(dir, f)))
        .map((f) => `--- ${f}\n${readFileSync(f, 'utf8').slice(-6000)}`)
        .join('\n');
    },
    stop,
  };
}
