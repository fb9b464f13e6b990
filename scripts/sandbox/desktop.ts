/**
 * VS Code desktop for the sandbox, when a `code` command is on PATH: a throwaway profile
 * (user data and extensions in a temporary folder) with the packaged extension installed.
 */
import { execFile, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export function codeOnPath(): string | undefined {
  const r = spawnSync('sh', ['-c', 'command -v code'], { encoding: 'utf8' });
  const p = r.stdout.trim();
  return r.status === 0 && p ? p : undefined;
}

export interface RunningDesktop {
  profileDir: string;
  /** Resolves when the VS Code window is closed. */
  closed: Promise<void>;
  stop(): Promise<void>;
}

/** Processes whose command line names our profile folder: the VS Code instance we started, and only it. */
function pidsUsing(marker: string): number[] {
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${name}/cmdline`, 'utf8').includes(marker)) pids.push(Number(name));
    } catch {
      /* exited meanwhile */
    }
  }
  return pids;
}

export async function startDesktop(code: string, vsix: string, env: NodeJS.ProcessEnv): Promise<RunningDesktop> {
  const profileDir = mkdtempSync(path.join(os.tmpdir(), 'pgflex-vscode-'));
  const userData = path.join(profileDir, 'user-data');
  const extensions = path.join(profileDir, 'extensions');
  const folder = path.join(profileDir, 'workspace');
  mkdirSync(path.join(userData, 'User'), { recursive: true });
  mkdirSync(folder, { recursive: true });
  writeFileSync(path.join(userData, 'User', 'settings.json'), JSON.stringify({ 'security.workspace.trust.enabled': false, 'workbench.startupEditor': 'none' }, null, 2));
  const profile = ['--user-data-dir', userData, '--extensions-dir', extensions];
  await run(code, [...profile, '--install-extension', vsix, '--force']);
  // --wait keeps the CLI running until the window closes; a fresh user-data-dir means a new
  // instance, which inherits this environment (and so PGFLEX_SANDBOX_CONNECTIONS).
  const child = spawn(code, [...profile, '--new-window', '--wait', folder], { env: { ...process.env, ...env }, stdio: 'ignore' });
  const closed = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    profileDir,
    closed,
    async stop() {
      child.kill('SIGTERM');
      for (const pid of pidsUsing(profileDir)) {
        try {
          process.kill(pid, 'SIGTERM');
        } catch {
          /* gone */
        }
      }
      const deadline = Date.now() + 5000;
      while (pidsUsing(profileDir).length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      for (const pid of pidsUsing(profileDir)) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          /* gone */
        }
      }
      rmSync(profileDir, { recursive: true, force: true });
    },
  };
}
