/**
 * The local record of direct migrations: one JSON file per migration, under
 * $PGFLEX_STATE_DIR (default ~/.local/state/pgflex)/<target host_port>/<name>.json. It holds
 * the model and the spec, never a password, so another process (the CLI's status/cancel, the
 * extension after a reload) can find a migration, and a re-run can resume it. Requests from
 * another process are files beside the record, owned here: `<name>.cancel`, which the running
 * process polls, and `<name>.cutover`, which the watcher of an online migration claims.
 */
import { randomBytes } from 'node:crypto';
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
  /**
   * A random id made when the migration is created: its replication objects and sessions are
   * named from it (objectKeyOf), so two migrations of the same name (into two targets, or
   * differing in case) share nothing. Records written before it existed have none and keep
   * their name-based objects, so cancel and cleanup still find them.
   */
  objectsId?: string;
  /** Online: per database, the name its slot, publication, subscription and heartbeat row carry. */
  replicationObjects?: Record<string, string>;
  /** The process running it, to tell a live migration from one whose process died. */
  pid?: number;
  hostname?: string;
  /** Tells the runner from a later process given the same pid (see liveness.ts). */
  startToken?: string;
  resume: Record<string, ResumeState>;
}

/** 8 characters of lower-case base32: 40 random bits, valid in any PostgreSQL object name. */
export function newObjectsId(): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz234567';
  return [...randomBytes(8)].map((b) => alphabet[b & 31]).join('');
}

/** What a migration's replication objects and sessions are named from: its name and its id. */
export function objectKeyOf(rec: { spec: { name: string }; objectsId?: string }): string {
  return rec.objectsId ? `${rec.spec.name}_${rec.objectsId}` : rec.spec.name;
}

export function defaultStateDir(): string {
  return process.env.PGFLEX_STATE_DIR || path.join(os.homedir(), '.local', 'state', 'pgflex');
}

/** Migration names are unique per target server. */
export function targetKeyOf(target: { host: string; port: number }): string {
  return `${target.host}_${target.port}`.replace(/[^A-Za-z0-9._-]/g, '_');
}

/**
 * Why `name` cannot name a record file, or undefined when it can. Every name that reaches a
 * path (a --name, a record's own name, a request file's) passes here first: a separator or
 * `..` would read or write outside the state folder, a control character hides in listings.
 */
export function recordNameProblem(name: unknown): string | undefined {
  if (typeof name !== 'string' || name === '') return 'A migration name is missing.';
  const shown = JSON.stringify(name.slice(0, 80));
  if (/[\u0000-\u001f\u007f]/.test(name)) return `The migration name ${shown} contains a control character; use letters, digits and hyphens.`;
  if (/[/\\]/.test(name)) return `The migration name ${shown} contains a path separator; use letters, digits and hyphens.`;
  if (name.startsWith('.')) return `The migration name ${shown} starts with a dot; use letters, digits and hyphens.`;
  if (Buffer.byteLength(name) > 200) return `The migration name ${shown}… is too long for a file name.`;
  return undefined;
}

export class RecordNameError extends Error {}

export class RecordStore {
  constructor(readonly dir: string = defaultStateDir()) {}

  private file(targetKey: string, name: string, ext = 'json'): string {
    const problem = recordNameProblem(name);
    if (problem) throw new RecordNameError(problem);
    return path.join(this.dir, targetKey, `${name}.${ext}`);
  }

  load(targetKey: string, name: string): MigrationRecord | undefined {
    const f = this.file(targetKey, name);
    let rec: MigrationRecord;
    try {
      rec = JSON.parse(readFileSync(f, 'utf8')) as MigrationRecord;
    } catch {
      return undefined;
    }
    // A record whose own name could not have been written here is not one of ours.
    return recordNameProblem(rec?.migration?.name) === undefined ? rec : undefined;
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
      .filter((n) => n.endsWith('.json') && recordNameProblem(n.slice(0, -5)) === undefined)
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
    const f = this.file(targetKey, name, 'cancel');
    let text: string;
    try {
      text = readFileSync(f, 'utf8');
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
