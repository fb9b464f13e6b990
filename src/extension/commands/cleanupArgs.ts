import type { ServerRef } from '../../core/provider';

/** Removes pgflex's replication objects from a connection, a slot node, or one migration's. */
export const CLEANUP_COMMAND = 'pgflex.cleanupLeftovers';

/** What the details page passes: the migration whose leftovers go (its record names the source). */
export interface MigrationLeftoversArg {
  kind: 'migrationLeftovers';
  target: ServerRef;
  name: string;
}
