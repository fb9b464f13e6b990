/**
 * What differs between an offline and an online direct migration, behind one object chosen
 * once per run (the engine itself is the same for both): where the snapshot comes from, how a
 * database ends once its data is verified, the state the run ends in, and what a run that
 * stops early leaves to clean up. The two sides: offlineMode.ts, online/onlineMode.ts.
 */
import type { DatabaseMigrationState } from '../core/model';
import type { MigrationSpec } from '../core/provider';
import type { ConnInfo } from '../pg/connection';
import type { Sessions } from './sessions';
import type { ExportedSnapshot } from './snapshot';
import type { ResumeState } from './store';

/** One database at its end: data in, indexes built, verified; the snapshot still held. */
export interface DatabaseEnd {
  db: string;
  details: DatabaseMigrationState;
  snapshot: ExportedSnapshot;
  sourceMajor: number;
  /** Names the step now running (trace, model). */
  step(m: string): void;
}

export interface ModeStrategy {
  /** The state a run ends in once every database is through. */
  readonly endState: 'Succeeded' | 'WaitingForUserAction';
  /** Before a database starts: what of an earlier run's work may be kept. */
  prepare(resume: ResumeState, details: DatabaseMigrationState): void;
  /** The snapshot pg_dump and the COPY workers read. */
  snapshot(db: string): Promise<ExportedSnapshot>;
  /** The database's last step (the snapshot is released by the caller afterwards, too). */
  finishDatabase(end: DatabaseEnd): Promise<void>;
  /** The run failed or was canceled: clean up; returns the error text to record. */
  stopped(error: string | undefined): Promise<string | undefined>;
}

export interface ModeRun {
  spec: MigrationSpec;
  sessions: Sessions;
  /** The servers' connections (any database; each step points them at its own). */
  source: ConnInfo;
  target: ConnInfo;
}
