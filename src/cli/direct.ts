import { UsageError } from './args';

/** Direct-engine commands: migrate, status, cancel, cutover. Filled in by the engine work. */
export async function runDirect(command: string, _argv: string[]): Promise<number> {
  throw new UsageError(`"${command}" is not available yet in this build.`);
}
