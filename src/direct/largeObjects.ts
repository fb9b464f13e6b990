/**
 * Large objects, copied in 1 MB pieces so none is ever held whole in memory. pg_dump's
 * pre-data does not carry them with --schema-only, so they are created here with their OIDs
 * (tables refer to large objects by OID).
 */
import type pg from 'pg';
import { quoteIdent } from '../core/format';
import { applyGrants, grantsJson, type Grant } from './acl';

const PIECE = 1024 * 1024;

interface LargeObject {
  oid: string;
  owner: string;
  grants: Grant[] | null;
}

export interface LargeObjectCopyOptions {
  onProgress?: (done: number) => void;
  /**
   * Roles migrated: each object gets its source owner and grants, except owners the target
   * user cannot act as (`unowned`), whose objects stay its own.
   */
  owners?: { unowned: string[] };
  /** Copy only these (their OIDs as text); all of them when absent. */
  only?: Set<string>;
}

export async function copyLargeObjects(source: pg.Client, target: pg.Client, o: LargeObjectCopyOptions = {}): Promise<number> {
  const { onProgress, owners } = o;
  const los = await source.query(
    `SELECT l.oid::int8::text AS oid, pg_get_userbyid(l.lomowner) AS owner, ${grantsJson('l.lomacl')} AS grants
       FROM pg_largeobject_metadata l ORDER BY l.oid`,
  );
  const me = owners ? ((await target.query('SELECT current_user AS me')).rows[0].me as string) : '';
  let done = 0;
  for (const { oid, owner, grants } of (los.rows as LargeObject[]).filter((x) => !o.only || o.only.has(x.oid))) {
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
    if (owners && !owners.unowned.includes(owner)) {
      if (owner !== me) await target.query(`ALTER LARGE OBJECT ${oid} OWNER TO ${quoteIdent(owner)}`);
      if (grants) await applyGrants(target, `LARGE OBJECT ${oid}`, grants, ['PUBLIC']);
    }
    await target.query('COMMIT');
    done += 1;
    onProgress?.(done);
  }
  return done;
}

/**
 * The large objects (OIDs as text) of the source that the target lacks or holds differently.
 * Compared piece by piece on the servers by md5, so no content crosses the network, and an
 * object stops being read at its first differing piece.
 */
export async function changedLargeObjects(source: pg.Client, target: pg.Client): Promise<Set<string>> {
  const list = 'SELECT oid::int8::text AS oid FROM pg_largeobject_metadata';
  const [src, tgt] = await Promise.all([source.query(list), target.query(list)]);
  const onTarget = new Set(tgt.rows.map((r) => r.oid as string));
  const piece = 'SELECT md5(p) AS h, length(p) AS n FROM (SELECT pg_catalog.lo_get($1::oid, $2, $3) AS p) x';
  const changed = new Set<string>();
  for (const { oid } of src.rows as { oid: string }[]) {
    if (!onTarget.has(oid)) {
      changed.add(oid);
      continue;
    }
    for (let offset = 0; ; offset += PIECE) {
      const [s, t] = await Promise.all([source.query(piece, [oid, offset, PIECE]), target.query(piece, [oid, offset, PIECE])]);
      if (s.rows[0].h !== t.rows[0].h) {
        changed.add(oid);
        break;
      }
      if (Number(s.rows[0].n) < PIECE) break;
    }
  }
  return changed;
}
