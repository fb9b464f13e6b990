import { UsageError } from './args';

/** `pgflex azure ...` commands. Filled in by the Azure provider work. */
export async function runAzure(argv: string[]): Promise<number> {
  throw new UsageError(`"azure ${argv[0] ?? ''}" is not available yet in this build.`);
}
