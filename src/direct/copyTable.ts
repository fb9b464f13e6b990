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
import { netTimeouts } from '../core/netTimeouts';
import { isConnectionError } from './retry';
import { destroyClient, endBrokenSession, tagBrokenSession, type Sessions } from './sessions';
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
  /** No byte through the pipe for this long ends it as a dead connection (default: netTimeouts). */
  stallMs?: number;
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
      // The target's backend may outlive its socket (holding the TRUNCATE's lock): a retry ends it first.
      tagBrokenSession(e, p.tgt);
      // A network that broke one pipe has likely broken the idle ones too: a retry starts afresh.
      if (isConnectionError(e)) for (const q of this.idle.splice(0)) for (const c of [q.src, q.tgt]) destroyClient(c);
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
    const xid = o.truncateAndFreeze ? undefined : await transactionId(tgt);
    if (n > 0) await tgt.query(`INSERT INTO ${rel} SELECT FROM generate_series(1, ${n})`);
    await commit(tgt, xid, { rows: n, sourceRows: n }, o.stallMs ?? netTimeouts().copyStallMs);
    return { rows: n, sourceRows: n };
  }
  const cols = t.columns.map(quoteIdent).join(', ');
  const fmt = t.format === 'binary' ? 'FORMAT binary' : 'FORMAT text';
  const select = chunk.where ? `(SELECT ${cols} FROM ONLY ${rel}${where})` : `${rel} (${cols})`;
  const stallMs = o.stallMs ?? netTimeouts().copyStallMs;
  let side: 'source' | 'target' | undefined;
  let watchdog: NodeJS.Timeout | undefined;
  try {
    side = 'target';
    await answered(tgt, tgt.query('BEGIN'), stallMs);
    if (o.truncateAndFreeze) await answered(tgt, tgt.query(`TRUNCATE ONLY ${rel}`), stallMs);
    const xid = o.truncateAndFreeze ? undefined : await answered(tgt, transactionId(tgt), stallMs);
    side = undefined;
    const out = src.query(new CopyOut(`COPY ${select} TO STDOUT (${fmt})`));
    const inp = tgt.query(new CopyIn(`COPY ${rel} (${cols}) FROM STDIN (${fmt}${o.truncateAndFreeze ? ', FREEZE' : ''})`));
    // Remember which side failed first: the message then names that server.
    out.once('error', () => (side ??= 'source'));
    inp.once('error', () => (side ??= 'target'));
    watchdog = stallWatchdog(out, inp, stallMs);
    const piped = o.throttle ? pipeline(out, o.throttle, inp) : pipeline(out, inp);
    // Listened to once the pipe is attached: a 'data' listener alone would start the flow.
    if (o.onBytes) out.on('data', (b: Buffer) => o.onBytes!(b.length));
    await piped;
    clearInterval(watchdog);
    side = 'source';
    await answered(src, out.done, stallMs); // the source's row count arrives after its last row
    side = 'target';
    await commit(tgt, xid, { rows: inp.rowCount, sourceRows: out.rowCount }, stallMs);
    return { rows: inp.rowCount, sourceRows: out.rowCount };
  } catch (e) {
    if (e && typeof e === 'object') (e as { pgflexSide?: string }).pgflexSide = side;
    throw e;
  } finally {
    clearInterval(watchdog);
  }
}

/**
 * A pipe through which nothing moved for `stallMs` is ended with an ETIMEDOUT error on the side
 * that went silent: the source when it stopped sending, the target when it stopped taking.
 * Keepalives cannot see either when the peer (or a middlebox) still acknowledges packets.
 */
function stallWatchdog(out: CopyOut, inp: CopyIn, stallMs: number): NodeJS.Timeout {
  let moved = 0;
  let seen = -1;
  let since = Date.now();
  out.on('data', (b: Buffer) => (moved += b.length));
  const timer = setInterval(() => {
    if (moved !== seen) {
      seen = moved;
      since = Date.now();
      return;
    }
    if (Date.now() - since < stallMs) return;
    clearInterval(timer);
    const targetStuck = inp.writableNeedDrain;
    const who = targetStuck ? 'target' : 'source';
    const err = Object.assign(new Error(`no data moved for ${Math.round(stallMs / 1000)} s: the ${who} server ${targetStuck ? 'stopped taking rows' : 'stopped sending rows'} (the connection is probably dead: a firewall, NAT or VPN dropped it)`), { code: 'ETIMEDOUT' });
    if (targetStuck) inp.destroy(err);
    else out.destroy(err);
  }, Math.max(50, Math.min(1000, stallMs / 4)));
  timer.unref();
  return timer;
}

/**
 * The copy's own short statements (BEGIN, TRUNCATE, COMMIT, the source's end of COPY) get an
 * answer within `ms` or their session is taken for dead and dropped: on a connection that went
 * silent they would otherwise wait forever, keepalives being answered by whatever holds it open.
 */
async function answered<T>(client: pg.Client, q: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  q.catch(() => undefined); // once dropped, the statement's own rejection has no listener left
  const dead = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      destroyClient(client);
      reject(Object.assign(new Error(`no answer for ${Math.round(ms / 1000)} s (the connection is probably dead: a firewall, NAT or VPN dropped it)`), { code: 'ETIMEDOUT' }));
    }, ms);
  });
  try {
    return await Promise.race([q, dead]);
  } finally {
    clearTimeout(timer);
  }
}

async function transactionId(tgt: pg.Client): Promise<string> {
  return (await tgt.query('SELECT txid_current()::text AS x')).rows[0].x as string;
}

/** COMMIT; if the connection breaks on it, the error carries what is needed to learn whether it committed. */
async function commit(tgt: pg.Client, xid: string | undefined, result: CopyResult, stallMs: number): Promise<void> {
  try {
    await answered(tgt, tgt.query('COMMIT'), stallMs);
  } catch (e) {
    if (xid && e && typeof e === 'object') Object.assign(e, { pgflexInDoubt: { xid, result } });
    throw e;
  }
}

/**
 * Before a failed copy is retried: end the target session it used, if the server still has it
 * (a dead network leaves it waiting, with its locks), and learn whether a range's COMMIT that
 * was in flight took effect. Returns the copy's result if it did (the range must not be copied
 * again), undefined if the copy is to run again.
 */
export async function settleBrokenCopy(e: unknown, sessions: Sessions, target: ConnInfo): Promise<CopyResult | undefined> {
  const err = (e ?? {}) as { pgflexInDoubt?: { xid: string; result: CopyResult }; pgflexTargetPid?: number };
  if (!err.pgflexInDoubt && !err.pgflexTargetPid) return undefined;
  let c: pg.Client;
  try {
    c = await sessions.open(target);
  } catch {
    return undefined; // the retry meets the same server and says what is wrong
  }
  try {
    await endBrokenSession(c, e, sessions.appName);
    if (!err.pgflexInDoubt) return undefined;
    const r = await c.query('SELECT txid_status($1::bigint) AS s', [err.pgflexInDoubt.xid]);
    if (r.rows[0].s === 'committed') return err.pgflexInDoubt.result;
    if (r.rows[0].s === 'in progress') throw e; // its session could not be ended: a retry could copy the range twice
    return undefined;
  } finally {
    await sessions.close(c);
  }
}
