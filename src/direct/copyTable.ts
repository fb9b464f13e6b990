/**
 * One COPY pipe: source `COPY ... TO STDOUT` streamed into target `COPY ... FROM STDIN` over
 * two clients (one per side: piping on one client hangs). No row is ever parsed: bytes pass
 * through. `pipeline` makes a failure on either side abort the other (the target's COPY gets
 * CopyFail and its transaction rolls back).
 */
import type { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { qualified, quoteIdent } from '../core/format';
import type { ConnInfo } from '../pg/connection';
import { destroyClient, type Sessions } from './sessions';
import { CopyIn, CopyOut } from './rawCopy';
import { openInSnapshot } from './snapshot';
import type { Chunk, TablePlan } from './tables';
import { LOAD_SETTINGS } from './targetSettings';

/** Session settings that make text COPY output identical whatever the servers' defaults. */
const TEXT_SETTINGS = "SET datestyle = 'ISO, MDY'; SET intervalstyle = 'postgres'; SET extra_float_digits = 3; SET client_encoding = 'UTF8'";

export interface CopyResult {
  /** Rows the target's COPY committed. */
  rows: number;
  /** Rows the source's COPY sent from the snapshot. */
  sourceRows: number;
}

export interface CopyOptions {
  /**
   * TRUNCATE + COPY FREEZE in one transaction: rows arrive already frozen (no later
   * anti-wraparound rewrite) and a retried copy starts from an empty table. Only for a table
   * copied in one piece.
   */
  truncateAndFreeze: boolean;
  /** A transform placed in the pipe (rate limiting in tests). */
  throttle?: Transform;
  /** Hears the bytes of each run of CopyData the source sends (progress). */
  onBytes?(n: number): void;
}

/** A source session inside the snapshot and a target session, reused table after table. */
export interface PipeEnds {
  src: pg.Client;
  tgt: pg.Client;
}

/** Pairs of sessions for COPY workers; a pair that saw an error is dropped, never reused. */
export class PipePool {
  private readonly idle: PipeEnds[] = [];

  constructor(
    private readonly sessions: Sessions,
    private readonly source: ConnInfo,
    private readonly target: ConnInfo,
    private readonly snapshotId: string | undefined,
  ) {}

  async use<T>(fn: (p: PipeEnds) => Promise<T>): Promise<T> {
    let p = this.idle.pop();
    if (!p) {
      const src = await onSide('source', () => openInSnapshot(this.sessions, this.source, this.snapshotId));
      let tgt: pg.Client | undefined;
      try {
        tgt = await onSide('target', () => this.sessions.open(this.target));
        await onSide('source', () => src.query(TEXT_SETTINGS));
        await onSide('target', () => tgt!.query(`${TEXT_SETTINGS}; ${LOAD_SETTINGS}`));
      } catch (e) {
        for (const c of tgt ? [src, tgt] : [src]) {
          destroyClient(c);
          await this.sessions.close(c);
        }
        throw e;
      }
      p = { src, tgt };
    }
    try {
      const r = await fn(p);
      this.idle.push(p);
      return r;
    } catch (e) {
      // Sockets in the middle of a COPY cannot be reused: drop them; each server rolls back.
      destroyClient(p.src);
      destroyClient(p.tgt);
      await this.sessions.close(p.src);
      await this.sessions.close(p.tgt);
      throw e;
    }
  }

  async closeAll(): Promise<void> {
    const all = this.idle.splice(0);
    await Promise.all(all.flatMap((p) => [this.sessions.close(p.src), this.sessions.close(p.tgt)]));
  }
}

/** Run a step on one server; a failure is tagged with that side, so its message names it. */
async function onSide<T>(side: 'source' | 'target', step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (e) {
    if (e && typeof e === 'object') (e as { pgflexSide?: string }).pgflexSide ??= side;
    throw e;
  }
}

export async function copyChunk(ends: PipeEnds, t: TablePlan, chunk: Chunk, o: CopyOptions): Promise<CopyResult> {
  const { src, tgt } = ends;
  const rel = qualified(t.schema, t.table);
  const where = chunk.where ? ` WHERE ${chunk.where}` : '';
  if (t.columns.length === 0) {
    // A table without columns still has rows; COPY cannot name zero columns, so count and insert.
    const n = Number((await src.query(`SELECT count(*) AS n FROM ONLY ${rel}${where}`)).rows[0].n);
    await tgt.query('BEGIN');
    if (o.truncateAndFreeze) await tgt.query(`TRUNCATE ONLY ${rel}`);
    if (n > 0) await tgt.query(`INSERT INTO ${rel} SELECT FROM generate_series(1, ${n})`);
    await tgt.query('COMMIT');
    return { rows: n, sourceRows: n };
  }
  const cols = t.columns.map(quoteIdent).join(', ');
  const fmt = t.format === 'binary' ? 'FORMAT binary' : 'FORMAT text';
  const select = chunk.where ? `(SELECT ${cols} FROM ONLY ${rel}${where})` : `${rel} (${cols})`;
  let side: 'source' | 'target' | undefined;
  try {
    side = 'target';
    await tgt.query('BEGIN');
    if (o.truncateAndFreeze) await tgt.query(`TRUNCATE ONLY ${rel}`);
    side = undefined;
    const out = src.query(new CopyOut(`COPY ${select} TO STDOUT (${fmt})`));
    const inp = tgt.query(new CopyIn(`COPY ${rel} (${cols}) FROM STDIN (${fmt}${o.truncateAndFreeze ? ', FREEZE' : ''})`));
    // Remember which side failed first: the message then names that server.
    out.once('error', () => (side ??= 'source'));
    inp.once('error', () => (side ??= 'target'));
    const piped = o.throttle ? pipeline(out, o.throttle, inp) : pipeline(out, inp);
    // Listened to once the pipe is attached: a 'data' listener alone would start the flow.
    if (o.onBytes) out.on('data', (b: Buffer) => o.onBytes!(b.length));
    await piped;
    side = 'source';
    await out.done; // the source's row count arrives after its last row
    side = 'target';
    await tgt.query('COMMIT');
    return { rows: inp.rowCount, sourceRows: out.rowCount };
  } catch (e) {
    if (e && typeof e === 'object') (e as { pgflexSide?: string }).pgflexSide = side;
    throw e;
  }
}
