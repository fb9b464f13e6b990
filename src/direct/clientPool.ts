/** A few target sessions reused by post-data jobs, each set for index builds and prepared with pg_dump's SET prelude. */
import type pg from 'pg';
import type { ConnInfo } from '../pg/connection';
import type { Sessions } from './sessions';
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
      await this.sessions.close(c);
      throw e;
    }
  }

  async closeAll(): Promise<void> {
    const all = this.idle.splice(0);
    await Promise.all(all.map((c) => this.sessions.close(c)));
  }
}
