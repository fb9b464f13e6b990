/**
 * A sample worth migrating: database `shop` with several schemas, an enum, a view, a function,
 * sequences, foreign keys, jsonb, and one table (sales.orders) far larger than the others
 * whose rows are skewed towards a few customers; and a second, small database `inventory`.
 * Generated on the server with generate_series, so seeding takes seconds.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { TestServer } from '../../test/harness/postgres';

export const SAMPLE_DATABASES = ['shop', 'inventory'] as const;

export interface SampleScale {
  /** Rows in sales.orders (the large, skewed table); order_items gets about twice as many. */
  orders: number;
  customers: number;
  products: number;
}

/** The sandbox's default: about 100 MB, seeded in a few seconds. */
export const SANDBOX_SCALE: SampleScale = { orders: 300_000, customers: 20_000, products: 2_000 };
/** Small enough for an end-to-end run to copy in a second or two. */
export const E2E_SCALE: SampleScale = { orders: 20_000, customers: 500, products: 200 };

const SQL_DIR = path.resolve(__dirname, '..', '..', 'test', 'fixtures');

function fill(sql: string, scale: SampleScale): string {
  return sql.replace(/:(orders|customers|products)\b/g, (_m, k: keyof SampleScale) => String(Math.max(1, Math.floor(scale[k]))));
}

/** Creates and fills `shop` and `inventory` on the server (which must not have them yet). */
export async function seedSample(server: TestServer, scale: SampleScale = SANDBOX_SCALE): Promise<void> {
  for (const db of SAMPLE_DATABASES) await server.psql('postgres', `CREATE DATABASE ${db}`);
  const shop = fill(readFileSync(path.join(SQL_DIR, 'sandbox-shop.sql'), 'utf8'), scale);
  const inventory = readFileSync(path.join(SQL_DIR, 'sandbox-inventory.sql'), 'utf8');
  await Promise.all([server.psql('shop', shop), server.psql('inventory', inventory)]);
}

/** Row counts of every user table in a database, keyed `schema.table`: to compare source and target. */
export async function rowCounts(server: TestServer, database: string): Promise<Record<string, number>> {
  const tables = (await server.psql(database, "SELECT format('%I.%I', schemaname, relname) FROM pg_stat_user_tables ORDER BY 1"))
    .split('\n')
    .filter(Boolean);
  if (tables.length === 0) return {};
  const union = tables.map((t) => `SELECT '${t}', count(*) FROM ${t}`).join(' UNION ALL ');
  const out: Record<string, number> = {};
  for (const line of (await server.psql(database, union)).split('\n').filter(Boolean)) {
    const [name, n] = line.split('|');
    out[name] = Number(n);
  }
  return out;
}
