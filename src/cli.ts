/**
 * pgflex: the headless entry point over core + direct (+ azure), for scripts and CI.
 * Progress goes to stderr; with --json the last line of stdout is the result.
 */
import { UsageError } from './cli/args';
import { EXIT } from './cli/exitCodes';
import { runDirect } from './cli/direct';
import { runAzure } from './cli/azure';
import { runCleanup } from './cli/cleanup';

const USAGE = `Usage:
  pgflex migrate --source <url> --target <url> --database <db> [--database <db>...]
      [--name <name>] [--mode offline|online] [--option migrate|validate|validate-and-migrate]
      [--overwrite] [--migrate-roles] [--jobs <n>] [--verify counts|checksums|none] [--cutover auto|none|wait] [--json]
  pgflex status|cancel|cutover --target <url> --name <name> [--json]
  pgflex cleanup --source <url> [--target <url>] [--dry-run] [--yes] [--json]
      Lists pgflex's replication slots (with the WAL each holds), publications, subscriptions
      and heartbeat rows on the servers, and removes them once confirmed (--yes without a terminal).
  pgflex azure migrations|cutover|cancel --subscription <id> --resource-group <rg> --server <target>
      [--name <migration>] [--database <db>...] [--wait [--interval <s>] [--timeout <s>]]
      [--arm-endpoint <https-url>] [--json]
      Azure token: PGFLEX_ARM_TOKEN, else Azure CLI / environment / managed identity.
      Private CA for --arm-endpoint: NODE_EXTRA_CA_CERTS=<pem file>.

Passwords: in the URL, or PGFLEX_SOURCE_PASSWORD / PGFLEX_TARGET_PASSWORD. They are never printed.
Exit codes: 0 Succeeded, 1 Failed or ValidationFailed, 2 usage error, 3 Canceled, 4 waiting for cutover.`;

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (!command || command === '--help' || command === '-h' || command === 'help') {
      process.stdout.write(`${USAGE}\n`);
      return command ? EXIT.succeeded : EXIT.usage;
    }
    if (command === 'azure') return await runAzure(rest);
    if (command === 'cleanup') return await runCleanup(rest);
    if (['migrate', 'status', 'cancel', 'cutover', 'list'].includes(command)) return await runDirect(command, rest);
    throw new UsageError(`Unknown command "${command}".`);
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`pgflex: ${e.message}\n\n${USAGE}\n`);
      return EXIT.usage;
    }
    process.stderr.write(`pgflex: ${e instanceof Error ? e.message : String(e)}\n`);
    return EXIT.failed;
  }
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
