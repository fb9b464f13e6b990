/**
 * Keeps the sample source busy, so an online migration has changes to replicate and a
 * latency to show: new orders with their lines, status changes, audit events, stock moves.
 */
import type pg from 'pg';
import { connect, type ConnInfo } from '../../src/pg/connection';

export interface Writer {
  /** Transactions committed so far. */
  readonly commits: number;
  /** The last error, when the source refused a write (the writer keeps going). */
  readonly lastError: string | undefined;
  stop(): Promise<void>;
}

const SHOP_TX = [
  `WITH o AS (
     INSERT INTO sales.orders (customer_id, ordered_at, status, total)
     SELECT 1 + floor((SELECT max(id) FROM sales.customers) * power(random(), 4))::int, now(), 'new', round((random() * 400)::numeric, 2)
     RETURNING id)
   INSERT INTO sales.order_items (order_id, line, product_id, quantity)
   SELECT o.id, l, 1 + floor(random() * (SELECT max(id) FROM catalog.products))::int, 1 + l FROM o, generate_series(1, 2) l`,
  `UPDATE sales.orders SET status = 'paid' WHERE id = (SELECT max(id) FROM sales.orders) - floor(random() * 50)::int AND status = 'new'`,
  `INSERT INTO audit.events (kind, payload) VALUES ('writer', jsonb_build_object('at', now()))`,
];
const INVENTORY_TX = [`UPDATE stock.levels SET on_hand = (on_hand + 1) % 97, updated_at = now() WHERE warehouse_id = 1 + floor(random() * 4)::int AND sku = 'SKU-' || lpad((1 + floor(random() * 500))::int::text, 6, '0')`];

/** Starts writing every `intervalMs` into `shop` and `inventory` on the given server. */
export async function startWriter(server: ConnInfo, intervalMs = 100): Promise<Writer> {
  const clients: pg.Client[] = [];
  let commits = 0;
  let lastError: string | undefined;
  let running = true;
  const loops: Promise<void>[] = [];
  const pace = (): Promise<void> => new Promise((r) => setTimeout(r, intervalMs));

  async function loop(database: string, statements: string[]): Promise<void> {
    let client: pg.Client | undefined;
    while (running) {
      try {
        if (!client) {
          client = await connect({ ...server, database });
          clients.push(client);
        }
        await client.query('BEGIN');
        for (const sql of statements) await client.query(sql);
        await client.query('COMMIT');
        commits += 1;
      } catch (e) {
        lastError = (e as Error).message;
        await client?.end().catch(() => undefined);
        client = undefined;
      }
      await pace();
    }
    await client?.end().catch(() => undefined);
  }
  loops.push(loop('shop', SHOP_TX), loop('inventory', INVENTORY_TX));
  return {
    get commits() {
      return commits;
    },
    get lastError() {
      return lastError;
    },
    async stop() {
      running = false;
      await Promise.all(loops);
      await Promise.all(clients.map((c) => c.end().catch(() => undefined)));
    },
  };
}
