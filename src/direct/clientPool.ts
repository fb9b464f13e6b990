/** A few target sessions reused by post-data jobs, each set for index builds and prepared with pg_dump's SET prelude. */
import type pg from 'pg';
import type { ConnInfo } from '../pg/connection';
import { endBrokenSession, tagBrokenSession, type Sessions } from './sessions';
import { INDEX_SETTINGS } from './targetSettings';

export class ClientPool {
  private readonly idle: pg.Client[] = [];

  constructor(
    private readonly sessions: Sessions,
    private readonly conn: ConnInfo,
    private readonly prelude = '',
  ) {}

  async use<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
    let c = this.idle.pop();
    if (!c) {
      c = await this.sessions.open(this.conn);
      await c.query(`${INDEX_SETTINGS}; ${this.prelude}`);
    }
    try {
      const r = await fn(c);
      this.idle.push(c);
      return r;
    } catch (e) {
      tagBrokenSession(e, c);
      await this.sessions.close(c);
      throw e;
    }
  }

  /** Before a retry: end the session `e` broke if the server still runs it (see endBrokenSession). */
  async endBroken(e: unknown): Promise<void> {
    if (!(e as { pgflexTargetPid?: number } | undefined)?.pgflexTargetPid) return;
    let c: pg.Client;
    try {
      c = await this.sessions.open(this.conn);
    } catch {
      return; // the retry meets the same server and says what is wrong
    }
    try {
      await endBrokenSession(c, e, this.sessions.appName);
    } finally {
      await this.sessions.close(c);
    }
  }

  async closeAll(): Promise<void> {
    const all = this.idle.splice(0);
    await Promise.all(all.map((c) => this.sessions.close(c)));
  }
}
