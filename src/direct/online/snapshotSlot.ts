import pg from 'pg';
import { connect, explainPgError, type ConnInfo } from '../../pg/connection';

/**
 * A logical replication slot created over a replication connection with an exported
 * snapshot. The snapshot lives as long as this connection stays open and idle: the initial
 * copy must import it (SET TRANSACTION SNAPSHOT) before `release()` is called. Every change
 * committed after the snapshot is decoded from the slot, so nothing is lost or applied twice.
 */
export class SnapshotSlot {
  private constructor(
    private readonly client: pg.Client,
    readonly slotName: string,
    readonly snapshotName: string,
    readonly consistentPoint: string,
  ) {}

  static async create(source: ConnInfo, slotName: string): Promise<SnapshotSlot> {
    const client = await connectReplication(source);
    try {
      const major = Math.floor(Number((await client.query('SHOW server_version_num')).rows[0].server_version_num) / 10000);
      // PG15 introduced the option list; the old keyword form still works there but is gone from the docs.
      const sql = major >= 15
        ? `CREATE_REPLICATION_SLOT ${slotName} LOGICAL pgoutput (SNAPSHOT 'export')`
        : `CREATE_REPLICATION_SLOT ${slotName} LOGICAL pgoutput EXPORT_SNAPSHOT`;
      const r = await client.query(sql);
      const row = r.rows[0] as { slot_name: string; consistent_point: string; snapshot_name: string };
      return new SnapshotSlot(client, row.slot_name, row.snapshot_name, row.consistent_point);
    } catch (e) {
      await client.end().catch(() => undefined);
      throw explainPgError(e, source);
    }
  }

  /** End the snapshot's life (after every copy worker has imported it). The slot stays. */
  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    await this.client.end().catch(() => undefined);
  }

  private released = false;
}

/** A `replication=database` connection (no statement timeout: the slot's snapshot lives on it). */
function connectReplication(c: ConnInfo): Promise<pg.Client> {
  return connect(c, { statement_timeout: undefined, replication: 'database' });
}
