import type { Migration } from '../../core/model';
import type { ServerRef } from '../../core/provider';

/** How often pushed changes reach the tree, status bar and details page at most. */
export const LIVE_THROTTLE_MS = 500;

/**
 * Follow a migration that runs in this extension host (the direct engine's change events).
 * Returns the unsubscribe function, or undefined when it does not run here (Azure, another
 * process): then the caller keeps polling.
 */
export type LiveWatch = (target: ServerRef, name: string, listener: (m: Migration) => void) => (() => void) | undefined;
