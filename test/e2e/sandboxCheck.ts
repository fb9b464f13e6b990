/**
 * `npm start -- --check` as a child process. The e2e session starts it early so that it runs
 * alongside the UI flows; the sandbox test then waits for its result.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');

export interface SandboxCheckRun {
  result: Promise<{ code: number | null; output: string }>;
  /** Stops it early (SIGTERM, which the sandbox handles by stopping everything). */
  stop(): Promise<void>;
}

export function startSandboxCheck(): SandboxCheckRun {
  const child = spawn(process.execPath, [path.join(ROOT, 'scripts', 'start.mjs'), '--check'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const result = new Promise<{ code: number | null; output: string }>((resolve) => child.on('exit', (code) => resolve({ code, output })));
  return {
    result,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await result;
    },
  };
}
