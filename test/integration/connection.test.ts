import assert from 'node:assert/strict';
import { connect, PgConnectError } from '../../src/pg/connection';
import { freePort } from '../harness/postgres';
import { sharedServer } from '../harness/servers';

describe('pg connection errors (real server)', () => {
  it('connects with the right password', async () => {
    const s = await sharedServer('16', 'target');
    const c = await connect(s.conn('postgres', 'target'));
    const r = await c.query('select 1 as one');
    assert.equal(r.rows[0].one, 1);
    await c.end();
  });

  it('names the server and the user on a wrong password, and never echoes it', async () => {
    const s = await sharedServer('16', 'target');
    await assert.rejects(connect({ ...s.conn('postgres', 'target'), password: 'wrong-password-123' }), (e: unknown) => {
      assert.ok(e instanceof PgConnectError);
      assert.equal(e.kind, 'auth');
      assert.match(e.message, new RegExp(`target server 127.0.0.1:${s.port}`));
      assert.doesNotMatch(e.message, /wrong-password-123/);
      return true;
    });
  });

  it('says nothing is listening on a closed port', async () => {
    const port = await freePort();
    await assert.rejects(connect({ host: '127.0.0.1', port, user: 'x', password: 'y', database: 'postgres', sslMode: 'disable', role: 'source' }), (e: unknown) => {
      assert.ok(e instanceof PgConnectError);
      assert.equal(e.kind, 'unreachable');
      assert.match(e.message, /Nothing is listening on the source server/);
      return true;
    });
  });

  it('says which database is missing', async () => {
    const s = await sharedServer('16', 'target');
    await assert.rejects(connect(s.conn('no_such_db', 'target')), (e: unknown) => {
      assert.ok(e instanceof PgConnectError);
      assert.equal(e.kind, 'database-missing');
      assert.match(e.message, /"no_such_db" does not exist/);
      return true;
    });
  });

  it('falls back to plain text with sslmode=prefer and refuses with sslmode=require when the server has no TLS', async () => {
    const s = await sharedServer('16', 'target');
    const c = await connect({ ...s.conn('postgres'), sslMode: 'prefer' });
    await c.end();
    await assert.rejects(connect({ ...s.conn('postgres', 'target'), sslMode: 'require' }), (e: unknown) => {
      assert.ok(e instanceof PgConnectError);
      assert.equal(e.kind, 'tls-unsupported');
      return true;
    });
  });
});
