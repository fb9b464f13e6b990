/**
 * The direct engine's provider, imported on first use (it brings pg, pg-copy-streams and
 * pg_dump handling, which activation must not load).
 */
import type { MigrationProvider } from '../../core/provider';

export interface DirectOptions {
  pgDumpPath?: string;
  jobs?: number;
}

export async function loadDirectProvider(_options: () => DirectOptions): Promise<MigrationProvider> {
  throw new Error('The direct migration engine is not available in this build yet.');
}
