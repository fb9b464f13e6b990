/** Creating the target database, or dropping and recreating it when overwrite was chosen. */
import { quoteIdent } from '../core/format';
import { describeServer, type ConnInfo } from '../pg/connection';
import type { Sessions } from './sessions';

export class TargetExistsError extends Error {}

/**
 * `adminDb` is where server-level statements run (the target URL's database). Overwrite
 * terminates the other sessions on the database first: DROP DATABASE refuses while any is open.
 */
export async function createTargetDatabase(
  sessions: Sessions,
  target: ConnInfo,
  database: string,
  opts: { overwrite: boolean; encodingFrom?: { encoding: string; collate: string; ctype: string } },
): Promise<void> {
  const admin = await sessions.open(target);
  try {
    const exists = (await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [database])).rowCount! > 0;
    if (exists) {
      if (!opts.overwrite) {
        throw new TargetExistsError(
          `The database "${database}" already exists on the ${describeServer(target)}. Drop it, choose overwrite (--overwrite) to replace it, or migrate into another server.`,
        );
      }
      for (let attempt = 0; ; attempt++) {
        await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [database]);
        try {
          await admin.query(`DROP DATABASE ${quoteIdent(database)}`);
          break;
        } catch (e) {
          // A client reconnected between the terminate and the drop: try again a few times.
          if ((e as { code?: string }).code !== '55006' || attempt >= 5) throw e;
          await new Promise((resolve) => setTimeout(resolve, 200));
        }
      }
    }
    let sql = `CREATE DATABASE ${quoteIdent(database)} TEMPLATE template0`;
    if (opts.encodingFrom) {
      sql += ` ENCODING '${opts.encodingFrom.encoding}' LC_COLLATE '${opts.encodingFrom.collate.replace(/'/g, "''")}' LC_CTYPE '${opts.encodingFrom.ctype.replace(/'/g, "''")}'`;
    }
    try {
      await admin.query(sql);
    } catch (e) {
      // The source's locale may not exist on the target machine: fall back to the target's default.
      if (!opts.encodingFrom || !/locale|collation|encoding/i.test((e as Error).message)) throw e;
      await admin.query(`CREATE DATABASE ${quoteIdent(database)} TEMPLATE template0 ENCODING '${opts.encodingFrom.encoding}'`);
    }
  } finally {
    await sessions.close(admin);
  }
}
