import type pg from 'pg';
import type { CutoverCopies, LatencyCause } from '../../core/model';
import { connect } from '../../pg/connection';
import { cutoverCopies, diagnoseSource, diagnoseTarget } from './latencyCauses';
import { HEARTBEAT_SCHEMA } from './names';
import { forControl } from '../../core/netTimeouts';
import { beat, readHeartbeat, tupleTotals, type Beat } from './heartbeat';
import { monitorApp, nameOf, sourceConn, targetConn, type OnlineDb } from './replicationObjects';

/** What one database's stream looks like right now. */
export interface StreamSample {
  /** Seconds: age of the oldest change the target has not applied; 0 when caught up. */
  latency: number;
  caughtUp: boolean;
  /** Whether the subscription's apply worker runs on the target (it restarts by itself). */
  workerRunning: boolean;
  /** Whether a walsender streams from the slot on the source (undefined: source unreachable). */
  slotActive?: boolean;
  /** Bytes of WAL between the source's position and what the target confirmed (not latency). */
  byteLag?: number;
  /** Row changes applied on the target since streaming started. */
  cdcInsertCounter: number;
  cdcUpdateCounter: number;
  cdcDeleteCounter: number;
  appliedChanges: number;
  /** Row changes made on the source since the snapshot (statistics collector, approximate). */
  incomingChanges?: number;
  /** Set when a server could not be read; the figures above are then the last known. */
  problem?: string;
  /** Why the stream lags or stopped, from the last diagnosis (latencyCauses.ts); [] when none. */
  causes?: LatencyCause[];
  /** What the cutover would copy again, from the last diagnosis. */
  cutoverCopies?: CutoverCopies;
}

export interface MonitorOptions {
  /** How often a sample also asks the servers why the stream lags (ms; default 5000). */
  diagnoseEveryMs?: number;
  /** A source transaction open longer than this is a cause (seconds; default 60). */
  longTransactionSeconds?: number;
}

const clamp = (n: number) => (Number.isFinite(n) && n > 0 ? n : 0);

/**
 * Watches one database: writes a beat on the source every `intervalMs` and reads, on demand,
 * which beat the target has applied. Remembering when each beat was written lets the latency
 * be the age of the first beat NOT yet applied, the oldest change still pending as far as the
 * heartbeat can see. Connections that drop (a server restart) are opened again on the next tick.
 */
export class LatencyMonitor {
  /** Beats go through their own session, so reading figures never delays a beat. */
  private beatClient?: pg.Client;
  private source?: pg.Client;
  private sampling?: Promise<StreamSample>;
  private target?: pg.Client;
  private timer?: NodeJS.Timeout;
  private beats: Beat[] = [];
  private beating?: Promise<void>;
  private stopped = false;
  private last?: StreamSample;
  /** Source clock minus local clock, ms, from the last beat (beats carry the source's time). */
  private skew = 0;
  private causes?: LatencyCause[];
  private copies?: CutoverCopies;
  private diagnosedAt = 0;
  private applyErrors?: number;

  constructor(readonly db: OnlineDb, readonly intervalMs = 200, readonly o: MonitorOptions = {}) {}

  start(): void {
    if (this.timer || this.stopped) return;
    this.timer = setInterval(() => void this.tick(), this.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.beating;
    await this.sampling?.catch(() => undefined);
    await Promise.all([this.beatClient, this.source, this.target].map((c) => c?.end().catch(() => undefined)));
    this.beatClient = undefined;
    this.source = undefined;
    this.target = undefined;
  }

  private tick(): Promise<void> {
    if (this.beating || this.stopped) return this.beating ?? Promise.resolve();
    this.beating = this.beatOnce().finally(() => {
      this.beating = undefined;
    });
    return this.beating;
  }

  /** A client that is closed again at once when stop() came while it was connecting. */
  private async open(side: 'source' | 'target'): Promise<pg.Client> {
    const c = await connect(forControl(side === 'source' ? sourceConn(this.db, monitorApp(this.db)) : targetConn(this.db, monitorApp(this.db))));
    if (this.stopped) {
      await c.end().catch(() => undefined);
      throw new Error('The latency monitor was stopped.');
    }
    return c;
  }

  private async beatOnce(): Promise<void> {
    try {
      this.beatClient ??= await this.open('source');
      const sent = Date.now();
      const b = await beat(this.beatClient, nameOf(this.db));
      this.skew = b.at - (sent + Date.now()) / 2;
      this.beats.push(b);
      if (this.beats.length > 5000) this.beats.splice(0, this.beats.length - 5000);
    } catch {
      await this.beatClient?.end().catch(() => undefined);
      this.beatClient = undefined;
    }
  }

  /** Write one beat now (outside the timer), e.g. to measure from a fresh process. */
  async beatNow(): Promise<Beat> {
    await this.tick();
    const b = this.beats.at(-1);
    if (!b) throw new Error(`Could not write the heartbeat on the source server ${this.db.source.host}:${this.db.source.port}.`);
    return b;
  }

  /** One reading; concurrent callers share the reading in flight. */
  sample(): Promise<StreamSample> {
    this.sampling ??= this.sampleOnce().finally(() => {
      this.sampling = undefined;
    });
    return this.sampling;
  }

  private async sampleOnce(): Promise<StreamSample> {
    const name = nameOf(this.db);
    try {
      this.target ??= await this.open('target');
      const t = await this.target.query(
        `SELECT (SELECT pid FROM pg_stat_subscription WHERE subname = $1 AND relid IS NULL LIMIT 1) AS pid`, [name]);
      const row = await readHeartbeat(this.target, name, 'target');
      const totals = await tupleTotals(this.target);
      const workerRunning = t.rows[0].pid !== null;
      const applied = row?.seq ?? 0;
      const latest = this.beats.at(-1);
      const now = Date.now() + this.skew;
      let latency = 0;
      if (latest && applied < latest.seq) {
        // The next beat after the applied one is the oldest change known to be pending. When
        // this process did not write it, the applied beat's own time bounds the age from above.
        const next = this.beats.find((b) => b.seq === applied + 1);
        latency = clamp((now - (next?.at ?? row?.at ?? now)) / 1000);
      }
      const base = row?.target ?? { inserts: 0, updates: 0, deletes: 0 };
      const s: StreamSample = {
        latency,
        caughtUp: latency === 0,
        workerRunning,
        cdcInsertCounter: clamp(totals.inserts - base.inserts),
        cdcUpdateCounter: clamp(totals.updates - base.updates),
        cdcDeleteCounter: clamp(totals.deletes - base.deletes),
        appliedChanges: 0,
      };
      s.appliedChanges = s.cdcInsertCounter + s.cdcUpdateCounter + s.cdcDeleteCounter;
      await this.sampleSource(s, name);
      if (Date.now() - this.diagnosedAt >= (this.o.diagnoseEveryMs ?? 5000)) await this.diagnose(name);
      s.causes = this.causes;
      s.cutoverCopies = this.copies;
      this.last = s;
      return s;
    } catch (e) {
      await this.target?.end().catch(() => undefined);
      this.target = undefined;
      const problem = `The target server ${this.db.target.host}:${this.db.target.port} could not be read (${e instanceof Error ? e.message : String(e)}); replication resumes by itself once it is back.`;
      return { ...(this.last ?? { latency: 0, caughtUp: false, workerRunning: false, cdcInsertCounter: 0, cdcUpdateCounter: 0, cdcDeleteCounter: 0, appliedChanges: 0 }), caughtUp: false, workerRunning: false, problem };
    }
  }

  get lastCutoverCopies(): CutoverCopies | undefined {
    return this.copies;
  }

  /** Ask both servers why the stream lags; a server that cannot be read adds no cause. */
  async diagnose(name = nameOf(this.db)): Promise<LatencyCause[]> {
    this.diagnosedAt = Date.now();
    const causes: LatencyCause[] = [];
    if (this.target) {
      const t = await diagnoseTarget(this.target, name, { previousApplyErrors: this.applyErrors }).catch(() => undefined);
      if (t) {
        causes.push(...t.causes);
        this.applyErrors = t.applyErrors;
      }
    }
    if (this.source) {
      causes.push(...(await diagnoseSource(this.source, name, this.o).catch(() => [])));
      this.copies = (await cutoverCopies(this.source, HEARTBEAT_SCHEMA).catch(() => undefined)) ?? this.copies;
    }
    this.causes = causes;
    return causes;
  }

  private async sampleSource(s: StreamSample, name: string): Promise<void> {
    try {
      this.source ??= await this.open('source');
      const r = await this.source.query(
        `SELECT active, (pg_current_wal_lsn() - confirmed_flush_lsn)::bigint AS lag FROM pg_replication_slots WHERE slot_name = $1`, [name]);
      s.slotActive = r.rows[0]?.active ?? false;
      s.byteLag = r.rows[0] ? Math.max(0, Number(r.rows[0].lag)) : undefined;
      const row = await readHeartbeat(this.source, name, 'source');
      const totals = await tupleTotals(this.source);
      if (row) s.incomingChanges = clamp(totals.inserts + totals.updates + totals.deletes - row.baseChanges);
    } catch (e) {
      await this.source?.end().catch(() => undefined);
      this.source = undefined;
      s.problem = `The source server ${this.db.source.host}:${this.db.source.port} could not be read (${e instanceof Error ? e.message : String(e)}); replication resumes by itself once it is back.`;
    }
  }
}

/**
 * One measurement from a process that was not beating: write a beat, wait up to `waitMs` for
 * the target to apply it, and read the stream. Latency is then the time that beat took, or
 * its age when it did not arrive in time.
 */
export async function measureOnce(db: OnlineDb, waitMs = 2000): Promise<StreamSample> {
  const m = new LatencyMonitor(db);
  try {
    let s: StreamSample | undefined;
    try {
      await m.beatNow();
    } catch {
      return await m.sample();
    }
    const until = Date.now() + waitMs;
    for (;;) {
      s = await m.sample();
      if (s.caughtUp || s.problem || Date.now() > until) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    // A second diagnosis, to see apply errors counted while this process waited.
    if (!s.problem) {
      s.causes = await m.diagnose();
      s.cutoverCopies = m.lastCutoverCopies;
    }
    return s;
  } finally {
    await m.stop();
  }
}
