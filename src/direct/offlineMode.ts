/** The offline side of a direct migration (see modeStrategy.ts). */
import { withDatabase, type ConnInfo } from '../pg/connection';
import { applyDatabaseSettings, readDatabaseSettings } from './dbSettings';
import type { ModeRun, ModeStrategy } from './modeStrategy';
import type { Sessions } from './sessions';
import { exportSnapshot } from './snapshot';

/** The snapshot is the source's own (pg_export_snapshot); a database ends with its settings. */
export function offlineMode({ sessions, source, target }: ModeRun): ModeStrategy {
  return {
    endState: 'Succeeded',
    prepare: () => undefined,
    snapshot: (db) => exportSnapshot(sessions, withDatabase(source, db)),
    async finishDatabase({ db, details: d, step }) {
      step('Applying database settings');
      const warnings = await carryDatabaseSettings(sessions, withDatabase(source, db), target, db);
      if (warnings.length) d.warnings = warnings;
      d.migrationState = 'Succeeded';
      d.migrationOperation = undefined;
      d.endedOn = new Date().toISOString();
    },
    stopped: async (error) => error,
  };
}

/** The source database's settings onto the target's, at the end (see dbSettings.ts). */
async function carryDatabaseSettings(sessions: Sessions, sourceDb: ConnInfo, target: ConnInfo, db: string): Promise<string[]> {
  const src = await sessions.open(sourceDb);
  let settings;
  try {
    settings = await readDatabaseSettings(src);
  } finally {
    await sessions.close(src);
  }
  if (!settings.length) return [];
  const tgt = await sessions.open(target);
  try {
    return await applyDatabaseSettings(tgt, db, settings);
  } finally {
    await sessions.close(tgt);
  }
}
