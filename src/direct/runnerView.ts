/**
 * A record as the user should see it: a run whose process is gone is Failed, whatever its
 * last write said. Offline runs resume when run again; an online run that died while copying
 * leaves its slot and publication on the source (control.ts' statusOnline adds them, with the
 * WAL they hold). A runner on another host is named, not judged.
 */
import { isTerminal, type Migration, type RunnerInfo } from '../core/model';
import { redactedUrl } from '../pg/connection';
import { connFromRef } from './connInfo';
import { judgeRunner, thisMachine, type Here } from './liveness';
import type { MigrationRecord } from './store';

export function runnerInfo(rec: MigrationRecord, here: Here = thisMachine): RunnerInfo | undefined {
  const state = judgeRunner(rec, here);
  if (state === 'none' && !rec.hostname) return undefined;
  return { host: rec.hostname ?? here.hostname, pid: rec.pid, state };
}

/** The command that names this migration's target, for the sentences below (no password). */
export function targetArgs(rec: MigrationRecord): string {
  return `--target '${redactedUrl(connFromRef(rec.spec.target, undefined, 'target'))}' --name ${rec.spec.name}`;
}

export function effectiveMigration(rec: MigrationRecord, here: Here = thisMachine): Migration {
  const m = rec.migration;
  const runner = runnerInfo(rec, here);
  const view: Migration = { ...m, runner };
  // An online migration waiting for cutover lives on the servers, not in a process.
  if (isTerminal(m) || m.currentStatus?.state === 'WaitingForUserAction') return view;
  if (runner?.state === 'alive' || runner?.state === 'elsewhere') return view;
  const who = `The process running this migration (pid ${rec.pid ?? '?'} on ${runner?.host ?? here.hostname})`;
  const error = rec.spec.mode === 'Online'
    ? `${who} stopped while it was copying. Its replication slot and publication stay on the source, and the slot keeps WAL there until it is removed: run "pgflex cancel ${targetArgs(rec)}" to remove them.`
    : `${who} stopped before it finished. Run it again with the same name to resume it.`;
  // Its databases stopped with it: none of them is still in progress.
  const dbDetails = Object.fromEntries(Object.entries(m.currentStatus?.currentSubStateDetails?.dbDetails ?? {}).map(([db, d]) => [
    db, d.migrationState === 'Succeeded' || d.migrationState === 'Canceled' || d.migrationState === 'Failed' ? d : { ...d, migrationState: 'Failed', migrationOperation: undefined },
  ]));
  return { ...view, currentStatus: { ...m.currentStatus, state: 'Failed', error, currentSubStateDetails: { ...m.currentStatus?.currentSubStateDetails, dbDetails } } };
}
