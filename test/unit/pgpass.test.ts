import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { resolvePassword } from '../../src/pg/connection';
import { matchPgpass, parsePgpass, pgpassLookup, pgpassPath } from '../../src/pg/pgpass';

const key = { host: 'db.example', port: 5432, database: 'sales', user: 'alice' };

describe('password file (~/.pgpass, PGPASSFILE) as libpq reads it', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'pgflex-pgpass-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('matches field by field; * matches anything; the first matching line wins', () => {
    const entries = parsePgpass(['# comment', 'other:5432:sales:alice:nope', 'db.example:*:sales:alice:first', '*:*:*:*:fallback'].join('\n'));
    assert.equal(matchPgpass(entries, key), 'first');
    assert.equal(matchPgpass(entries, { ...key, user: 'bob' }), 'fallback');
    assert.equal(matchPgpass(parsePgpass('db.example:5433:sales:alice:x'), key), undefined, 'another port does not match');
  });

  it('unescapes \\: and \\\\; an escaped \\* is a literal star, not a wildcard; the password ends at an unescaped colon', () => {
    const entries = parsePgpass(['db.example:5432:sa\\:les:alice:p\\:w\\\\d:ignored', 'db.example:5432:\\*:alice:star'].join('\r\n'));
    assert.equal(matchPgpass(entries, { ...key, database: 'sa:les' }), 'p:w\\d');
    assert.equal(matchPgpass(entries, key), undefined, '\\* matches only a database literally named *');
    assert.equal(matchPgpass(entries, { ...key, database: '*' }), 'star');
    assert.deepEqual(parsePgpass('too:few:fields:here'), []);
  });

  it('reads PGPASSFILE, else ~/.pgpass', () => {
    assert.equal(pgpassPath({ PGPASSFILE: '/x/pass', HOME: '/home/a' }), '/x/pass');
    assert.equal(pgpassPath({ HOME: '/home/a' }), '/home/a/.pgpass');
  });

  // POSIX file modes: these suites run on Linux (libpq skips the check on Windows, and so does pgpass.ts).
  it('ignores a file that group or others may read, as libpq does (0600 or less)', () => {
    const file = path.join(dir, 'pgpass');
    writeFileSync(file, 'db.example:5432:sales:alice:secret-from-file\n');
    chmodSync(file, 0o644);
    const loose = pgpassLookup(key, { PGPASSFILE: file });
    assert.equal(loose.password, undefined);
    assert.match(loose.ignored ?? '', /group or world access.*chmod 0600/);
    chmodSync(file, 0o600);
    assert.deepEqual(pgpassLookup(key, { PGPASSFILE: file }), { password: 'secret-from-file', file });
    assert.deepEqual(pgpassLookup(key, { PGPASSFILE: path.join(dir, 'missing') }), {});
  });

  it("gives the engine's sessions the file's password when the connection has none, and never overrides a given one", () => {
    const file = path.join(dir, 'pgpass');
    writeFileSync(file, 'db.example:5432:sales:alice:from-file\n', { mode: 0o600 });
    const saved = process.env.PGPASSFILE;
    process.env.PGPASSFILE = file;
    try {
      const c = { ...key, sslMode: 'prefer' as const };
      assert.equal(resolvePassword(c), 'from-file');
      assert.equal(resolvePassword({ ...c, password: 'given' }), 'given');
    } finally {
      if (saved === undefined) delete process.env.PGPASSFILE;
      else process.env.PGPASSFILE = saved;
    }
  });
});
