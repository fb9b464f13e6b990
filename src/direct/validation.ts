import type { ConnInfo } from '../pg/connection';
import type { MigrationMode, ValidationDetails } from '../core/model';

/**
 * Seam between the direct engine and the validation rules: gathers facts from both servers
 * and runs every rule. The validation work replaces this placeholder body.
 */
export interface DirectValidationInput {
  source: ConnInfo;
  target: ConnInfo;
  databases: string[];
  mode: MigrationMode;
  overwrite: boolean;
  /** Path of the pg_dump the engine will use (checked against the source's major version). */
  pgDumpPath?: string;
  /** Facts about an Azure target read from ARM (SKU, storage, azure.extensions), when known. */
  azureTarget?: { skuTier?: string; vCores?: number; storageMb?: number; allowlistedExtensions?: string[]; sharedPreloadLibraries?: string[] };
}

export async function validateDirect(input: DirectValidationInput): Promise<ValidationDetails> {
  const now = new Date().toISOString();
  return {
    status: 'Succeeded',
    validationStartTimeInUtc: now,
    validationEndTimeInUtc: now,
    serverLevelValidationDetails: [],
    dbLevelValidationDetails: input.databases.map((d) => ({ databaseName: d, startedOn: now, endedOn: now, summary: [] })),
  };
}
