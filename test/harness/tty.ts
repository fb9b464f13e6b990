/**
 * Run a command on a pseudo-terminal (util-linux `script`), answering prompts as they appear:
 * what a person at a terminal sees (stdout and stderr together, as the terminal shows them).
 */
import { spawn } from 'node:child_process';

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

export function onTty(argv: string[], env: NodeJS.ProcessEnv, answers: { prompt: RegExp; type: string }[]): Promise<{ code: number | null; screen: string }> {
  const child = spawn('script', ['-qfec', argv.map(quote).join(' '), '/dev/null'], { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
  let screen = '';
  const pending = [...answers];
  child.stdout.on('data', (d: Buffer) => {
    screen += d.toString('utf8');
    if (pending.length && pending[0].prompt.test(screen)) child.stdin.write(`${pending.shift()!.type}\r`);
  });
  child.stderr.on('data', (d: Buffer) => (screen += d.toString('utf8')));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, screen })));
}
