/**
 * Large objects, copied in 1 MB pieces so none is ever held whole in memory. pg_dump's
 * pre-data does not carry them with --schema-only, so they are created here with their OIDs
 * (tables refer to large objects by OID).
 */
import type pg from 'pg';

const PIECE = 1024 * 1024;

export async function copyLargeObjects(source: pg.Client, target: pg.Client, onProgress?: (done: number) => void): Promise<number> {
  const los = await source.query('SELECT oid::int8::text AS oid FROM pg_largeobject_metadata ORDER BY oid');
  let done = 0;
  for (const { oid } of los.rows as { oid: string }[]) {
    await target.query('BEGIN');
    await target.query('SELECT pg_catalog.lo_create($1::oid) WHERE NOT EXISTS (SELECT 1 FROM pg_largeobject_metadata WHERE oid = $1::oid)', [oid]);
    await target.query('SELECT pg_catalog.lo_truncate(pg_catalog.lo_open($1::oid, 131072), 0)', [oid]);
    for (let offset = 0; ; offset += PIECE) {
      const r = await source.query('SELECT pg_catalog.lo_get($1::oid, $2, $3) AS data', [oid, offset, PIECE]);
      const data = r.rows[0].data as Buffer;
      if (data.length === 0) break;
      await target.query('SELECT pg_catalog.lo_put($1::oid, $2, $3)', [oid, offset, data]);
      if (data.length < PIECE) break;
    }
    await target.query('COMMIT');
    onProgress?.(++done);
  }
  return done;
}
