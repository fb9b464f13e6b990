/**
 * The local record of direct migrations: one JSON file per migration, under
 * $PGFLEX_STATE_DIR (default ~/.local/state/pgflex)/<target host_port>/<name>.json. It holds
 * the model and the spec, never a password, so another process (the CLI's status/cancel, the
 * extension after a reload) can find a migration, and a re-run can resume it. Requests from
 * another process are files beside the record, owned here: `<name>.cancel`, which the running
 * process polls, and `<name>.cutover`, which the watcher of an online migration claims.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Migration } from '../core/model';
import type { MigrationSpec } from '../core/provider';
import { judgeRunner } from './liveness';

/** What a re-run needs to skip work already done, per database. */
export interface ResumeState {
  created?: boolean;
  preData?: boolean;
  /** Post-data entries already built: `type|schema|name`. */
  postDataDone?: string[];
}

export interface MigrationRecord {
  version: 1;
  targetKey: string;
  spec: MigrationSpec;
  migration: Migration;
  /** The process running it, to tell a live migration from one whose process died. */
  pid?: number;
  hostname?: string;
  /** Tells the runner from a later process given the same pid (see liveness.ts). */
  startToken?: string;
  resume: Record<string, ResumeState>;
}

export function defaultStateDir(): string {
  return process.env.PGFLEX_STATE_DIR || path.join(os.homedir(), '.local', 'state', 'pgflex');
}

/** Migration names are unique per target server. */
export function targetKeyOf(target: { host: string; port: number }): string {
  return `${target.host}_${target.port}`.replace(/[^A-Za-z0-9._-]/g, '_');
}

export class RecordStore {
  constructor(readonly dir: string = defaultStateDir()) {}

  private file(targetKey: string, name: string, ext = 'json'): string {
    return path.join(this.dir, targetKey, `${name}.${ext}`);
  }

  load(targetKey: string, name: string): MigrationRecord | undefined {
    try {
      return JSON.parse(readFileSync(this.file(targetKey, name), 'utf8')) as MigrationRecord;
    } catch {
      return undefined;
    }
  }

  /**
   * Write through a temporary file and rename, so a reader never sees half a record. A writer
   * holding an older view (the engine finishing its copy, a watcher starting) must not undo an
   * outcome another writer recorded: waiting for cutover never follows Succeeded or Canceled
   * (a re-run passes through InProgress first), so such a write adopts the record instead.
   */
  save(rec: MigrationRecord): void {
    if (rec.migration.currentStatus?.state === 'WaitingForUserAction') {
      const disk = this.load(rec.targetKey, rec.migration.name)?.migration;
      const ended = disk?.currentStatus?.state;
      if (disk && (ended === 'Succeeded' || ended === 'Canceled')) {
        Object.assign(rec.migration, disk);
        return;
      }
    }
    const f = this.file(rec.targetKey, rec.migration.name);
    mkdirSync(path.dirname(f), { recursive: true, mode: 0o700 });
    const tmp = `${f}.${process.pid}.tmp`;
    writeFileSync(tmp, `${JSON.stringify(rec, null, 1)}\n`, { mode: 0o600 });
    renameSync(tmp, f);
  }

  list(targetKey: string): MigrationRecord[] {
    let names: string[];
    try {
      names = readdirSync(path.join(this.dir, targetKey));
    } catch {
      return [];
    }
    return names
      .filter((n) => n.endsWith('.json'))
      .map((n) => this.load(targetKey, n.slice(0, -5)))
      .filter((r): r is MigrationRecord => r !== undefined);
  }

  /** Ask the process running a migration to cancel it: all of it, or only `databases`. */
  requestCancel(targetKey: string, name: string, databases?: string[]): void {
    const f = this.file(targetKey, name, 'cancel');
    mkdirSync(path.dirname(f), { recursive: true, mode: 0o700 });
    writeFileSync(f, `${new Date().toISOString()}\n${JSON.stringify(databases ?? [])}\n`);
  }

  cancelRequested(targetKey: string, name: string): boolean {
    return existsSync(this.file(targetKey, name, 'cancel'));
  }

  /** The databases a cancel request names ([] for all), or undefined when none is pending. */
  cancelRequest(targetKey: string, name: string): string[] | undefined {
    let text: string;
    try {
      text = readFileSync(this.file(targetKey, name, 'cancel'), 'utf8');
    } catch {
      return undefined;
    }
    try {
      const dbs = JSON.parse(text.split('\n')[1] || '[]') as unknown;
      return Array.isArray(dbs) ? dbs.filter((d): d is string => typeof d === 'string') : [];
    } catch {
      return [];
    }
  }

  clearCancel(targetKey: string, name: string): void {
    rmSync(this.file(targetKey, name, 'cancel'), { force: true });
  }

  /** Ask the process watching an online migration to cut over (all databases when `databases` is empty). */
  requestCutover(targetKey: string, name: string, databases: string[] = []): void {
    const f = this.file(targetKey, name, 'cutover');
    mkdirSync(path.dirname(f), { recursive: true, mode: 0o700 });
    writeFileSync(f, JSON.stringify(databases));
  }

  cutoverRequested(targetKey: string, name: string): boolean {
    return existsSync(this.file(targetKey, name, 'cutover'));
  }

  /**
   * Claim the pending cutover request, if any: the databases it names ([] for all). The file is
   * renamed first, so the watcher and a requester taking its request back can never both get it.
   */
  claimCutoverRequest(targetKey: string, name: string): string[] | undefined {
    const f = this.file(targetKey, name, 'cutover');
    const mine = `${f}.${process.pid}`;
    try {
      renameSync(f, mine);
    } catch {
      return undefined;
    }
    let dbs: string[] = [];
    try {
      dbs = JSON.parse(readFileSync(mine, 'utf8')) as string[];
    } catch {
      /* an empty or partial file means all databases */
    }
    rmSync(mine, { force: true });
    return dbs;
  }
}

/** Whether the process that wrote a record may still run it (one on another host is assumed to). */
export function runnerAlive(rec: MigrationRecord): boolean {
  const v = judgeRunner(rec);
  return v === 'alive' || v === 'elsewhere';
}
