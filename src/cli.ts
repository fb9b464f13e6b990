/**
 * pgflex: the headless entry point over core + direct (+ azure), for scripts and CI.
 * Results go to stdout, progress to stderr; with --json the last line of stdout is the result.
 */
import { commandHelp, isHelp, UsageError } from './cli/args';
import { azureHelp, mainHelp, AZURE_COMMANDS, DIRECT_COMMANDS } from './cli/commands';
import { EXIT } from './cli/exitCodes';
import { runDirect } from './cli/direct';
import { runAzure } from './cli/azure';
import { runCleanup } from './cli/cleanup';

/** Set by esbuild from package.json; a run from source says so. */
declare const PGFLEX_VERSION: string | undefined;
export const VERSION = typeof PGFLEX_VERSION === 'string' ? PGFLEX_VERSION : '0.0.0-source';

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (!command || command === '--help' || command === '-h' || command === 'help') {
      const topic = command === 'help' ? rest.join(' ') : '';
      process.stdout.write(`${topic ? help(topic) : mainHelp()}\n`);
      return EXIT.succeeded;
    }
    if (command === '--version' || command === '-V' || command === 'version') {
      process.stdout.write(`pgflex ${VERSION}\n`);
      return EXIT.succeeded;
    }
    if (command === 'azure') {
      const sub = rest[0];
      if (!sub || sub === '--help' || sub === '-h') {
        process.stdout.write(`${azureHelp()}\n`);
        return EXIT.succeeded;
      }
      if (isHelp(rest.slice(1)) && AZURE_COMMANDS.some((c) => c.name === `azure ${sub}`)) {
        process.stdout.write(`${help(`azure ${sub}`)}\n`);
        return EXIT.succeeded;
      }
      return await runAzure(rest);
    }
    if (DIRECT_COMMANDS.some((c) => c.name === command)) {
      if (isHelp(rest)) {
        process.stdout.write(`${help(command)}\n`);
        return EXIT.succeeded;
      }
      if (command === 'cleanup') return await runCleanup(rest);
      return await runDirect(command, rest);
    }
    throw new UsageError(`Unknown command "${command}".`);
  } catch (e) {
    if (e instanceof UsageError) {
      const pointer = e.command ? `pgflex ${e.command} --help` : 'pgflex --help';
      process.stderr.write(`pgflex: ${e.message}\nSee \`${pointer}\` for the options.\n`);
      return EXIT.usage;
    }
    process.stderr.write(`pgflex: ${e instanceof Error ? e.message : String(e)}\n`);
    return EXIT.failed;
  }
}

function help(topic: string): string {
  const def = [...DIRECT_COMMANDS, ...AZURE_COMMANDS].find((c) => c.name === topic.trim());
  if (!def) throw new UsageError(`"${topic}" is not a command.`);
  return commandHelp(def);
}

/** The process's own CPU time so far, user and system (the trace's last line). */
function cpuSeconds(): string {
  const u = process.cpuUsage();
  return `user ${(u.user / 1e6).toFixed(2)}s, system ${(u.system / 1e6).toFixed(2)}s`;
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
    if (process.env.PGFLEX_TRACE) process.stderr.write(`[exit at ${(performance.now() / 1000).toFixed(2)}s of the process; CPU ${cpuSeconds()}; still open: ${process.getActiveResourcesInfo().join(", ")}]\n`);
  });
}
