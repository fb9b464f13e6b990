/**
 * `npm start`: package the extension, start a busy sample source and an empty target, and open
 * VS Code (desktop when `code` is on PATH, else code-server in the browser) with both servers
 * in the tree as Direct connections. Ctrl-C stops everything. `--check` does the same without
 * a person: it verifies in Chromium that the extension shows both connections, then stops.
 */
import { ensureCodeServer } from '../code-server/install';
import { startCodeServer, type RunningCodeServer } from '../code-server/server';
import { codeOnPath, startDesktop, type RunningDesktop } from './desktop';
import { packageVsix } from './packageVsix';
import { checkSandbox } from './check';
import { startSandboxServers, type SandboxServers } from './servers';
import { SAMPLE_DATABASES } from './sampleDb';
import { rmSync } from 'node:fs';
import path from 'node:path';

export interface SandboxArgs {
  check: boolean;
  /** Use code-server even when `code` is on PATH. */
  browser: boolean;
}

export function parseArgs(argv: string[]): SandboxArgs {
  const unknown = argv.filter((a) => !['--check', '--browser', '--code-server'].includes(a));
  if (unknown.length) throw new Error(`Unknown option ${unknown.join(' ')}. Usage: npm start [-- --check] [-- --browser]`);
  return { check: argv.includes('--check'), browser: argv.includes('--browser') || argv.includes('--code-server') };
}

const say = (s: string): void => console.log(`[sandbox] ${s}`);

export async function main(argv: string[]): Promise<number> {
  const args = parseArgs(argv);
  const cleanups: (() => Promise<void>)[] = [];
  let stopping: Promise<void> | undefined;
  const stopAll = (): Promise<void> =>
    (stopping ??= (async () => {
      for (const c of cleanups.reverse()) await c().catch((e) => console.error(`[sandbox] while stopping: ${(e as Error).message}`));
    })());
  let interrupted: (() => void) | undefined;
  const interrupt = new Promise<void>((resolve) => (interrupted = resolve));
  const onSignal = (sig: NodeJS.Signals): void => {
    say(`${sig}: stopping everything…`);
    interrupted?.();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('SIGHUP', onSignal);
  try {
    const t0 = Date.now();
    const desktopCode = args.check || args.browser ? undefined : codeOnPath();
    const [vsix, codeServerBin, servers] = await Promise.all([
      packageVsix().then((p) => (cleanups.push(async () => rmSync(path.dirname(p), { recursive: true, force: true })), p)),
      desktopCode ? Promise.resolve(undefined) : ensureCodeServer(say),
      startSandboxServers({ log: say }).then((s) => (cleanups.push(() => s.stop()), s)),
    ]);
    say(`Extension packaged: ${path.basename(vsix)}`);
    const env = { PGFLEX_SANDBOX_CONNECTIONS: JSON.stringify(servers.connections) };
    let editor: RunningCodeServer | RunningDesktop;
    if (desktopCode) {
      editor = await startDesktop(desktopCode, vsix, env);
    } else {
      editor = await startCodeServer({ bin: codeServerBin as string, vsix, env });
    }
    cleanups.push(() => editor.stop());
    describe(servers, editor, Date.now() - t0);
    if (args.check) {
      await Promise.race([checkSandbox(editor as RunningCodeServer, servers, say), interrupt.then(() => Promise.reject(new Error('interrupted')))]);
      say('Check passed: the extension is active and shows both sandbox connections.');
      return 0;
    }
    say('Press Ctrl-C to stop the servers and the editor.');
    const closed = 'closed' in editor ? editor.closed.then(() => say('VS Code was closed.')) : new Promise<void>(() => undefined);
    await Promise.race([interrupt, closed]);
    return 0;
  } catch (e) {
    console.error(`[sandbox] ${(e as Error).message}`);
    return 1;
  } finally {
    await stopAll();
    say('Stopped: servers removed, editor closed.');
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    process.off('SIGHUP', onSignal);
  }
}

function describe(servers: SandboxServers, editor: RunningCodeServer | RunningDesktop, ms: number): void {
  const lines = [
    '',
    `Sandbox ready in ${(ms / 1000).toFixed(1)} s.`,
    `  Source  PostgreSQL ${servers.source.version}: ${servers.source.url('postgres', false)}  (wal_level=logical; databases ${SAMPLE_DATABASES.join(', ')}; a writer keeps them busy)`,
    `  Target  PostgreSQL ${servers.target.version}: ${servers.target.url('postgres', false)}  (empty)`,
    '  Passwords are in the extension (SecretStorage) and in a pgpass file; to look with psql:',
    `    PGPASSFILE=${servers.pgpass} psql "${servers.source.url('shop', false)}"`,
    `    PGPASSFILE=${servers.pgpass} psql "${servers.target.url('postgres', false)}"`,
    'url' in editor ? `  VS Code (code-server): open ${editor.url} in your browser.` : '  VS Code desktop: a new window with a throwaway profile.',
    '  In the "PostgreSQL Migration" view both servers are Direct connections: start the wizard from the source.',
    '',
  ];
  console.log(lines.join('\n'));
}
